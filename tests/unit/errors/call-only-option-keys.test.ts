/**
 * The calls that take `{ signal, timeout }` and nothing else refuse any other
 * key: a misspelled `timout` is an `InvalidArgumentError`
 * (`ERR_LIBVIRT_INVALID_ARGUMENT`, `path` the key, "did you mean" hint),
 * thrown before anything is sent — the fake daemon receives no call — and
 * both real keys still pass. Against the shipped fake daemon and hypervisor.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/index.js';
import { checkOnlyCallOptions } from '../../../src/connection/internal.js';
import { BackupManager, BlockJobManager, SnapshotManager } from '../../../src/disk-state/index.js';
import { LibvirtFleet } from '../../../src/fleet/index.js';
import { LibvirtManager } from '../../../src/index.js';
import { MigrationManager } from '../../../src/migration/index.js';
import { VmRegistry } from '../../../src/state/index.js';
import { fakeHost } from '../../helpers/fake-host.js';

const TYPO = { timout: 5000 } as never;

/** The refusal of `TYPO`, as every call below must give it. */
async function refusal(run: () => Promise<unknown>): Promise<InvalidArgumentError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).code).toBe('ERR_LIBVIRT_INVALID_ARGUMENT');
  expect((error as InvalidArgumentError).path).toBe('timout');
  expect((error as Error).message).toBe("unknown option 'timout' (did you mean 'timeout'?)");
  return error as InvalidArgumentError;
}

describe('checkOnlyCallOptions', () => {
  it('refuses any key but signal and timeout, after checking their values', () => {
    const signal = new AbortController().signal;
    expect(checkOnlyCallOptions(undefined, 7)).toBe(7);
    expect(checkOnlyCallOptions({ signal, timeout: 3 }, 7)).toBe(3);
    expect(() => checkOnlyCallOptions({ signl: signal }, 7)).toThrow("unknown option 'signl' (did you mean 'signal'?)");
    // An undefined value is a typo all the same.
    expect(() => checkOnlyCallOptions({ timout: undefined }, 7)).toThrow("unknown option 'timout'");
    // A bad value is named before an unknown key.
    expect(() => checkOnlyCallOptions({ timeout: -1, queue: false }, 7)).toThrow(/^timeout must be/);
  });
});

describe('signal/timeout-only calls refuse unknown keys before anything is sent', () => {
  it('the disk-state reads, the registry, the migration switch', async () => {
    const { conn, settledCalls, mark } = await fakeHost({ setup: (h) => void h.addDomain({ name: 'vm1' }) });
    const registry = new VmRegistry(conn, { resyncInterval: 0 });
    await registry.start();
    try {
      const migration = new MigrationManager(conn);
      const job = migration.start('vm1', { to: 'test+unix:///nowhere', postCopy: true });
      await job.result.catch(() => undefined);
      mark();
      await refusal(() => new SnapshotManager(conn).list('vm1', TYPO));
      await refusal(() => new BlockJobManager(conn).find('vm1', 'vda', TYPO));
      await refusal(() => new BlockJobManager(conn).list('vm1', TYPO));
      await refusal(() => new BackupManager(conn).listCheckpoints('vm1', TYPO));
      await refusal(() => registry.track('vm1', TYPO));
      await refusal(() => registry.waitFor('vm1', 'running', TYPO));
      await refusal(() => registry.resync(TYPO));
      await refusal(() => job.switchToPostCopy(TYPO));
      expect(await settledCalls()).toEqual([]);
      // Both real keys still pass.
      const signal = new AbortController().signal;
      expect(await registry.track('vm1', { timeout: 5000, signal })).toMatchObject({ domain: { name: 'vm1' }, state: 'shutoff' });
    } finally {
      registry.stop();
    }
  });

  it('registry.start, before it registers anything', async () => {
    const { conn, settledCalls } = await fakeHost();
    const registry = new VmRegistry(conn);
    await refusal(() => registry.start(TYPO));
    expect(await settledCalls({ only: ['CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY'] })).toEqual([]);
  });

  it('LibvirtConnection.connect and close: the instance stays as it was', async () => {
    const { daemon } = await fakeHost();
    const conn = new LibvirtConnection(daemon.uri, { reconnect: false, keepalive: false });
    await refusal(() => conn.connect(TYPO));
    expect(conn.state).toBe('disconnected');
    await conn.connect({ timeout: 5000 });
    await refusal(() => conn.close(TYPO));
    expect(conn.state).toBe('open');
    await conn.close({ timeout: 5000 });
    expect(conn.state).toBe('closed');
  });

  it('LibvirtManager.close and listSnapshots: nothing stops, nothing is sent', async () => {
    const { daemon, hv } = await fakeHost();
    hv.addDomain({ name: 'vm1' });
    const manager = await LibvirtManager.connect(daemon.uri, { reconnect: false, keepalive: false });
    try {
      await refusal(() => manager.listSnapshots('vm1', TYPO));
      await refusal(() => manager.close(TYPO));
      // Still running: the registry was not stopped, the connection not closed.
      expect(manager.connection.state).toBe('open');
      expect(manager.getVm('vm1')?.state).toBe('shutoff');
      expect(await manager.vms.track('vm1', { timeout: 5000 })).toMatchObject({ state: 'shutoff' });
    } finally {
      await manager.close();
    }
  });

  it('fleet.events, at its first next()', async () => {
    const { daemon } = await fakeHost();
    const fleet = await LibvirtFleet.open({ a: daemon.uri }, { manager: { reconnect: false, keepalive: false } });
    try {
      const events = fleet.events({ signl: new AbortController().signal } as never);
      const error = await events.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toBe("unknown option 'signl' (did you mean 'signal'?)");
    } finally {
      await fleet.close();
    }
  });
});
