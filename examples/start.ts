/**
 * virsh start — resolves once libvirt confirms the VM is running.
 *
 *   npx tsx examples/start.ts <name>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmLifecycleManager } from 'libvirt-manager/lifecycle';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const name = process.argv[2] ?? 'example-vm';
await using conn = await LibvirtConnection.connect(uri);
const lifecycle = new VmLifecycleManager(conn);

const result = await lifecycle.start(name, { timeout: 60_000 });
console.log(result.noop ?? `Domain '${name}' started (${result.state}/${result.reason}, confirmed by ${result.confirmedBy})`);
