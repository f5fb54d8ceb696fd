/**
 * virsh snapshot-create-as — take a snapshot, decided from the VM unless
 * told: internal (inside qcow2 disks, with memory when running) or external
 * (new overlay volumes in each disk's pool, owned by the VM); then the VM's
 * snapshots as a tree (virsh snapshot-list --tree).
 *
 *   npx tsx examples/snapshot-create-as.ts <name> <snapshot> [internal|external] [--disk-only] [--quiesce]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { SnapshotManager } from 'libvirt-manager/disk-state';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const [name = 'test', snapshot = `snap-${Date.now()}`, disks] = args.filter((a) => !a.startsWith('--'));
await using conn = await LibvirtConnection.connect(uri);
const snapshots = new SnapshotManager(conn);

const r = await snapshots.create(name, {
  name: snapshot,
  ...(disks === 'internal' || disks === 'external' ? { disks } : {}),
  ...(flags.has('--disk-only') ? { memory: false } : {}),
  quiesce: flags.has('--quiesce') ? 'required' : 'auto',
});
console.log(
  `Domain snapshot ${r.snapshot.name} created (${r.snapshot.kind}, memory: ${r.snapshot.memory}${r.quiesced ? ', quiesced' : ''})`,
);
for (const f of r.files) console.log(`  ${f.of}: ${f.path}${f.owned ? ' (owned by the VM)' : ''}`);
const tree = await snapshots.list(name);
const depth = (parent: string | undefined): number => (parent === undefined ? 0 : 1 + depth(tree.find((x) => x.name === parent)?.parent));
for (const s of tree)
  console.log(`${'  '.repeat(depth(s.parent))}${s.name}${s.current ? ' *' : ''}  ${s.kind}  ${s.createdAt?.toISOString() ?? ''}`);
