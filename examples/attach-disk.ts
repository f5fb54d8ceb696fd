/**
 * virsh attach-disk — a new volume made in a pool (owned by the VM: deleted
 * with it by `destroyVm({ storage: 'owned' })`), or an existing volume or file.
 * Hot-plugged into a running VM and kept in its definition; resolves once
 * libvirt confirms the disk is there (DEVICE_ADDED).
 *
 *   npx tsx examples/attach-disk.ts <name> <pool> <size>           # a new volume, e.g. 10GiB
 *   npx tsx examples/attach-disk.ts <name> <pool> --volume <vol>   # an existing volume
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { type DiskSpec, VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', pool = 'default', size = '1GiB', volume] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

const disk: DiskSpec =
  size === '--volume' && volume !== undefined ? { kind: 'existing', volume: { pool, volume } } : { kind: 'new', pool, size };
const r = await devices.attachDisk(name, disk, { timeout: 120_000 });
console.log(`Disk ${r.target} (${r.bus}) attached to ${name}${r.live ? ' live' : ''}${r.config ? ' and in its definition' : ''}`);
if (r.volume !== undefined) console.log(`  new volume ${r.volume.pool}/${r.volume.name} at ${r.volume.path}, owned by ${name}`);
console.log(`  confirmed by ${r.confirmedBy} in ${r.elapsedMs} ms`);
