/**
 * Migration edge cases against the fake daemon (p2p, shared storage: the
 * source daemon alone is talked to): what a migration leaves on the caller's
 * signal, and how long an aborted migration waits for a job that never ends.
 * The real transfer is in tests/integration/migration.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MigrationManager } from '../../../src/migration/index.js';
import { AbortError, MigrationError } from '../../../src/errors/index.js';
import { DOMAIN_ABORT_JOB, DOMAIN_MIGRATE_PERFORM3_PARAMS } from '../../../src/rpc/protocol/index.js';
import { fakeHost } from '../../helpers/fake-host.js';

const XML = `<domain type='kvm'><name>vm1</name><memory>65536</memory><os><type>hvm</type></os><devices/></domain>`;

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

  // Slow on purpose: the SDK's grace after ABORT_JOB is 120 s, and this proves the wait ends there.
  it('an abort without a time limit ends even when the job never does, repeating ABORT_JOB once per poll', async () => {
    const fake = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: XML }) });
    let aborts = 0;
    fake.daemon.handle(DOMAIN_ABORT_JOB, () => (aborts++, { ok: undefined }));
    const controller = new AbortController();
    fake.hang(DOMAIN_MIGRATE_PERFORM3_PARAMS, { onArrival: () => controller.abort() });
    const started = Date.now();
    const result = new MigrationManager(fake.conn).migrate('vm1', {
      to: 'qemu+tcp://elsewhere.invalid/system',
      storage: 'shared',
      timeout: 0,
      pollInterval: 500,
      signal: controller.signal,
    });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).message).toMatch(/did not end within 120000 ms of ABORT_JOB/);
    // One ABORT_JOB per poll (500 ms) over the grace, not a tight loop.
    expect(aborts).toBeGreaterThan(0);
    expect(aborts).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 500) + 2);
  }, 180_000);
});
