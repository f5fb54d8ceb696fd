import { describe, expect, it } from 'vitest';
import { AbortError, TimeoutError } from '../../../src/errors/index.js';
import { Budget, VmLocks } from '../../../src/runtime/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A fake operation that records when it ran. */
function op(log: string[], name: string, ms: number): () => Promise<string> {
  return async () => {
    log.push(`${name}+`);
    await sleep(ms);
    log.push(`${name}-`);
    return name;
  };
}

describe('VmLocks', () => {
  it('runs operations on one VM one after the other, in call order', async () => {
    const locks = new VmLocks();
    const log: string[] = [];
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((n, i) => locks.run('vm1', new Budget(0), op(log, n, 20 - i * 5))));
    expect(results).toEqual(['a', 'b', 'c', 'd']);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-', 'd+', 'd-']);
  });

  it('runs operations on different VMs in parallel', async () => {
    const locks = new VmLocks();
    const log: string[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => locks.run(`vm${i}`, new Budget(0), op(log, `v${i}`, 50))));
    // All ten started before any finished: they ran in parallel.
    expect(log.slice(0, 10).every((e) => e.endsWith('+'))).toBe(true);
  });

  it('drops a VM entry as soon as nobody holds or waits for it', async () => {
    const locks = new VmLocks();
    const running = Promise.all([
      locks.run('a', new Budget(0), () => sleep(20)),
      locks.run('a', new Budget(0), () => sleep(20)),
      locks.run('b', new Budget(0), () => sleep(20)),
    ]);
    expect(locks.size).toBe(2);
    expect(locks.users('a')).toBe(2);
    await running;
    expect(locks.size).toBe(0);
    expect(locks.users('a')).toBe(0);
  });

  it('releases the lock when the operation fails', async () => {
    const locks = new VmLocks();
    await expect(locks.run('a', new Budget(0), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.run('a', new Budget(0), async () => 'next')).toBe('next');
    expect(locks.size).toBe(0);
  });

  it('a caller whose timeout expires while queued gets TimeoutError, never runs, and does not block the queue', async () => {
    const locks = new VmLocks();
    const log: string[] = [];
    const first = locks.run('a', new Budget(0), op(log, 'first', 80));
    const impatient = locks.run('a', new Budget(20), op(log, 'impatient', 1));
    const patient = locks.run('a', new Budget(0), op(log, 'patient', 1));
    const error = await impatient.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain('waiting for another operation on this VM');
    await Promise.all([first, patient]);
    expect(log).toEqual(['first+', 'first-', 'patient+', 'patient-']);
    expect(locks.size).toBe(0);
  });

  it('a caller aborted while queued gets AbortError and never runs', async () => {
    const locks = new VmLocks();
    const log: string[] = [];
    const controller = new AbortController();
    const first = locks.run('a', new Budget(0), op(log, 'first', 50));
    const aborted = locks.run('a', new Budget(0, controller.signal), op(log, 'aborted', 1));
    setTimeout(() => controller.abort(), 10);
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    await first;
    await sleep(5);
    expect(log).toEqual(['first+', 'first-']);
    expect(locks.size).toBe(0);
  });

  it('an already-aborted or expired budget never queues', async () => {
    const locks = new VmLocks();
    const controller = new AbortController();
    controller.abort();
    await expect(locks.run('a', new Budget(0, controller.signal), async () => 'x')).rejects.toBeInstanceOf(AbortError);
    await expect(locks.run('a', new Budget(1, undefined, Date.now() - 10), async () => 'x')).rejects.toBeInstanceOf(TimeoutError);
    await sleep(1);
    expect(locks.size).toBe(0);
  });
});

describe('Deadline', () => {
  it('gives each call the time left and the signal', () => {
    const controller = new AbortController();
    const d = new Budget(1_000, controller.signal, Date.now() - 400);
    const options = d.call();
    expect(options.signal).toBe(controller.signal);
    expect(options.timeout).toBeGreaterThan(500);
    expect(options.timeout).toBeLessThanOrEqual(600);
    expect(d.call(100).timeout).toBe(100);
    expect(new Budget(0).call()).toEqual({});
    expect(new Budget(0).remaining()).toBe(Number.POSITIVE_INFINITY);
  });

  it('sleep ends early at the deadline and rejects on abort', async () => {
    // Ends at the 30 ms deadline, not after its own 1 s: it wins a race against a 900 ms marker.
    const winner = await Promise.race([
      new Budget(30).sleep(1_000, 'x').then(() => 'sleep'),
      new Promise((r) => setTimeout(() => r('marker'), 900)),
    ]);
    expect(winner).toBe('sleep');
    const controller = new AbortController();
    const sleeping = new Budget(0, controller.signal).sleep(1_000, 'napping');
    controller.abort();
    await expect(sleeping).rejects.toThrow('aborted while napping');
  });
});
