import { InvalidArgumentError } from '../connection/internal.js';
import type { VmInput } from '../lifecycle/internal.js';
import { type Budget, waitUntil } from '../runtime/index.js';
import { type ChangeFeed, vmMatcher } from './changes.js';
import { VM_STATE_NAMES, type VmStateName } from './machine-types.js';
import type { VmSnapshot } from './snapshot.js';

/**
 * `VmRegistry.waitFor`: resolve with the VM's snapshot once it is in one of
 * `state`, at once if it already is. A VM not tracked yet is waited for by
 * name or UUID; `'gone'` is satisfied at once by a VM that is not tracked.
 *
 * @example await waitForState(feed, (vm) => registry.get(vm), 'web1', 'shutoff', Budget.of({ timeout: 1000 }, 0));
 * @throws {@link InvalidArgumentError} for an unknown state or a bad `vm` · {@link TimeoutError} naming the state it is in · {@link AbortError}
 * @see VmRegistry.waitFor
 */
export async function waitForState(
  feed: ChangeFeed,
  current: (vm: VmInput) => VmSnapshot | undefined,
  vm: VmInput,
  state: VmStateName | readonly VmStateName[],
  budget: Budget,
): Promise<VmSnapshot> {
  const states: readonly VmStateName[] = typeof state === 'string' ? [state] : state;
  if (!Array.isArray(states) || states.length === 0 || !states.every((s) => VM_STATE_NAMES.includes(s))) {
    throw new InvalidArgumentError(`state must be one or more of ${VM_STATE_NAMES.join(', ')}`, { path: 'state' });
  }
  const matches = vmMatcher(vm);
  const now = current(vm);
  if (now !== undefined && states.includes(now.state)) return now;
  const label = typeof vm === 'string' ? vm : vm.name;
  if (now === undefined && states.includes('gone')) {
    const uuid = typeof vm === 'object' ? vm.uuid : '';
    return Object.freeze({
      domain: Object.freeze({ name: label, uuid, id: -1 }),
      state: 'gone',
      reason: 'gone',
      inFlight: null,
      allowed: [],
      updatedAt: Date.now(),
    });
  }
  // The one "wait until": woken by each change of this VM; a change in state `gone` is the last of it.
  let reached: VmSnapshot | undefined;
  return waitUntil<VmSnapshot>({
    budget,
    what: () => `waiting for VM ${JSON.stringify(label)} to be ${states.join(' or ')} (it is ${current(vm)?.state ?? 'not tracked'})`,
    probe: () => reached,
    subscribe: (wake) =>
      feed.listen((change) => {
        if (!matches(change) || !states.includes(change.current.state)) return;
        reached = change.current;
        wake();
      }),
  });
}
