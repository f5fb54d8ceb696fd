/**
 * virsh snapshot-delete — an internal snapshot is dropped from the qcow2
 * files; an external one is merged into the image below it by libvirt
 * (a block commit; libvirt 9.0 and later) and its overlay removed; an owned
 * memory file is deleted. --children takes its descendants too.
 *
 *   npx tsx examples/snapshot-delete.ts <name> <snapshot> [--children]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { SnapshotManager } from 'libvirt-manager/disk-state';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const args = process.argv.slice(2);
const [name = 'test', snapshot = 'example-snap'] = args.filter((a) => !a.startsWith('--'));
await using conn = await LibvirtConnection.connect(uri);
const snapshots = new SnapshotManager(conn);

const r = await snapshots.delete(name, snapshot, { children: args.includes('--children') });
console.log(`Domain snapshot ${r.deleted.join(', ')} deleted (${r.elapsedMs} ms)`);
for (const path of r.committed) console.log(`  committed and removed: ${path}`);
for (const path of r.filesDeleted) console.log(`  deleted: ${path}`);
