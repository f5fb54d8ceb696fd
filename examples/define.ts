/**
 * virsh define — from a typed spec instead of hand-written XML. Prints the XML
 * the creator wrote; nothing is started.
 *
 *   npx tsx examples/define.ts <name>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';
import { VmCreator } from 'libvirt-manager/creator';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const name = process.argv[2] ?? 'example-vm';
await using conn = await LibvirtConnection.connect(uri);
const creator = new VmCreator(conn);

const { domain, xml } = await creator.create({
  name,
  memory: '256MiB',
  vcpus: 1,
  ...(uri.startsWith('test') ? { virtType: 'test' } : { virtType: 'qemu' }),
});
console.log(xml);
console.log(`Domain '${domain.name}' defined (uuid ${domain.uuid})`);
