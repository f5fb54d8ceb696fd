/**
 * virsh blockcopy --pivot — move a running VM's disk to a new volume in
 * another pool, with progress, then switch the disk over. The new volume is
 * the VM's own; the old one is deleted only if the SDK made it. Ctrl-C
 * cancels the copy in libvirt and deletes the new volume.
 *
 *   npx tsx examples/blockcopy.ts <name> <target> <pool> [bandwidth-MiB/s]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { BlockJobManager } from 'libvirt-manager/disk-state';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', disk = 'vda', pool = 'default', mib] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const jobs = new BlockJobManager(conn);

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
const task = jobs.copy(name, {
  disk,
  to: { pool },
  ...(mib === undefined ? {} : { bandwidth: Number(mib) * 1024 * 1024 }),
  signal: stop.signal,
});
for await (const p of task.progress) console.log(`Block Copy: [${p.end === 0 ? 0 : Math.floor((100 * p.cur) / p.end)} %]`);
const r = await task;
console.log(`Successfully pivoted ${name}/${disk} to ${r.destination.path} (${r.elapsedMs} ms, confirmed by ${r.confirmedBy})`);
if (r.previous?.outcome === 'deleted') console.log(`old volume ${r.previous.pool}/${r.previous.name} deleted`);
else if (r.previous?.outcome === 'kept') console.log(`old image ${r.previous.path} kept (${r.previous.reason})`);
