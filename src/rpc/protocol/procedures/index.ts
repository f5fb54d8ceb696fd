/**
 * Every REMOTE_PROGRAM procedure descriptor this SDK speaks, grouped by area,
 * plus {@link ALL_PROCEDURES} for tests, tooling and the fake daemon.
 *
 * @module rpc/protocol/procedures
 */
import type { Procedure } from '../procedure.js';
import * as auth from './auth.js';
import * as checkpoint from './checkpoint.js';
import * as blockJobs from './block-jobs.js';
import * as connect from './connect.js';
import * as domainAgent from './domain-agent.js';
import * as domainDevices from './domain-devices.js';
import * as domainJobs from './domain-jobs.js';
import * as domainLifecycle from './domain-lifecycle.js';
import * as domainPinning from './domain-pinning.js';
import * as domainResources from './domain-resources.js';
import * as domainOps from './domain-ops.js';
import * as domainSave from './domain-save.js';
import * as domainStats from './domain-stats.js';
import * as domainTime from './domain-time.js';
import * as domainTuning from './domain-tuning.js';
import * as domain from './domain.js';
import * as events from './events.js';
import * as host from './host.js';
import * as hostCpu from './host-cpu.js';
import * as domainNative from './domain-native.js';
import * as identity from './identity.js';
import * as iface from './interface.js';
import * as storageDiscovery from './storage-discovery.js';
import * as migration from './migration.js';
import * as network from './network.js';
import * as networkConfig from './network-config.js';
import * as networkPort from './network-port.js';
import * as nodeDevice from './node-device.js';
import * as nodeDeviceLifecycle from './node-device-lifecycle.js';
import * as nodeStats from './node-stats.js';
import * as nwfilter from './nwfilter.js';
import * as nwfilterBinding from './nwfilter-binding.js';
import * as secret from './secret.js';
import * as snapshot from './snapshot.js';
import * as snapshotTree from './snapshot-tree.js';
import * as storagePool from './storage-pool.js';
import * as storageVolume from './storage-volume.js';

export * from './auth.js';
export * from './checkpoint.js';
export * from './block-jobs.js';
export * from './connect.js';
export * from './domain-agent.js';
export * from './domain-devices.js';
export * from './domain-jobs.js';
export * from './domain-lifecycle.js';
export * from './domain-pinning.js';
export * from './domain-resources.js';
export * from './domain-ops.js';
export * from './domain-save.js';
export * from './domain-stats.js';
export * from './domain-time.js';
export * from './domain-tuning.js';
export * from './domain.js';
export * from './events.js';
export * from './host.js';
export * from './host-cpu.js';
export * from './domain-native.js';
export * from './identity.js';
export * from './interface.js';
export * from './storage-discovery.js';
export * from './migration.js';
export * from './network.js';
export * from './network-config.js';
export * from './network-port.js';
export * from './node-device.js';
export * from './node-device-lifecycle.js';
export * from './node-stats.js';
export * from './nwfilter.js';
export * from './nwfilter-binding.js';
export * from './secret.js';
export * from './snapshot.js';
export * from './snapshot-tree.js';
export * from './storage-pool.js';
export * from './storage-volume.js';
export * from './qemu.js';

/** `true` for a value built by `procedure()` (modules also export helper codecs and enums). */
function isProcedure(value: unknown): value is Procedure<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { proc?: unknown }).proc === 'number' &&
    typeof (value as { name?: unknown }).name === 'string' &&
    'args' in value &&
    'ret' in value
  );
}

/**
 * Every procedure descriptor exported above, sorted by procedure number.
 *
 * @example
 * const byNumber = new Map(ALL_PROCEDURES.map((p) => [p.proc, p]));
 */
export const ALL_PROCEDURES: readonly Procedure<unknown, unknown>[] = Object.freeze(
  [
    auth,
    blockJobs,
    connect,
    domain,
    domainAgent,
    domainLifecycle,
    domainResources,
    domainOps,
    domainSave,
    domainStats,
    domainTime,
    domainTuning,
    domainPinning,
    domainDevices,
    domainJobs,
    checkpoint,
    events,
    host,
    hostCpu,
    domainNative,
    identity,
    iface,
    storageDiscovery,
    migration,
    network,
    networkConfig,
    networkPort,
    nodeDevice,
    nodeDeviceLifecycle,
    nodeStats,
    nwfilter,
    nwfilterBinding,
    secret,
    snapshot,
    snapshotTree,
    storagePool,
    storageVolume,
  ]
    .flatMap((m) => Object.values(m).filter(isProcedure))
    .sort((a, b) => a.proc - b.proc),
);
