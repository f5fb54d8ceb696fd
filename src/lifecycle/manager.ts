import type { DomainStateName } from '../connection/internal.js';
import { InvalidArgumentError } from '../errors/index.js';
import { type LifecycleConnection, type LifecycleContext, type OperationRun, type VmInput, resolveVm, runOperation } from './context.js';
import { Budget, type VmLocks } from '../runtime/index.js';
import { createLifecycleContext } from './create-context.js';
import type { VmOperation } from '../runtime/index.js';
import { type ForceOffOptions, forceOff } from './operations/force-off.js';
import { type ManagedSaveOptions, managedSave, removeManagedSave } from './operations/managed-save.js';
import { type AddressesResult, type WaitForAddressesOptions, waitForAddresses } from './operations/addresses.js';
import { type AgentResult, type WaitForAgentOptions, waitForAgent } from './operations/agent.js';
import { checkStates, setAutostart, waitForState } from './operations/observe.js';
import { type ResumeOptions, pause, resume } from './operations/pause.js';
import { type RebootOptions, reboot, reset } from './operations/reboot.js';
import { type ShutdownOptions, shutdown } from './operations/shutdown.js';
import { type StartOptions, start } from './operations/start.js';
import { type CallOptions, type SetAutostartOptions, type VmLifecycleManagerOptions } from './options.js';
import { checkLifecycleOptions } from './check-options.js';
import type {
  AutostartResult,
  ForceOffResult,
  LifecycleResult,
  RebootResult,
  ResumeResult,
  ShutdownResult,
  StartResult,
  StateObservation,
} from './results.js';

/**
 * The one implementation of every power operation on libvirt VMs. Each call
 * resolves only when libvirt confirms the new state — by the lifecycle event
 * (its waiter is installed before the request is sent), or by polling
 * DOMAIN_GET_STATE when events are unavailable — and returns the final state
 * and reason.
 *
 * - **Serialised per VM**: operations on one VM run one after the other in
 *   call order (a FIFO mutex per UUID); different VMs run in parallel.
 * - **State-checked**: an operation that cannot run from the current state is
 *   an {@link InvalidStateError} before anything is sent; one that has
 *   nothing to do (start a running VM) is a no-op that says so (`noop`).
 * - **Budgeted**: every method takes `{ signal, timeout }` last; the wait for
 *   the lock counts against the timeout.
 *
 * The connection is shared, never opened or closed here. See docs/lifecycle.md.
 *
 * @example
 * const conn = await LibvirtConnection.connect('qemu:///system');
 * const lifecycle = new VmLifecycleManager(conn);
 * await lifecycle.start('web1');                                   // virsh start web1
 * const r = await lifecycle.shutdown('web1', { timeout: 30_000 }); // virsh shutdown web1, then destroy
 * console.log(r.state, r.reason, r.escalated);                     // 'shutoff' 'shutdown' false
 */
export class VmLifecycleManager {
  readonly #ctx: LifecycleContext;
  readonly #locks: VmLocks;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; the manager never closes it)
   * @throws {@link InvalidArgumentError} for a bad `pollInterval` or `eventGrace`
   */
  constructor(connection: LifecycleConnection, options: VmLifecycleManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    this.#ctx = createLifecycleContext(connection, options);
    this.#locks = this.#ctx.locks;
  }

  /** VMs with an operation running or queued right now (lock entries are dropped when idle). */
  get busyVms(): number {
    return this.#locks.size;
  }

