/**
 * virsh domjobabort — cancel a VM's running job. A migration aborted so keeps the VM running on the source (the
 * SDK's own `migrate` does this when its `signal` fires, and also removes what it made on the destination).
 *
 *   npx tsx examples/domjobabort.ts <name>
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { LibvirtConnection } from 'libvirt-manager/connection';

const uri = process.env.LIBVIRT_URI ?? 'qemu:///system';
const [name = 'test'] = process.argv.slice(2);
await using conn = await LibvirtConnection.connect(uri);
await conn.domains.jobs.abort(name);
console.log(`Abort requested for the job of ${name}; state now: ${(await conn.domains.getState(name)).state}`);
