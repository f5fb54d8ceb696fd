/**
 * virsh list --all
 *
 *   npx tsx examples/list.ts            (LIBVIRT_URI, default test+unix:///default)
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
await using conn = await LibvirtConnection.connect(uri);

console.log(' Id   Name                             State');
console.log('-----------------------------------------------------');
for (const domain of await conn.domains.list()) {
  const { state, reason } = await conn.domains.getState(domain);
  const id = domain.id === -1 ? '-' : String(domain.id);
  console.log(` ${id.padEnd(4)} ${domain.name.padEnd(32)} ${state} (${reason})`);
}
