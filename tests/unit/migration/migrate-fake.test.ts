/**
 * Migration edge cases against the fake daemon (p2p, shared storage: the
 * source daemon alone is talked to): what a migration leaves on the caller's
 * signal, and how long an aborted migration waits for a job that never ends.
 * The real transfer is in tests/integration/migration.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MigrationManager } from '../../../src/migration/index.js';
import { MigrationError } from '../../../src/errors/index.js';
import { DOMAIN_MIGRATE_PERFORM3_PARAMS } from '../../../src/rpc/protocol/index.js';
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
});
