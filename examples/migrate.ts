/**
 * virsh migrate --live --p2p --copy-storage-all — move a running VM to another host, its disks copied over NBD
 * into volumes made on the destination; progress as it goes; Ctrl-C aborts (the VM stays on the source).
 *
 *   npx tsx examples/migrate.ts <name> <destination-uri> [--managed] [--shared] [--bandwidth MiB/s]
 *   e.g. LIBVIRT_URI=qemu+tcp://127.0.0.2/system npx tsx examples/migrate.ts web1 qemu+tcp://127.0.0.3/system
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { MigrationManager } from 'libvirt-manager/migration';

const uri = process.env.LIBVIRT_URI ?? 'qemu+tcp://127.0.0.2/system';
const args = process.argv.slice(2);
const [name, to] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--bandwidth');
if (name === undefined || to === undefined)
  throw new Error('usage: migrate.ts <name> <destination-uri> [--managed] [--shared] [--bandwidth N]');
const bandwidth = args.includes('--bandwidth') ? Number(args[args.indexOf('--bandwidth') + 1]) : undefined;

await using source = await LibvirtConnection.connect(uri);
// Copied storage and managed mode need the destination's daemon too (the SDK makes the volumes there).
await using dest = await LibvirtConnection.connect(to);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());

const result = await new MigrationManager(source).migrate(name, {
  to: dest,
  mode: args.includes('--managed') ? 'managed' : 'p2p',
  storage: args.includes('--shared') ? 'shared' : 'copy-all',
  ...(bandwidth === undefined ? {} : { bandwidth }),
  signal: controller.signal,
  onProgress: (p) =>
    console.log(
      `Migration: ${((100 * p.dataProcessed) / Math.max(1, p.dataTotal)).toFixed(0)} % (${p.dataRemaining} bytes left, pass ${p.memoryIteration})`,
    ),
});
console.log(
  `${name} runs on ${result.destinationUri} after ${result.durationMs} ms (downtime ${result.stats?.downtime ?? '?'} ms);`,
  `copied ${result.copiedDisks.map((d) => d.target).join(', ') || 'no disks'}; source volumes deleted: ${result.sourceVolumesDeleted.length}`,
);
