/**
 * virsh domjobinfo [--completed] — the statistics of a VM's running job (a migration, a backup…), or of the last
 * finished one.
 *
 *   npx tsx examples/domjobinfo.ts <name> [--completed]
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [name = 'test'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
await using conn = await LibvirtConnection.connect(uri);
const stats = await conn.domains.jobs.getStats(name, { completed: process.argv.includes('--completed') });
console.log(`Job type:         ${stats.type}`);
if (stats.operation !== undefined) console.log(`Operation:        ${stats.operation}`);
for (const [key, value] of Object.entries(stats)) {
  if (key === 'type' || key === 'typeCode' || key === 'operation' || key === 'params' || value === undefined) continue;
  console.log(`${key.padEnd(18)}${String(value)}`);
}
