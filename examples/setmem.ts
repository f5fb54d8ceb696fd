/**
 * virsh setmem — the VM's memory, through the balloon while it runs (and in
 * its definition), up to its maximum.
 *
 *   npx tsx examples/setmem.ts <name> <size>        # e.g. 1GiB
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'test', size = '1GiB'] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

const r = await devices.setMemory(name, size);
const where = [r.live ? 'live' : '', r.config ? 'config' : ''].filter(Boolean).join(' + ');
console.log(`Memory of ${name} set to ${r.memory} bytes (${where}); maximum ${r.maximum}; balloon now ${r.balloon ?? '-'}`);
