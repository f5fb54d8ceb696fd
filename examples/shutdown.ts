/**
 * virsh shutdown — but it waits until the guest is really off, re-sends the
 * ACPI request while waiting, and forces the VM off after the timeout.
 *
 *   npx tsx examples/shutdown.ts <name> [timeout-ms]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmLifecycleManager } from 'libvirt-manager/lifecycle';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const name = process.argv[2] ?? 'example-vm';
const timeout = Number(process.argv[3] ?? 60_000);
await using conn = await LibvirtConnection.connect(uri);
const lifecycle = new VmLifecycleManager(conn);

const result = await lifecycle.shutdown(name, { mode: 'auto', timeout, onTimeout: 'forceOff' });
if (result.noop !== undefined) console.log(`Domain '${name}': ${result.noop}`);
else console.log(`Domain '${name}' is ${result.state} (${result.reason})${result.escalated ? ', forced off after the timeout' : ''}`);
