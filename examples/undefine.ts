/**
 * virsh undefine --remove-all-storage, done safely: stops the VM if needed,
 * deletes only the volumes libvirt-manager created for it (pass `all-safe` to
 * also delete its other disks that no other domain uses), then removes the
 * definition with NVRAM, snapshot and checkpoint metadata.
 *
 *   npx tsx examples/undefine.ts <name> [owned|all-safe|none]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDestroyer } from 'libvirt-manager/destroyer';
import { VmLifecycleManager } from 'libvirt-manager/lifecycle';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const name = process.argv[2] ?? 'example-vm';
const storage = (process.argv[3] ?? 'owned') as 'owned' | 'all-safe' | 'none';
await using conn = await LibvirtConnection.connect(uri);
const destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));

const report = await destroyer.destroy(name, { stop: 'force', storage });
if (report.alreadyGone) console.log(`Domain '${name}' does not exist: nothing to do`);
else {
  console.log(`Domain '${name}' has been undefined`);
  for (const v of report.volumesDeleted) console.log(`  deleted ${v.path ?? `${v.pool}/${v.name}`}`);
  for (const k of report.volumesKept) console.log(`  kept    ${k.volume.path ?? k.volume.name} (${k.reason})`);
  if (!report.complete)
    console.log(
      '  incomplete — run again to finish:',
      report.errors.map((e) => e.error.message),
    );
}
