/**
 * The compensation log on its own (no daemon, no connection): undo order,
 * failed and uncertain undos, aborts between and during steps, undos retried
 * after a lost connection, and the rollback report attached to errors.
 */
import { describe, expect, it } from 'vitest';
import { CompensationLog, attachRollback, outcomeUnknown } from '../../../src/creator/transaction.js';
import { getRollbackReport } from '../../../src/creator/index.js';
import { AbortError, ConnectionClosedError, TimeoutError } from '../../../src/errors/index.js';
import { rejection, virError } from './helpers.js';

describe('CompensationLog', () => {
  it('undoes in reverse order and empties itself', async () => {
    const undone: string[] = [];
    const log = new CompensationLog();
    for (const name of ['a', 'b', 'c']) {
      await log.step(name, `make ${name}`, async () => name, { undo: async (r) => (undone.push(r), 'undone') });
    }
    await log.step('d', 'no undo', async () => undefined);
    expect(log.steps).toEqual(['a', 'b', 'c', 'd']);
    const report = await log.rollback();
    expect(undone).toEqual(['c', 'b', 'a']);
    expect(report).toEqual({
      undone: ['c', 'b', 'a'].map((s) => ({ step: s, description: `make ${s}`, outcome: 'undone', uncertain: false })),
      failed: [],
      complete: true,
    });
    expect(log.pending).toBe(0);
    expect((await log.rollback()).undone).toEqual([]);
  });

  it('collects failed undos and keeps going', async () => {
    const log = new CompensationLog();
    const boom = new Error('cannot delete');
    await log.step('a', 'make a', async () => 1, { undo: async () => 'already-gone' });
    await log.step('b', 'make b', async () => 2, { undo: async () => Promise.reject(boom) });
    await log.step('c', 'make c', async () => 3, { undo: async () => 'undone' });
    const report = await log.rollback();
    expect(report.complete).toBe(false);
    expect(report.undone.map((s) => [s.step, s.outcome])).toEqual([
      ['c', 'undone'],
      ['a', 'already-gone'],
    ]);
    expect(report.failed).toEqual([{ step: 'b', description: 'make b', uncertain: false, error: boom }]);
  });

  it('does not log an undo for a step that failed cleanly', async () => {
    const log = new CompensationLog();
    const error = virError(1, 'refused');
    expect(
      await rejection(
        log.step('a', 'make a', () => Promise.reject(error), { undo: async () => 'undone', ifUncertain: async () => 'undone' }),
      ),
    ).toBe(error);
    expect(log.pending).toBe(0);
  });

  it.each([
    ['aborted', new AbortError()],
    ['timed out', new TimeoutError(10)],
    ['lost its connection', new ConnectionClosedError('eof')],
  ])('logs the uncertain undo when the call %s', async (_, error) => {
    expect(outcomeUnknown(error)).toBe(true);
    const log = new CompensationLog();
    await rejection(
      log.step('a', 'make a', () => Promise.reject(error), { undo: async () => 'undone', ifUncertain: async () => 'already-gone' }),
    );
    expect(await log.rollback()).toMatchObject({ undone: [{ step: 'a', outcome: 'already-gone', uncertain: true }], complete: true });
  });

  it("turns a call that rejects with the signal's raw reason into an AbortError", async () => {
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const log = new CompensationLog({ signal: controller.signal });
    const error = await rejection(
      log.step(
        'a',
        'make a',
        async () => {
          controller.abort(reason);
          throw reason;
        },
        { undo: async () => 'undone', ifUncertain: async () => 'already-gone' },
      ),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe(reason);
    expect(log.pending).toBe(1);
  });

  it('stops between steps when the signal fires, before the step runs', async () => {
    const controller = new AbortController();
    const log = new CompensationLog({ signal: controller.signal });
    await log.step('a', 'make a', async () => controller.abort(new Error('user')));
    let ran = false;
    const error = await rejection(log.step('b', 'make b', async () => void (ran = true)));
    expect(error).toBeInstanceOf(AbortError);
    expect(ran).toBe(false);
    expect(log.steps).toEqual(['a']);
  });

  it('throws a TimeoutError reason as is', async () => {
    const controller = new AbortController();
    controller.abort(new TimeoutError(5));
    expect(await rejection(new CompensationLog({ signal: controller.signal }).step('a', 'a', async () => 1))).toBeInstanceOf(TimeoutError);
  });

  it('lets the test hook fail a step before it runs', async () => {
    const injected = new Error('injected');
    const log = new CompensationLog({
      beforeStep: (step) => {
        if (step === 'b') throw injected;
      },
    });
    await log.step('a', 'make a', async () => 1, { undo: async () => 'undone' });
    expect(await rejection(log.step('b', 'make b', async () => 2))).toBe(injected);
    expect((await log.rollback()).undone.map((s) => s.step)).toEqual(['a']);
  });
});

describe('rollback reports on errors', () => {
  const report = { undone: [], failed: [], complete: true };

  it('attaches a non-enumerable rollback property to the original error', () => {
    const error = new Error('original');
    expect(attachRollback(error, report)).toBe(error);
    expect((error as Error & { rollback: unknown }).rollback).toBe(report);
    expect(Object.keys(error)).not.toContain('rollback');
    expect(getRollbackReport(error)).toBe(report);
  });

  it('works for frozen errors and wraps thrown non-objects', () => {
    const frozen = Object.freeze(new Error('frozen'));
    expect(getRollbackReport(attachRollback(frozen, report))).toBe(report);
    const wrapped = attachRollback('a string', report);
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.cause).toBe('a string');
    expect(getRollbackReport(wrapped)).toBe(report);
  });

  it('answers undefined for errors without a report', () => {
    expect(getRollbackReport(new Error('x'))).toBeUndefined();
    expect(getRollbackReport('x')).toBeUndefined();
    expect(getRollbackReport(Object.assign(new Error('x'), { rollback: 'nope' }))).toBeUndefined();
  });
});

// Moved from the chaos suite (integration), where they ran without needing its daemon.
describe('a rollback cut by a lost connection', () => {
  it('runs the undo again (undos are idempotent), so a second kill mid-rollback still removes everything', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('volume:disks[0]', 'create volume p/v', async () => 'ref', {
      undo: async () => {
        calls++;
        if (calls === 1) throw new ConnectionClosedError('eof');
        return 'already-gone';
      },
    });
    const report = await log.rollback();
    expect(calls).toBe(2);
    expect(report).toMatchObject({ complete: true, failed: [], undone: [{ step: 'volume:disks[0]', outcome: 'already-gone' }] });
  });

  it('gives up after three lost connections and reports the step as failed', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('define', 'define domain x', async () => 'ref', {
      undo: async () => {
        calls++;
        throw new ConnectionClosedError('eof');
      },
    });
    const report = await log.rollback();
    expect(calls).toBe(3);
    expect(report.complete).toBe(false);
    expect(report.failed[0]?.error).toBeInstanceOf(ConnectionClosedError);
  });

  it('does not retry other failures', async () => {
    const log = new CompensationLog();
    let calls = 0;
    await log.step('define', 'define domain x', async () => 'ref', {
      undo: async () => {
        calls++;
        throw new Error('refused');
      },
    });
    expect((await log.rollback()).complete).toBe(false);
    expect(calls).toBe(1);
  });
});
