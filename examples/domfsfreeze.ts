/**
 * virsh domfsfreeze / domfsthaw — freeze a running guest's filesystems for a
 * consistent snapshot or backup, and thaw them however the block ends. A
 * watchdog thaws them even if this process forgot to.
 *
 *   npx tsx examples/domfsfreeze.ts <name> [mountpoint ...]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { AgentManager } from 'libvirt-manager/agent';
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'test', ...mountpoints] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const agent = new AgentManager(conn);

{
  await using frozen = await agent.freeze(name, { mountpoints, watchdog: 30_000 });
  console.log(`Froze ${frozen.frozen} filesystem(s) of ${name}`);
  // … take the disk snapshot or backup here …
}
console.log(`Thawed the filesystems of ${name}`);
