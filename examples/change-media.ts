/**
 * virsh change-media — insert an ISO into a CD-ROM drive (a host path, or
 * pool/volume), or eject it.
 *
 *   npx tsx examples/change-media.ts <name> <target> <path | pool/volume | --eject>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmDeviceManager } from 'libvirt-manager/devices';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const [name = 'example-vm', target = 'sda', medium = '--eject'] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
const devices = new VmDeviceManager(conn);

const [pool, volume] = medium.split('/');
const source = medium === '--eject' ? null : medium.startsWith('/') ? medium : { pool: pool!, volume: volume! };
const r = await devices.changeMedia(name, target, source);
console.log(r.source === undefined ? `Medium ejected from ${target}` : `Medium ${r.source} inserted into ${target}`);
