/**
 * Memory (the balloon, `virsh setmem`) and vCPUs (hot-plug, `virsh
 * setvcpus`) of a VM, up to the maximum its definition allows.
 *
 * @module
 */
import { InvalidArgumentError, UnsupportedError, isFlagRefusal } from '../connection/internal.js';
import { CALL_CAP_MS } from '../runtime/index.js';
import { type DomainModel, type SizeInput, formatSize, parseSize } from '../xml/index.js';
import type { DeviceRun } from './context.js';
import type { SetMemoryOptions, SetMemoryResult, SetVcpusOptions, SetVcpusResult } from './options.js';
import { type VmView, viewVm } from './vm-view.js';

/**
 * Make one sizing call for the scope: live and config at once where the
 * driver takes both flags (QEMU), one after the other where it refuses them
 * together (the test driver): live first, so a live failure leaves the
 * definition as it was.
 */
async function inEachDefinition(view: VmView, call: (scope: { live: boolean; config: boolean }) => Promise<void>): Promise<void> {
  try {
    await call(view.scope);
  } catch (error) {
    if (!(view.scope.live && view.scope.config && isFlagRefusal(error))) throw error;
    await call({ live: true, config: false });
    await call({ live: false, config: true });
  }
}

/** The definitions a change applies to. */
function inScope(view: VmView): DomainModel[] {
  return [...(view.scope.live ? [view.live!] : []), ...(view.scope.config ? [view.config!] : [])];
}

/**
 * Set the VM's memory.
 * @see VmDeviceManager.setMemory
 */
export async function setMemory(run: DeviceRun, memory: SizeInput, options: SetMemoryOptions): Promise<SetMemoryResult> {
  const bytes = parseSize(memory, { path: 'memory' });
  if (bytes < 1024n * 1024n || bytes % 1024n !== 0n)
    throw new InvalidArgumentError('memory must be a whole number of KiB, at least 1 MiB', { path: 'memory' });
  const view = await viewVm(run.ctx, 'setMemory', run.ref, options, run.budget);
  const models = inScope(view);
  const maximum = models.reduce((min, m) => (m.memory < min ? m.memory : min), models[0]!.memory);
  if (bytes > maximum)
    throw new InvalidArgumentError(
      `memory ${formatSize(bytes)} is above ${run.ref.name}'s maximum of ${formatSize(maximum)} (<memory>); the maximum changes only in the definition of a shut-off VM`,
      { path: 'memory' },
    );
  if (view.scope.live) {
    const balloon = view.live?.devices?.memballoon;
    if (balloon === undefined || balloon.model === 'none')
      throw new UnsupportedError(
        `the running VM ${run.ref.name} has no memory balloon device: its memory can change only in its definition ({ config: true })`,
      );
  }
  await inEachDefinition(view, (scope) => run.ctx.connection.domains.setMemory(run.ref, bytes, { ...run.budget.call(), ...scope }));
  const reported = view.scope.live
    ? BigInt((await run.ctx.connection.domains.getInfo(run.ref, run.budget.call(CALL_CAP_MS))).memoryBytes)
    : undefined;
  return {
    change: 'setMemory',
    domain: run.ref,
    live: view.scope.live,
    config: view.scope.config,
    confirmedBy: 'call',
    elapsedMs: run.budget.elapsed(),
    memory: bytes,
    balloon: reported,
    maximum,
  };
}

/**
 * Set the VM's vCPU count.
 * @see VmDeviceManager.setVcpus
 */
export async function setVcpus(run: DeviceRun, vcpus: number, options: SetVcpusOptions): Promise<SetVcpusResult> {
  if (!Number.isSafeInteger(vcpus) || vcpus < 1) throw new InvalidArgumentError('vcpus must be an integer ≥ 1', { path: 'vcpus' });
  const view = await viewVm(run.ctx, 'setVcpus', run.ref, options, run.budget);
  const maximum = Math.min(...inScope(view).map((m) => m.vcpu?.count ?? 1));
  if (vcpus > maximum)
    throw new InvalidArgumentError(
      `vcpus ${vcpus} is above ${run.ref.name}'s maximum of ${maximum} (<vcpu>); the maximum changes only in the definition of a shut-off VM`,
      { path: 'vcpus' },
    );
  const domains = run.ctx.connection.domains;
  await inEachDefinition(view, (scope) => domains.setVcpus(run.ref, vcpus, { ...run.budget.call(), ...scope }));
  let confirmedBy: SetVcpusResult['confirmedBy'] = 'call';
  if (view.scope.live && (await domains.getVcpus(run.ref, { ...run.budget.call(CALL_CAP_MS), live: true })) === vcpus) confirmedBy = 'xml';
  return {
    change: 'setVcpus',
    domain: run.ref,
    live: view.scope.live,
    config: view.scope.config,
    confirmedBy,
    elapsedMs: run.budget.elapsed(),
    vcpus,
    maximum,
  };
}
