/**
 * Migration edge cases against the fake daemon (p2p, shared storage: the
 * source daemon alone is talked to): what a migration leaves on the caller's
 * signal, and how long an aborted migration waits for a job that never ends.
 * The real transfer is in tests/integration/migration.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MigrationManager, type MigrationManagerOptions } from '../../../src/migration/index.js';
import { JOB_END_GRACE, type MigrationInternalOptions } from '../../../src/migration/context.js';
import { AbortError, MigrationError } from '../../../src/errors/index.js';
import {
  DOMAIN_ABORT_JOB,
  DOMAIN_LOOKUP_BY_UUID,
  DOMAIN_MIGRATE_BEGIN3_PARAMS,
  DOMAIN_MIGRATE_CONFIRM3_PARAMS,
  DOMAIN_MIGRATE_FINISH3_PARAMS,
  DOMAIN_MIGRATE_PERFORM3_PARAMS,
  DOMAIN_MIGRATE_PREPARE3_PARAMS,
} from '../../../src/rpc/protocol/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';
import { buildStorageVolumeXml } from '../../../src/xml/index.js';

const XML = `<domain type='kvm'><name>vm1</name><memory>65536</memory><os><type>hvm</type></os><devices/></domain>`;

/** A source running vm1 on a 1 MiB qcow2 volume in pool `p`, and a destination with an empty pool `p`. */
async function diskHosts(): Promise<{ source: FakeHost; dest: FakeHost }> {
  const diskXml = XML.replace(
    '<devices/>',
    `<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/srv/p/vm1.qcow2'/><target dev='vda' bus='virtio'/></disk></devices>`,
  );
  const source = await fakeHost({
    setup: (hv) => {
      hv.addPool('p', '/srv/p');
      hv.addDomain({ name: 'vm1', state: 'running', xml: diskXml });
    },
  });
  const dest = await fakeHost({ setup: (hv) => hv.addPool('p', '/srv/p') });
  await source.conn.storage.volumes.create(
    'p',
    buildStorageVolumeXml({ name: 'vm1.qcow2', capacity: 1n << 20n, target: { format: 'qcow2' } }),
  );
  return { source, dest };
}

