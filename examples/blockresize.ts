/**
 * virsh blockresize (running VM) / vol-resize (shut-off VM) — grow a disk.
 * Shrinking needs --shrink: it cuts off whatever the guest stored past the
 * new end.
 *
 *   npx tsx examples/blockresize.ts <name> <target> <size> [--shrink]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', target = 'vda', size = '20GiB', flag] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

const r = await devices.resizeDisk(name, target, size, { allowShrink: flag === '--shrink' });
console.log(`Disk ${target} of ${name}: ${r.before} → ${r.capacity} bytes (${r.method === 'live' ? 'live' : 'through its volume'})`);
