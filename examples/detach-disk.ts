/**
 * virsh detach-disk — unplug a disk by target. Resolves once libvirt confirms
 * the guest let go (DEVICE_REMOVED), re-sending the request while it has not;
 * a guest that refuses or never lets go is a DeviceDetachError that says
 * where the running VM and its definition stand. `--delete` also deletes the
 * disk's volume, but only one the SDK made for this VM.
 *
 *   npx tsx examples/detach-disk.ts <name> <target> [--delete]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { DeviceDetachError, VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', target = 'vdb', flag] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

try {
  const r = await devices.detachDisk(name, target, { deleteVolume: flag === '--delete', timeout: 120_000 });
  console.log(`Disk ${target} detached from ${name} (${r.requests} request(s), confirmed by ${r.confirmedBy})`);
  if (r.volume?.outcome === 'deleted') console.log(`  volume ${r.volume.pool}/${r.volume.name} deleted`);
  else if (r.volume?.outcome === 'not-deleted') console.log(`  volume kept: ${r.volume.reason}`);
} catch (error) {
  if (!(error instanceof DeviceDetachError)) throw error;
  console.error(`Disk ${target} was not detached (${error.reason}): running VM ${error.live}, definition ${error.config}`);
  process.exitCode = 1;
}
