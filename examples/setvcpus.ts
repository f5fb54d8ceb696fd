/**
 * virsh setvcpus — hot-plug (or unplug) vCPUs up to the maximum the VM's
 * definition allows.
 *
 *   npx tsx examples/setvcpus.ts <name> <count>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'test', count = '1'] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

const r = await devices.setVcpus(name, Number(count));
console.log(`${name} has ${r.vcpus} vCPU(s) of at most ${r.maximum} (confirmed by ${r.confirmedBy})`);
