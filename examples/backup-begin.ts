/**
 * virsh backup-begin (push mode) — copies of a running VM's disks, made as
 * new volumes in a pool, with progress; `--checkpoint` creates a checkpoint
 * with it and `--incremental` copies only what changed since one (qcow2 v3
 * disks). Resolves once libvirt reports the job completed (JOB_COMPLETED);
 * Ctrl-C aborts the job and deletes what it made.
 *
 *   npx tsx examples/backup-begin.ts <name> <pool> [--checkpoint <new>] [--incremental <since>]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { BackupManager } from 'libvirt-manager/disk-state';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', pool = 'default', ...rest] = process.argv.slice(2);
const flag = (f: string): string | undefined => (rest.includes(f) ? rest[rest.indexOf(f) + 1] : undefined);
const checkpoint = flag('--checkpoint');
const incremental = flag('--incremental');

await using conn = await LibvirtConnection.connect(uri);
const backups = new BackupManager(conn, { pollInterval: 500 });
const abort = new AbortController();
process.once('SIGINT', () => abort.abort());

const { progress, result } = backups.start(name, {
  pool,
  ...(checkpoint === undefined ? {} : { checkpoint }),
  ...(incremental === undefined ? {} : { incremental }),
  signal: abort.signal,
});
for await (const p of progress) console.log(`  ${p.processed} / ${p.total} bytes after ${p.elapsedMs} ms`);
const r = await result;
console.log(`Backup (${r.kind}${r.since === undefined ? '' : ` since ${r.since}`}) of ${name} completed in ${r.elapsedMs} ms`);
for (const v of r.volumes) console.log(`  ${v.disk} → ${v.pool}/${v.name} (${v.format}, ${v.size} bytes) at ${v.path}`);
if (r.checkpoint !== undefined) console.log(`  checkpoint ${r.checkpoint} created for the next incremental backup`);
console.log(`Checkpoints of ${name}: ${(await backups.listCheckpoints(name)).map((c) => c.name).join(', ') || '(none)'}`);
