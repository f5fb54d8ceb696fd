import { fromPromise } from 'xstate';
import { type DomainInput, DomainNotFoundError, type LibvirtConnection } from '../connection/internal.js';
import type { DestroyOptions, DestroyReport } from '../destroyer/internal.js';
import type { VmDeviceManager } from '../devices/internal.js';
import type { DiskStateManager } from '../disk-state/internal.js';
import type { VmLifecycleManager } from '../lifecycle/internal.js';
import type { DeviceCommand, DiskStateCommand, VmCommand, VmCommandOptions } from './commands.js';
import type { CommandInput, StateReading } from './machine-types.js';
import { vmMachine } from './vm-machine.js';

/**
 * What the registry needs from `VmLifecycleManager` (structurally; a fake fits in tests).
 * @example new VmRegistry(conn, { lifecycle: new VmLifecycleManager(conn, { pollInterval: 250 }) });
 * @see VmLifecycleManager
 */
export type RegistryLifecycle = Pick<
  VmLifecycleManager,
  'start' | 'shutdown' | 'forceOff' | 'reboot' | 'reset' | 'pause' | 'resume' | 'managedSave'
>;

/**
 * What the registry needs from `VmDestroyer` (structurally).
 * @example new VmRegistry(conn, { destroyer: new VmDestroyer(conn, lifecycle) });
 * @see VmDestroyer.destroy
 */
export interface RegistryDestroyer {
  destroy(vm: DomainInput, options?: DestroyOptions): Promise<DestroyReport>;
}

/**
 * What the registry needs from `VmDeviceManager` (structurally).
 * @example new VmRegistry(conn, { devices: new VmDeviceManager(conn) });
 * @see VmDeviceManager.perform
 */
export type RegistryDevices = Pick<VmDeviceManager, 'perform'>;

/**
 * What the registry needs from the disk-state module (structurally): its one dispatcher.
 * @example new VmRegistry(conn, { diskState: new DiskStateManager(conn) });
 * @see DiskStateManager.perform
 */
export type RegistryDiskState = Pick<DiskStateManager, 'perform'>;

/**
 * Timings of the machine, in ms (XState `after` delays, so tests drive them with `SimulatedClock`).
 * @example provideEffects(conn, lifecycle, destroyer, { rebootDebounce: 2000, readTimeout: 30_000 })
 * @see vmMachine
 */
export interface MachineDelays {
  rebootDebounce: number;
  readTimeout: number;
}

/**
 * The caller's options with the state's abort signal joined in: leaving the
 * transitional state (the registry stopping) aborts the libvirt operation
 * just like the caller's own signal.
 */
function joined<C extends VmCommand>(input: CommandInput<C>, signal: AbortSignal): VmCommandOptions[C] {
  const options = (input.options ?? {}) as VmCommandOptions[C];
  const own = options.signal;
  return { ...options, signal: own === undefined ? signal : AbortSignal.any([own, signal]) };
}

/**
 * The VM machine with its effects: each command runs the one lifecycle or
 * destroyer method that implements it; `readState` is DOMAIN_GET_STATE, with
 * a missing domain read as `'gone'` (teardown races end in success).
 *
 * @example const machine = provideEffects(conn, lifecycle, destroyer, { rebootDebounce: 2000, readTimeout: 30_000 }, devices);
 * @throws never (effects reject inside the actors; the machine re-reads)
 * @see vmMachine
 */
export function provideEffects(
  connection: Pick<LibvirtConnection, 'domains'>,
  lifecycle: RegistryLifecycle,
  destroyer: RegistryDestroyer,
  delays: MachineDelays,
  devices?: RegistryDevices,
  diskState?: RegistryDiskState,
): typeof vmMachine {
  return vmMachine.provide({
    actors: {
      startVm: fromPromise(({ input, signal }: { input: CommandInput<'start'>; signal: AbortSignal }) =>
        lifecycle.start(input.domain, joined(input, signal)),
      ),
      shutdownVm: fromPromise(({ input, signal }: { input: CommandInput<'shutdown'>; signal: AbortSignal }) =>
        lifecycle.shutdown(input.domain, joined(input, signal)),
      ),
      forceOffVm: fromPromise(({ input, signal }: { input: CommandInput<'forceOff'>; signal: AbortSignal }) =>
        lifecycle.forceOff(input.domain, joined(input, signal)),
      ),
      rebootVm: fromPromise(({ input, signal }: { input: CommandInput<'reboot'>; signal: AbortSignal }) =>
        lifecycle.reboot(input.domain, joined(input, signal)),
      ),
      resetVm: fromPromise(({ input, signal }: { input: CommandInput<'reset'>; signal: AbortSignal }) =>
        lifecycle.reset(input.domain, joined(input, signal)),
      ),
      pauseVm: fromPromise(({ input, signal }: { input: CommandInput<'pause'>; signal: AbortSignal }) =>
        lifecycle.pause(input.domain, joined(input, signal)),
      ),
      resumeVm: fromPromise(({ input, signal }: { input: CommandInput<'resume'>; signal: AbortSignal }) =>
        lifecycle.resume(input.domain, joined(input, signal)),
      ),
      saveVm: fromPromise(({ input, signal }: { input: CommandInput<'managedSave'>; signal: AbortSignal }) =>
        lifecycle.managedSave(input.domain, joined(input, signal)),
      ),
      destroyVm: fromPromise(({ input, signal }: { input: CommandInput<'destroy'>; signal: AbortSignal }) =>
        destroyer.destroy(input.domain, joined(input, signal)),
      ),
      changeDevices: fromPromise(({ input, signal }: { input: CommandInput<DeviceCommand>; signal: AbortSignal }) => {
        if (devices === undefined) return Promise.reject(new Error(`no device manager was given to run ${input.command}`));
        return devices.perform(input.domain, input.command, joined(input, signal));
      }),
      changeDiskState: fromPromise(({ input, signal }: { input: CommandInput<DiskStateCommand>; signal: AbortSignal }) => {
        if (diskState === undefined) return Promise.reject(new Error(`no disk-state manager was given to run ${input.command}`));
        return diskState.perform(input.domain, input.command, joined(input, signal));
      }),
      readState: fromPromise(
        async ({ input, signal }: { input: { domain: CommandInput['domain'] }; signal: AbortSignal }): Promise<StateReading> => {
          try {
            const { state, reason } = await connection.domains.getState(input.domain, { signal });
            return { state, reason };
          } catch (error) {
            if (error instanceof DomainNotFoundError) return { state: 'gone', reason: 'gone' };
            throw error;
          }
        },
      ),
    },
    delays: { rebootDebounce: delays.rebootDebounce, readTimeout: delays.readTimeout },
  });
}
