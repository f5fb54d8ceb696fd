/**
 * What a stopped registry does to the waits on it: stop() publishes no more
 * changes, so a `waitFor` still pending must end then (AbortError "the
 * registry stopped"), not stay pending until its timeout — forever with
 * `timeout: 0`. Against the fake daemon.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/connection/internal.js';
import { VmRegistry } from '../../../src/state/internal.js';
import { fakeHost } from '../../helpers/fake-host.js';

describe('VmRegistry.stop', () => {
  it('ends a pending waitFor (timeout 0) with AbortError', async () => {
    const { conn } = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'shutoff' }) });
    const registry = new VmRegistry(conn);
    await registry.start();
    const waiting = registry.waitFor('vm1', 'running', { timeout: 0 });
    registry.stop();
    const outcome = await Promise.race([waiting.catch((e: unknown) => e), new Promise((r) => setTimeout(() => r('still pending'), 2000))]);
    expect(outcome).toBeInstanceOf(AbortError);
  });

  it('a waitFor after stop rejects at once', async () => {
    const { conn } = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'shutoff' }) });
    const registry = new VmRegistry(conn);
    await registry.start();
    registry.stop();
    await expect(registry.waitFor('vm1', 'running', { timeout: 0 })).rejects.toBeInstanceOf(AbortError);
  });
});
