/**
 * virsh snapshot-create-as / snapshot-list / snapshot-revert / snapshot-delete
 *
 *   npx tsx examples/snapshot.ts <domain> [snapshot-name]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const domain = process.argv[2] ?? 'test';
const name = process.argv[3] ?? `snap-${Date.now()}`;
await using conn = await LibvirtConnection.connect(uri);
const snapshots = conn.domains.snapshots;

const snap = await snapshots.create(domain, { name, description: 'made by examples/snapshot.ts' });
console.log(`Domain snapshot ${snap.name} created`);
console.log('snapshots:', (await snapshots.list(domain)).map((s) => s.name).join(', '));
await snapshots.revert(snap);
console.log(`Domain reverted to snapshot ${snap.name}`);
await snapshots.delete(snap);
console.log(`Domain snapshot ${snap.name} deleted`);
