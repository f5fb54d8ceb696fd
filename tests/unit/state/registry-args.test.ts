import { describe, expect, it } from 'vitest';
import {
  AbortError,
  InvalidArgumentError,
  InvalidStateError,
  type LibvirtConnection,
  TimeoutError,
} from '../../../src/connection/internal.js';
import { VmRegistry, refusalHint } from '../../../src/state/internal.js';
import { Budget } from '../../../src/runtime/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

/**
 * Construction and argument checks must not reach libvirt: each test gets a
 * real connection to the shipped fake daemon and ends by checking that the
 * daemon received nothing.
 */
async function host(): Promise<FakeHost> {
  const fake = await fakeHost();
  fake.mark();
  return fake;
}

describe('VmRegistry arguments', () => {
  it('rejects bad options at construction', async () => {
    const { conn, settledCalls } = await host();
    expect(() => new VmRegistry(null as unknown as LibvirtConnection)).toThrow(InvalidArgumentError);
    expect(() => new VmRegistry(conn, { resyncInterval: -1 })).toThrow(/resyncInterval/);
    expect(() => new VmRegistry(conn, { rebootDebounce: Number.NaN })).toThrow(/rebootDebounce/);
    expect(() => new VmRegistry(conn, { bufferSize: 0 })).toThrow(/bufferSize/);
    expect(await settledCalls()).toEqual([]);
  });

  it('refuses commands, resyncs and bad arguments before start, without touching the connection', async () => {
    const { conn, settledCalls } = await host();
    const registry = new VmRegistry(conn);
    await expect(registry.send('web1', 'start')).rejects.toThrow(/not started: await registry.start\(\) first/);
    await expect(registry.send('web1', 'fly' as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(registry.send('web1', 'start', { queue: 'yes' as never })).rejects.toThrow(/queue must be a boolean/);
    await expect(registry.send('web1', 'start', { timeout: -5 })).rejects.toThrow(/timeout/);
    await expect(registry.resync()).rejects.toBeInstanceOf(InvalidStateError);
    await expect(registry.waitFor('web1', 'flying' as never)).rejects.toThrow(/state must be one or more of/);
    await expect(registry.start({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(registry.get('web1')).toBeUndefined();
    expect(registry.size).toBe(0);
    expect(await settledCalls()).toEqual([]);
  });

  it("waitFor 'gone' of an untracked VM resolves at once; other states time out naming what it is", async () => {
    const { conn, settledCalls } = await host();
    const registry = new VmRegistry(conn);
    await expect(registry.waitFor('web1', 'gone')).resolves.toMatchObject({ state: 'gone', domain: { name: 'web1' } });
    await expect(registry.waitFor('web1', ['running', 'paused'], { timeout: 20 })).rejects.toThrow(
      /to be running or paused \(it is not tracked\)/,
    );
    expect(await settledCalls()).toEqual([]);
  });

  it('a stopped registry refuses to start again and its change streams are already over', async () => {
    const { conn, settledCalls } = await host();
    const registry = new VmRegistry(conn);
    registry.stop();
    await expect(registry.start()).rejects.toBeInstanceOf(InvalidStateError);
    expect((await registry.changes().next()).done).toBe(true);
    expect(await settledCalls()).toEqual([]);
  });

  it('explains refusals with the lifecycle state table', () => {
    expect(refusalHint('pause', 'shutoff')).toBe('only a running VM can be paused');
    expect(refusalHint('start', 'running')).toBe('already running');
    expect(refusalHint('reboot', 'paused')).toBe('resume it first, or use reset');
    expect(refusalHint('start', 'gone')).toBe('it no longer exists');
  });
});

describe('Budget', () => {
  it('times out and aborts with the SDK errors, and cleans up', async () => {
    let cleaned = 0;
    const wait = (budget: Budget) => budget.wait<number>('waiting', () => () => cleaned++);
    await expect(wait(Budget.of({ timeout: 10 }, 0))).rejects.toBeInstanceOf(TimeoutError);
    const controller = new AbortController();
    const pending = wait(Budget.of({ signal: controller.signal }, 0));
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(cleaned).toBe(2);
    await expect(Budget.of({}, 0).wait<number>('now', (settle) => (settle(7), () => cleaned++))).resolves.toBe(7);
    expect(cleaned).toBe(3);
    expect(Budget.of({ timeout: 0 }, 50).call()).toEqual({});
    expect(() => Budget.of({ signal: {} as AbortSignal }, 0)).toThrow(/AbortSignal/);
  });
});
