import { DomainResource } from './domains.js';
import { HostResource } from './host.js';
import { InterfaceResource } from './interfaces.js';
import { NetworkResource } from './networks.js';
import { NodeDeviceResource } from './node-devices.js';
import { NwfilterResource } from './nwfilters.js';
import { SecretResource } from './secrets.js';
import { StoragePoolResource } from './storage-pools.js';
import { StorageVolumeResource } from './storage-volumes.js';
import type { ResourceCall, ResourceStream } from './types.js';

/** The typed resources of one connection. */
export interface Resources {
  host: HostResource;
  domains: DomainResource;
  storage: { pools: StoragePoolResource; volumes: StorageVolumeResource };
  networks: NetworkResource;
  nodeDevices: NodeDeviceResource;
  secrets: SecretResource;
  nwfilters: NwfilterResource;
  interfaces: InterfaceResource;
}

/** Build the resources over a connection's call and stream functions. */
export function createResources(call: ResourceCall, stream: ResourceStream): Resources {
  return {
    host: new HostResource(call),
    domains: new DomainResource(call, stream),
    storage: { pools: new StoragePoolResource(call), volumes: new StorageVolumeResource(call, stream) },
    networks: new NetworkResource(call),
    nodeDevices: new NodeDeviceResource(call),
    secrets: new SecretResource(call),
    nwfilters: new NwfilterResource(call),
    interfaces: new InterfaceResource(call),
  };
}

export { DomainResource, HostResource, NetworkResource, StoragePoolResource, StorageVolumeResource };
export { NodeDeviceResource, NwfilterResource, SecretResource };
export type { AutostartOptions, ResourceCall, ResourceStream } from './types.js';
export * from './domains.js';
export { DomainConsole, type ConsoleOptions } from './console.js';
export type { ChannelOptions } from './channel.js';
export { DomainAgentResource, type AgentCommandCallOptions } from './domain-agent.js';
export type { Screenshot, ScreenshotOptions } from './screenshot.js';
export type { MemoryOptions, SizingImpact, VcpuOptions } from './domain-sizing.js';
export type { GuestTime, GuestTimeInput } from './domain-time.js';
export * from './domain-control.js';
export * from './block-jobs.js';
export * from './snapshots.js';
export * from './checkpoints.js';
export * from './domain-jobs.js';
export * from './domain-migration.js';
export { DomainTuningResource } from './domain-tuning.js';
export { TuningGroup, DeviceTuningGroup } from './tuning-group.js';
export type { TuningOptions, TuningParams, TuningValues } from './tuning-params.js';
export type { ModificationImpact } from './impact.js';
export type { IOThreadInfo, LifecycleAction, LifecycleEvent, SetVcpuOptions } from './domain-pinning.js';
export * from './domain-saves.js';
export * from './domain-input.js';
export * from './domain-guest-ops.js';
export * from './domain-inspect.js';
export * from './domain-admin.js';
export * from './job-stats.js';
export * from './host.js';
export * from './networks.js';
export { NetworkPortResource, type NetworkPortCreateOptions, type NetworkPortParameters } from './network-ports.js';
export type { NetworkUpdate, NetworkUpdateCommand, NetworkUpdateOptions, NetworkUpdateSection } from './network-update.js';
export type { NetworkMetadataKind, NetworkMetadataOptions } from './network-metadata.js';
export * from './node-devices.js';
export * from './nwfilters.js';
export * from './secrets.js';
export * from './storage-pools.js';
export * from './storage-volumes.js';
export * from './refs.js';
export * from './interfaces.js';
export * from './host-cpu.js';
export * from './host-native.js';
export type { ConnectionIdentity } from './identity.js';
export type { FindPoolSourcesOptions } from './storage-discovery.js';
export type { WipeAlgorithm, WipeOptions } from './storage-wipe.js';
export * from './domain-stats.js';
export * from './domain-stats-types.js';
export * from './node.js';
export * from './node-types.js';
