/**
 * A registry lifecycle over a real `VmLifecycleManager` whose `pause` waits
 * at a gate: keeps a command in flight as long as a test wants (it still
 * aborts with the command's signal). Records which commands ran.
 */
import { AbortError } from '../../src/errors/index.js';
import type { VmLifecycleManager } from '../../src/lifecycle/index.js';
import type { RegistryLifecycle } from '../../src/state/index.js';

/** Wrap `real`; `open()` lets the gated pause through, `close()` gates the next one. */
export function gatedLifecycle(real: VmLifecycleManager): {
  lifecycle: RegistryLifecycle;
  calls: string[];
  open: () => void;
  close: () => void;
} {
  let open!: () => void;
  let gate = new Promise<void>((resolve) => (open = resolve));
  const calls: string[] = [];
  const lifecycle: RegistryLifecycle = {
    start: (vm, o) => (calls.push('start'), real.start(vm, o)),
    shutdown: (vm, o) => (calls.push('shutdown'), real.shutdown(vm, o)),
    forceOff: (vm, o) => (calls.push('forceOff'), real.forceOff(vm, o)),
    reboot: (vm, o) => (calls.push('reboot'), real.reboot(vm, o)),
    reset: (vm, o) => (calls.push('reset'), real.reset(vm, o)),
    resume: (vm, o) => (calls.push('resume'), real.resume(vm, o)),
    managedSave: (vm, o) => (calls.push('managedSave'), real.managedSave(vm, o)),
    pause: async (vm, o) => {
      calls.push('pause');
      const signal = o?.signal;
      await new Promise<void>((resolve, reject) => {
        void gate.then(resolve);
        signal?.addEventListener('abort', () => reject(new AbortError('aborted while gated')), { once: true });
      });
      return real.pause(vm, o);
    },
  };
  return {
    lifecycle,
    calls,
    open: () => open(),
    close: () => {
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}
