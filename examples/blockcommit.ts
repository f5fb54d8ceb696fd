/**
 * virsh blockcommit --active --pivot — merge a disk's top overlay (e.g. an
 * external snapshot's) into its backing image and switch the disk back to
 * it; with --pull, virsh blockpull instead (copy the backing chain up into
 * the overlay). Progress is printed as it comes.
 *
 *   npx tsx examples/blockcommit.ts <name> <target> [--pull]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { BlockJobManager } from 'libvirt-manager/disk-state';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', disk = 'vda', mode] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const jobs = new BlockJobManager(conn);

const onProgress = (p: { cur: number; end: number }): void => console.log(`progress ${p.cur}/${p.end}`);
const r = mode === '--pull' ? await jobs.pull(name, { disk, onProgress }) : await jobs.commit(name, { disk, onProgress });
console.log(`${r.job === 'pull' ? 'Pull' : 'Commit'} of ${name}/${disk} ${r.outcome}; chain now: ${r.chain.join(' → ')}`);
