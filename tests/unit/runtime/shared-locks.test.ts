/**
 * One per-VM queue per connection, whatever way the modules were built: two
 * lifecycle managers (and a registry, a destroyer) on one connection share it,
 * and an operation that runs another on the same VM inside its turn does not
 * queue behind itself.
 */
import { describe, expect, it } from 'vitest';
import { Budget, VmLocks, locksOf } from '../../../src/runtime/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('locksOf', () => {
  it('gives one table per connection object for the whole process', () => {
    const a = {};
    const b = {};
    expect(locksOf(a)).toBe(locksOf(a));
    expect(locksOf(a)).not.toBe(locksOf(b));
  });

  it('two users of one connection queue on the same VM, in call order', async () => {
    const conn = {};
    const first = locksOf(conn);
    const second = locksOf(conn); // e.g. a second VmLifecycleManager built by hand
    const log: string[] = [];
    const op = (name: string) => async (): Promise<void> => {
      log.push(`${name}+`);
      await sleep(10);
      log.push(`${name}-`);
    };
    await Promise.all([first.run('vm', new Budget(0), op('a')), second.run('vm', new Budget(0), op('b'))]);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-']);
  });
});

describe('re-entrancy', () => {
  it('an operation that runs another on the same VM inside its turn does not wait for itself', async () => {
    const locks = new VmLocks();
    const inner = await locks.run('vm', new Budget(1000), () => locks.run('vm', new Budget(1000), async () => 'inner ran'));
    expect(inner).toBe('inner ran');
  });

  it('the turn is held by the flow that took it, not by everyone: an unrelated caller still queues', async () => {
    const locks = new VmLocks();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const holder = locks.run('vm', new Budget(0), async () => {
      log.push('holder+');
      await gate;
      await locks.run('vm', new Budget(0), async () => log.push('holder nested'));
      log.push('holder-');
    });
    await sleep(5);
    const other = locks.run('vm', new Budget(0), async () => log.push('other'));
    await sleep(20);
    expect(log).toEqual(['holder+']); // the other caller waits
    release();
    await Promise.all([holder, other]);
    expect(log).toEqual(['holder+', 'holder nested', 'holder-', 'other']);
  });

  it('holding one VM does not let a flow skip the queue of another', async () => {
    const locks = new VmLocks();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const busy = locks.run('b', new Budget(0), () => gate);
    await sleep(5);
    const attempt = locks
      .run('a', new Budget(0), () => locks.run('b', new Budget(50), async () => 'got b'))
      .catch((e: unknown) => (e as Error).name);
    expect(await attempt).toBe('TimeoutError');
    release();
    await busy;
  });
});
