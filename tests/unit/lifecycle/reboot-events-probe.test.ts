import { describe, expect, it } from 'vitest';
import type { LifecycleConnection } from '../../../src/lifecycle/context.js';
import { createLifecycleContext } from '../../../src/lifecycle/create-context.js';
import { AbortError } from '../../../src/errors/index.js';
import { Budget } from '../../../src/runtime/index.js';

// Whether the hypervisor emits reboot events is asked once per manager (the test driver never does). A probe that
// failed (the first caller aborted, a transient error) says nothing about the hypervisor: it must not be kept.

describe('the reboot-events probe', () => {
  it('asks again after a failed probe instead of keeping its guess', async () => {
    let calls = 0;
    const connection = {
      host: {
        getType: async () => {
          calls++;
          if (calls === 1) throw new AbortError('aborted');
          return 'TEST';
        },
      },
    } as unknown as LifecycleConnection;
    const ctx = createLifecycleContext(connection);
    expect(await ctx.emitsRebootEvents(new Budget(0))).toBe(true);
    expect(await ctx.emitsRebootEvents(new Budget(0))).toBe(false);
    expect(await ctx.emitsRebootEvents(new Budget(0))).toBe(false);
    expect(calls).toBe(2);
  });
});
