/**
 * A VM's whole life with the facade, and `await using` so the connection is
 * closed whatever happens.
 *
 *   npx tsx examples/full-lifecycle.ts      (LIBVIRT_URI, default test+unix:///default)
 *
 * The VM's disk is a new volume in the pool named by LIBVIRT_POOL (default: `default-pool` on the test driver,
 * `default` elsewhere — virt-install's pool, which a fresh host may not have: `virsh pool-list --all`).
 */
import './_exit-on-error.js'; // one line `name: message` and exit 1 on an error
import { randomBytes } from 'node:crypto';
import { InvalidStateError, LibvirtManager } from 'libvirt-manager';

const uri = process.env.LIBVIRT_URI ?? 'test+unix:///default';
const onTestDriver = uri.startsWith('test');
const pool = process.env.LIBVIRT_POOL ?? (onTestDriver ? 'default-pool' : 'default');
await using manager = await LibvirtManager.connect(uri);

const name = `full-${randomBytes(3).toString('hex')}`;
const { domain, created } = await manager.createVm({
  name,
  memory: '512MiB',
  vcpus: 1,
  virtType: onTestDriver ? 'test' : 'qemu',
  disks: [{ kind: 'new', pool, size: '1GiB' }],
});
console.log(`created ${domain.name}: ${created.volumes.map((v) => `${v.pool}/${v.name}`).join(', ')}`);

try {
  await manager.startVm(domain);
  console.log('state:', manager.getVm(domain)?.state);

  // The registry knows which commands make sense now…
  console.log('allowed now:', manager.getVm(domain)?.allowed.join(', '));
  // …and a no-op says so (nothing is sent).
  const again = await manager.startVm(domain);
  console.log(`start again: ${again.noop ?? 'changed'}`);

  await manager.pauseVm(domain);
  await manager.resumeVm(domain);
  const stopped = await manager.shutdownVm(domain, { timeout: 30_000 });
  console.log(`stopped: ${stopped.state} (${stopped.reason})`);

  // What cannot run from the VM's state is refused before anything reaches libvirt.
  await manager.rebootVm(domain).catch((error: unknown) => {
    if (error instanceof InvalidStateError) console.log(`refused as expected: ${error.message}`);
    else throw error;
  });
} finally {
  const report = await manager.destroyVm(domain, { storage: 'owned' });
  console.log(`destroyed: complete=${report.complete}, deleted ${report.volumesDeleted.length} volume(s)`);
}