describe('migrate (fake daemon)', () => {
  it('leaves no listener on the caller’s long-lived signal', async () => {
    const fake = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: XML }) });
    fake.fail(DOMAIN_MIGRATE_PERFORM3_PARAMS, { code: 38, message: 'unable to connect to server: connection refused' });
    const controller = new AbortController();
    const migration = new MigrationManager(fake.conn);
    await expect(
      migration.migrate('vm1', { to: 'qemu+tcp://elsewhere.invalid/system', storage: 'shared', signal: controller.signal }),
    ).rejects.toBeInstanceOf(MigrationError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  // The SDK's grace after ABORT_JOB is 120 s (JOB_END_GRACE); the internal `jobEndGrace` shortens it here so the
  // give-up path runs in well under a second and still sees several polls.
  it('an abort without a time limit ends even when the job never does, repeating ABORT_JOB once per poll', async () => {
    expect(JOB_END_GRACE).toBe(120_000);
    const grace = 600;
    const fake = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: XML }) });
    let aborts = 0;
    fake.daemon.handle(DOMAIN_ABORT_JOB, () => (aborts++, { ok: undefined }));
    const controller = new AbortController();
    fake.hang(DOMAIN_MIGRATE_PERFORM3_PARAMS, { onArrival: () => controller.abort() });
    const started = Date.now();
    const options: MigrationManagerOptions & MigrationInternalOptions = { jobEndGrace: grace };
    const result = new MigrationManager(fake.conn, options).migrate('vm1', {
      to: 'qemu+tcp://elsewhere.invalid/system',
      storage: 'shared',
      timeout: 0,
      pollInterval: 100,
      signal: controller.signal,
    });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toMatch(new RegExp(`did not end within ${grace} ms of ABORT_JOB`));
    // One ABORT_JOB per poll (100 ms) over the grace, not a tight loop; more than one: it is repeated.
    expect(aborts).toBeGreaterThan(1);
    expect(aborts).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 2);
  });

  it('a step that fails after the VM moved does not delete the destination volumes it now runs on', async () => {
    const { source, dest } = await diskHosts();
    // The transfer succeeds: the VM runs on the destination now, and is gone from the source.
    source.daemon.handle(DOMAIN_MIGRATE_PERFORM3_PARAMS, () => {
      const vm = source.hv.domain('vm1');
      source.hv.domains.delete(vm.name);
      dest.hv.addDomain({ ...vm, state: 'running' });
      return { ok: { cookie_out: Buffer.alloc(0) } };
    });
    // Then a read on the destination fails (a passing fault): the migration reports it, but the VM did move.
    dest.fail(DOMAIN_LOOKUP_BY_UUID);
    await expect(new MigrationManager(source.conn).migrate('vm1', { to: dest.conn, storage: 'copy-all', pool: 'p' })).rejects.toThrow(
      /injected failure of DOMAIN_LOOKUP_BY_UUID/,
    );
    expect([...dest.hv.volumes.values()].map((v) => v.path)).toEqual(['/srv/p/vm1.qcow2']);
    expect(dest.hv.domain('vm1').state).toBe('running');
  });

  it('a transfer that fails with the VM already on the destination (post-copy) keeps the destination volumes', async () => {
    const { source, dest } = await diskHosts();
    // Post-copy failed: the destination holds the newest guest state (paused there), the source is paused too.
    source.daemon.handle(DOMAIN_MIGRATE_PERFORM3_PARAMS, () => {
      const vm = source.hv.domain('vm1');
      vm.state = 'paused';
      dest.hv.addDomain({ ...vm, state: 'paused' });
      return { error: { code: 1, domain: 10, message: 'operation failed: migration failed in post-copy phase' } };
    });
    await expect(
      new MigrationManager(source.conn).migrate('vm1', { to: dest.conn, storage: 'copy-all', pool: 'p' }),
    ).rejects.toBeInstanceOf(MigrationError);
    expect([...dest.hv.volumes.values()].map((v) => v.path)).toEqual(['/srv/p/vm1.qcow2']);
  });

  it('managed: an abort while Prepare runs starts no Perform; the destination and source are told it is cancelled', async () => {
    const source = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: XML }) });
    const dest = await fakeHost();
    const controller = new AbortController();
    const steps: string[] = [];
    source.daemon.handle(DOMAIN_ABORT_JOB, () => ({ ok: undefined }));
    source.daemon.handle(DOMAIN_MIGRATE_BEGIN3_PARAMS, () => (steps.push('begin'), { ok: { cookie_out: Buffer.alloc(0), xml: XML } }));
    // The caller aborts while the destination prepares; Prepare still succeeds a moment later.
    dest.daemon.handle(DOMAIN_MIGRATE_PREPARE3_PARAMS, async () => {
      steps.push('prepare');
      controller.abort();
      await new Promise((r) => setTimeout(r, 300));
      return { ok: { cookie_out: Buffer.alloc(0), uri_out: null } };
    });
    source.daemon.handle(DOMAIN_MIGRATE_PERFORM3_PARAMS, () => (steps.push('perform'), { ok: { cookie_out: Buffer.alloc(0) } }));
    dest.daemon.handle(DOMAIN_MIGRATE_FINISH3_PARAMS, ({ cancelled }) => {
      steps.push(`finish cancelled=${cancelled}`);
      return { error: { code: 1, domain: 10, message: 'migration cancelled' } };
    });
    source.daemon.handle(
      DOMAIN_MIGRATE_CONFIRM3_PARAMS,
      ({ cancelled }) => (steps.push(`confirm cancelled=${cancelled}`), { ok: undefined }),
    );
    await expect(
      new MigrationManager(source.conn).migrate('vm1', { to: dest.conn, mode: 'managed', storage: 'shared', signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(steps).toEqual(['begin', 'prepare', 'finish cancelled=1', 'confirm cancelled=1']);
  });
});
