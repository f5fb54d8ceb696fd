import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, InvalidStateError, TimeoutError } from '../../../src/connection/internal.js';
import { CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY } from '../../../src/rpc/index.js';
import { VmRegistry } from '../../../src/state/internal.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

// Concurrent start() calls share one start, but each caller's timeout and signal bound only that caller's wait.

let registry: VmRegistry | undefined;
afterEach(() => {
  registry?.stop(); // the fake host closes itself when the test ends
  registry = undefined;
});

/** A host whose first event registration is answered only after `ms`. */
async function slowHost(ms: number): Promise<FakeHost> {
  const fake = await fakeHost();
  fake.daemon.once(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, async (_args, _context, next) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return next();
  });
  return fake;
}

describe('VmRegistry.start() with concurrent callers', () => {
  it("a first caller's short timeout fails only that caller", async () => {
    const { conn } = await slowHost(300);
    registry = new VmRegistry(conn, { resyncInterval: 0 });
    const first = registry.start({ timeout: 50 });
    const second = registry.start({ timeout: 10_000 });
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    await expect(second).resolves.toBeUndefined();
    await expect(registry.resync()).resolves.toBeUndefined(); // running
  });

  it("a first caller's abort fails only that caller", async () => {
    const { conn } = await slowHost(300);
    registry = new VmRegistry(conn, { resyncInterval: 0 });
    const controller = new AbortController();
    const first = registry.start({ signal: controller.signal });
    const second = registry.start();
    setTimeout(() => controller.abort(), 20);
    await expect(first).rejects.toBeInstanceOf(AbortError);
    await expect(second).resolves.toBeUndefined();
    await expect(registry.resync()).resolves.toBeUndefined();
  });

  it('the start is cancelled (and the registry stops) once every caller gave up', async () => {
    const { conn } = await slowHost(300);
    registry = new VmRegistry(conn, { resyncInterval: 0 });
    const controller = new AbortController();
    const first = registry.start({ timeout: 30 });
    const second = registry.start({ signal: controller.signal });
    setTimeout(() => controller.abort(), 60);
    await expect(first).rejects.toBeInstanceOf(TimeoutError);
    await expect(second).rejects.toBeInstanceOf(AbortError);
    await expect.poll(() => registry!.start().catch((error: unknown) => error)).toBeInstanceOf(InvalidStateError);
  });
});
