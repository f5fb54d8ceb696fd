import { describe, expect, it } from 'vitest';
import {
  VirConnectGetAllDomainStatsFlags,
  VirDomainDeviceModifyFlags,
  VirDomainEventID,
  VirDomainMetadataType,
  VirDomainSnapshotListFlags,
  VirDomainState,
  VirDomainUndefineFlags,
  VirStoragePoolEventLifecycleType,
  connectCloseReasonName,
  domainEventDetailName,
  domainEventIdName,
  domainEventName,
  domainStateName,
  domainStateReasonName,
  networkEventName,
  storagePoolEventName,
} from '../../../src/rpc/protocol/index.js';

describe('enums', () => {
  it('carry libvirt names and values', () => {
    expect(VirDomainState.VIR_DOMAIN_PMSUSPENDED).toBe(7);
    expect(VirDomainUndefineFlags.VIR_DOMAIN_UNDEFINE_NVRAM).toBe(4);
    expect(VirDomainMetadataType).toEqual({
      VIR_DOMAIN_METADATA_DESCRIPTION: 0,
      VIR_DOMAIN_METADATA_TITLE: 1,
      VIR_DOMAIN_METADATA_ELEMENT: 2,
    });
    expect(VirDomainDeviceModifyFlags).toEqual({
      VIR_DOMAIN_DEVICE_MODIFY_CURRENT: 0,
      VIR_DOMAIN_DEVICE_MODIFY_LIVE: 1,
      VIR_DOMAIN_DEVICE_MODIFY_CONFIG: 2,
      VIR_DOMAIN_DEVICE_MODIFY_FORCE: 4,
    });
    expect(VirConnectGetAllDomainStatsFlags.VIR_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS).toBe(2 ** 31);
    expect(VirDomainSnapshotListFlags.VIR_DOMAIN_SNAPSHOT_LIST_ROOTS).toBe(VirDomainSnapshotListFlags.VIR_DOMAIN_SNAPSHOT_LIST_DESCENDANTS);
    expect(Object.values(VirDomainEventID)).toEqual([...Array(28).keys()]);
    expect(VirStoragePoolEventLifecycleType.VIR_STORAGE_POOL_EVENT_DELETED).toBe(5);
  });
});

describe('friendly names', () => {
  it('name states and per-state reasons', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(domainStateName)).toEqual([
      'nostate',
      'running',
      'blocked',
      'paused',
      'shutdown',
      'shutoff',
      'crashed',
      'pmsuspended',
    ]);
    expect(domainStateReasonName(1, 1)).toBe('booted');
    expect(domainStateReasonName(5, 2)).toBe('destroyed');
    expect(domainStateReasonName(3, 14)).toBe('api_error');
    expect(domainStateReasonName(1, 0)).toBe('unknown');
  });

  it('name lifecycle events and details', () => {
    expect(domainEventName(0)).toBe('defined');
    expect(domainEventName(8)).toBe('crashed');
    expect(domainEventDetailName(2, 0)).toBe('booted');
    expect(domainEventDetailName(5, 1)).toBe('destroyed');
    expect(domainEventDetailName(2, 3)).toBe('from_snapshot');
    expect(domainEventDetailName(7, 1)).toBe('disk');
    expect(domainEventIdName(16)).toBe('block_job_2');
    expect(networkEventName(3)).toBe('stopped');
    expect(storagePoolEventName(4)).toBe('created');
    expect(connectCloseReasonName(2)).toBe('keepalive');
  });

  it('never throw on numbers from a newer daemon', () => {
    expect(domainStateName(99)).toBe('unknown(99)');
    expect(domainStateReasonName(99, 1)).toBe('unknown(1)');
    expect(domainEventDetailName(1, 42)).toBe('unknown(42)');
    expect(domainEventName(-1)).toBe('unknown(-1)');
  });
});
