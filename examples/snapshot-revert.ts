/**
 * virsh snapshot-revert — put the VM's disks (and memory, when saved) back
 * as they were. libvirt before 9.7.0 reverts internal snapshots only: an
 * external one is refused with an UnsupportedError that says so.
 *
 *   npx tsx examples/snapshot-revert.ts <name> <snapshot> [--running|--paused] [--force]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { SnapshotManager } from 'libvirt-manager/disk-state';
import { UnsupportedError } from 'libvirt-manager';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [name = 'test', snapshot = 'example-snap'] = args.filter((a) => !a.startsWith('--'));
await using conn = await LibvirtConnection.connect(uri);
const snapshots = new SnapshotManager(conn);

try {
  const r = await snapshots.revert(name, snapshot, {
    running: flags.has('--running'),
    paused: flags.has('--paused'),
    force: flags.has('--force'),
  });
  console.log(`Domain ${name} reverted to snapshot ${r.name}: now ${r.state} (${r.elapsedMs} ms)`);
} catch (error) {
  if (!(error instanceof UnsupportedError)) throw error;
  console.error(`Not reverted: ${error.message}`);
  process.exitCode = 2;
}
