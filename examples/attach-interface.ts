/**
 * virsh attach-interface / detach-interface — hot-plug a NIC on a libvirt
 * network (the MAC is chosen before the call, so the running VM and its
 * definition agree), or unplug one by MAC.
 *
 *   npx tsx examples/attach-interface.ts <name> <network>
 *   npx tsx examples/attach-interface.ts <name> --detach <mac>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', network = 'default', mac] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

if (network === '--detach' && mac !== undefined) {
  const r = await devices.detachNic(name, mac);
  console.log(`Interface ${r.device} detached from ${name} (confirmed by ${r.confirmedBy})`);
} else {
  const r = await devices.attachNic(name, { network });
  console.log(`Interface ${r.mac} (${r.model ?? 'default model'}) attached to ${name} on ${network} (confirmed by ${r.confirmedBy})`);
}