  #run<T>(
    operation: VmOperation,
    vm: VmInput,
    options: CallOptions | undefined,
    timeout: number,
    body: (run: OperationRun) => Promise<T>,
  ): Promise<T> {
    return runOperation(this.#ctx, operation, vm, new Budget(timeout, options?.signal), body);
  }

  /**
   * Start a shut-off VM and wait for the `started` event. A VM with a managed
   * save image is restored from it (`restored: true`; QEMU reports reason
   * `'restored'`) unless `forceBoot`. No-op when it is already active.
   *
   * Default `timeout`: 60 000 ms.
   * @example const r = await lifecycle.start('web1', { paused: true }); // r.state === 'paused'
   * @throws {@link InvalidStateError} when it is crashed or being shut down
   * @throws {@link UnsupportedError} when the driver refuses a start flag (the test driver accepts none)
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainCreateWithFlags
   */
  async start(vm: VmInput, options: StartOptions = {}): Promise<StartResult> {
    const timeout = checkLifecycleOptions('start', options);
    return this.#run('start', vm, options, timeout, (run) => start(run, options));
  }

  /**
   * Ask the guest to shut down and wait until it is shut off. The request is
   * re-sent every `resendEvery` ms (ACPI presses during early boot are lost);
   * after `timeout` the VM is forced off (`escalated: true`) or, with
   * `onTimeout: 'throw'`, a `TimeoutError` names its state. No-op when shut off.
   *
   * `mode: 'auto'` uses ACPI when the domain has `<acpi/>`, else the guest
   * agent when its channel exists, else the hypervisor default; if the driver
   * refuses the flag (the test driver accepts only 0) it falls back to the
   * default. An explicit `'acpi'`/`'agent'` the driver refuses is an
   * `UnsupportedError`.
   *
   * Default `timeout`: 60 000 ms (+ `forceOffTimeout` 30 000 ms when escalating).
   * @example const r = await lifecycle.shutdown('web1', { timeout: 20_000, onTimeout: 'forceOff' });
   * @throws {@link InvalidStateError} when it is paused, pmsuspended or crashed (nothing is sent)
   * @throws {@link TimeoutError} with `onTimeout: 'throw'` · {@link UnsupportedError} for a refused explicit mode
   * @throws {@link DomainNotFoundError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainShutdownFlags
   */
  async shutdown(vm: VmInput, options: ShutdownOptions = {}): Promise<ShutdownResult> {
    const timeout = checkLifecycleOptions('shutdown', options);
    return this.#run('shutdown', vm, options, timeout, (run) => shutdown(run, options));
  }

  /**
   * Power the VM off now (virsh destroy) and wait until it is shut off.
   * Tolerates a transient domain that is already gone and a VM already shut
   * off (`noop`); retries when libvirt reports OPERATION_TIMEOUT or
   * RESOURCE_BUSY. `graceful` sends only SIGTERM to the hypervisor process.
   *
   * Like every operation it runs after the ones already queued on the VM,
   * unless `preempt: true`: then it does not wait for the VM's lock, so the
   * plug can be pulled while a graceful shutdown (or anything else) is still
   * waiting; the pending operation sees the VM stop and settles on its own.
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.forceOff('web1');
   * @throws {@link DomainNotFoundError} (unknown name) · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainDestroyFlags
   */
  async forceOff(vm: VmInput, options: ForceOffOptions = {}): Promise<ForceOffResult> {
    const timeout = checkLifecycleOptions('forceOff', options);
    if (options.preempt === true) {
      return runOperation(this.#ctx, 'forceOff', vm, new Budget(timeout, options.signal), (run) => forceOff(run, options), {
        preempt: true,
      });
    }
    return this.#run('forceOff', vm, options, timeout, (run) => forceOff(run, options));
  }

  /**
   * Reboot the guest and wait for libvirt's reboot event (QEMU sends a few
   * per reboot), re-sending the request while none came. Hypervisors without
   * reboot events (the test driver) confirm by the accepted call and a
   * running state (`confirmedBy: 'call'`). If the hypervisor cannot reboot,
   * `fallback: 'stop-start'` shuts down and starts instead (`path: 'stop-start'`).
   *
   * Default `timeout`: 60 000 ms.
   * @example const r = await lifecycle.reboot('web1'); // r.path === 'reboot'
   * @throws {@link InvalidStateError} unless it is running · {@link UnsupportedError} for a refused explicit mode
   * @throws {@link TimeoutError} when no reboot event came · {@link DomainNotFoundError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainReboot
   */
  async reboot(vm: VmInput, options: RebootOptions = {}): Promise<RebootResult> {
    const timeout = checkLifecycleOptions('reboot', options);
    return this.#run('reboot', vm, options, timeout, (run) => reboot(run, options));
  }

  /**
   * Hard-reset the VM (the reset button: no guest shutdown). Synchronous in
   * libvirt, so the call and a state read confirm it. The test driver accepts
   * it and does nothing.
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.reset('web1');
   * @throws {@link InvalidStateError} when it is not running or paused
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainReset
   */
  async reset(vm: VmInput, options: CallOptions = {}): Promise<LifecycleResult> {
    const timeout = checkLifecycleOptions('reset', options);
    return this.#run('reset', vm, options, timeout, (run) => reset(run));
  }

  /**
   * Pause the vCPUs and wait for the `suspended` event. No-op when paused.
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.pause('web1'); // virsh suspend web1
   * @throws {@link InvalidStateError} unless it is running or paused
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainSuspend
   */
  async pause(vm: VmInput, options: CallOptions = {}): Promise<LifecycleResult> {
    const timeout = checkLifecycleOptions('pause', options);
    return this.#run('pause', vm, options, timeout, (run) => pause(run));
  }

  /**
   * Resume a paused VM, or wake a pmsuspended guest (`wokeUp: true`), and
   * wait for the `resumed`/`started` event. No-op when running. With
   * `syncTime`, then set the guest's clock to the host's (through the guest
   * agent; best effort, reported in `timeSync`).
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.resume('web1'); // virsh resume web1
   * @example const { timeSync } = await lifecycle.resume('web1', { syncTime: true }); // then virsh domtime web1 --now
   * @throws {@link InvalidStateError} when it is shut off or crashed
   * @throws {@link UnsupportedError} when it is pmsuspended and the driver has no PM wakeup (the test driver)
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainResume
   * @see virDomainPMWakeup
   */
  async resume(vm: VmInput, options: ResumeOptions = {}): Promise<ResumeResult> {
    const timeout = checkLifecycleOptions('resume', options);
    return this.#run('resume', vm, options, timeout, (run) => resume(run, options));
  }

  /**
   * Save the VM's memory to libvirt's managed image and stop it (`shutoff`,
   * reason `'saved'`); the next {@link start} restores it.
   *
   * Default `timeout`: 300 000 ms.
   * @example await lifecycle.managedSave('web1'); await lifecycle.start('web1'); // restored
   * @throws {@link InvalidStateError} when it is shut off
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainManagedSave
   */
  async managedSave(vm: VmInput, options: ManagedSaveOptions = {}): Promise<LifecycleResult> {
    const timeout = checkLifecycleOptions('managedSave', options);
    return this.#run('managedSave', vm, options, timeout, (run) => managedSave(run, options));
  }

  /**
   * Whether the VM has a managed save image (its next start restores it).
   * @example if (await lifecycle.hasManagedSave('web1')) console.log('will resume');
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainHasManagedSaveImage
   */
  async hasManagedSave(vm: VmInput, options: CallOptions = {}): Promise<boolean> {
    const timeout = checkLifecycleOptions('hasManagedSave', options);
    const deadline = new Budget(timeout, options.signal);
    const ref = await resolveVm(this.#ctx, vm, deadline);
    return this.#ctx.connection.domains.hasManagedSave(ref, deadline.call());
  }

  /**
   * Delete the managed save image so the next start boots afresh. No-op
   * (`noop: 'no managed save image'`) when there is none.
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.removeManagedSave('web1');
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainManagedSaveRemove
   */
  async removeManagedSave(vm: VmInput, options: CallOptions = {}): Promise<LifecycleResult> {
    const timeout = checkLifecycleOptions('removeManagedSave', options);
    return this.#run('removeManagedSave', vm, options, timeout, (run) => removeManagedSave(run));
  }

  /**
   * Set whether the VM starts with the host (serialised with the VM's other
   * operations; nothing is sent when the value is already set).
   *
   * Default `timeout`: 30 000 ms.
   * @example await lifecycle.setAutostart('web1', { enabled: true }); // virsh autostart web1
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError} (transient domains cannot autostart)
   * @see virDomainSetAutostart
   */
  async setAutostart(vm: VmInput, options: SetAutostartOptions): Promise<AutostartResult> {
    const timeout = checkLifecycleOptions('setAutostart', options);
    const { enabled } = options;
    return this.#run('setAutostart', vm, options, timeout, (run) => setAutostart(run, enabled));
  }

  /**
   * Whether the VM starts with the host.
   * @example const on = await lifecycle.getAutostart('web1');
   * @throws {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError} · {@link LibvirtError}
   * @see virDomainGetAutostart
   */
  async getAutostart(vm: VmInput, options: CallOptions = {}): Promise<boolean> {
    const timeout = checkLifecycleOptions('getAutostart', options);
    const deadline = new Budget(timeout, options.signal);
    const ref = await resolveVm(this.#ctx, vm, deadline);
    return this.#ctx.connection.domains.getAutostart(ref, deadline.call());
  }

  /**
   * Wait until the guest has a usable IP address (loopback and link-local do
   * not count), asking the DHCP leases of its libvirt network, the guest
   * agent and the host's ARP table at once at each poll. Wakes up early when
   * the guest agent connects or the VM starts. Not serialized with other
   * operations on the VM.
   *
   * @example const { addresses, source } = await lifecycle.waitForAddresses('web1', { family: 'ipv4', timeout: 120_000 });
   * @throws {@link TimeoutError} (default 300 s) · {@link AbortError} · {@link DomainNotFoundError} ·
   *   {@link UnsupportedError} when no source can work here (e.g. no agent configured and the driver has no leases)
   * @see virDomainInterfaceAddresses
   */
  async waitForAddresses(vm: VmInput, options: WaitForAddressesOptions = {}): Promise<AddressesResult> {
    const timeout = checkLifecycleOptions('waitForAddresses', options);
    return waitForAddresses(this.#ctx, vm, options, new Budget(timeout, options.signal));
  }

  /**
   * Wait until the QEMU guest agent in the VM is connected (libvirt marks its
   * channel `connected` once qemu-ga opens the port), at once if it is. Woken
   * by the agent-lifecycle event; polls the live XML every `pollInterval` ms
   * too. Takes no lock. Use it before what needs the agent: `getTime` /
   * `setTime`, `syncTime`, shutdown mode `'agent'`, the `agent` address source.
   *
   * Default `timeout`: 300 000 ms.
   * @example await lifecycle.start('web1'); await lifecycle.waitForAgent('web1', { timeout: 120_000 });
   * @throws {@link UnsupportedError} when the VM has no guest agent channel (at once, not after the timeout)
   * @throws {@link TimeoutError} · {@link AbortError} · {@link DomainNotFoundError} · {@link InvalidArgumentError}
   * @see virConnectDomainEventRegisterAny
   */
  async waitForAgent(vm: VmInput, options: WaitForAgentOptions = {}): Promise<AgentResult> {
    const timeout = checkLifecycleOptions('waitForAgent', options);
    return waitForAgent(this.#ctx, vm, options, new Budget(timeout, options.signal));
  }

  /**
   * Wait until the VM is in `state` (or one of several), confirmed by an
   * event or a poll; resolves at once when it already is. Takes no lock, so
   * it can watch other operations (or other tools) change the VM.
   *
   * Default `timeout`: 60 000 ms (0 waits forever).
   * @example await lifecycle.waitForState('web1', 'shutoff', { timeout: 120_000 });
   * @example const s = await lifecycle.waitForState('web1', ['running', 'paused']);
   * @throws {@link TimeoutError} naming the state it is in · {@link InvalidArgumentError} for an unknown state name
   * @throws {@link DomainNotFoundError} (also when the VM disappears while waiting) · {@link AbortError}
   * @see virDomainGetState
   */
  async waitForState(
    vm: VmInput,
    state: DomainStateName | readonly DomainStateName[],
    options: CallOptions = {},
  ): Promise<StateObservation> {
    const timeout = checkLifecycleOptions('waitForState', options);
    const states = checkStates(state);
    return waitForState(this.#ctx, vm, states, new Budget(timeout, options.signal));
  }
}
