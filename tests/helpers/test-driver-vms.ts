/**
 * VMs on libvirt's test driver, made through the SDK: each with one disk it
 * owns in `default-pool` (`vda`), destroyed with that disk by `cleanup()`.
 * The fixture of the test-driver files of devices, snapshots and backups.
 */
import type { DomainRef } from '../../src/connection/internal.js';
import { afterAll, beforeAll } from 'vitest';
import { LibvirtManager } from '../../src/index.js';
import { TEST_URI, uniqueName } from './libvirt.js';

/** What a {@link TestDriverVms.create} VM has besides its one disk. */
export interface TestDriverVmOptions {
  /** Started by the create (`createVm({ start: true })`). @default false */
  start?: boolean;
  /** @default 1 */
  vcpus?: number;
  /** The disk's format. @default the creator's default */
  format?: 'raw' | 'qcow2';
  /** One NIC on the `default` network. @default false */
  nic?: boolean;
}

/** The VMs one test file made. */
export interface TestDriverVms {
  /** A unique `lvm-<prefix>-…` name that `cleanup()` destroys too (for a VM a test defines itself). */
  name(prefix: string): string;
  /** A VM named `lvm-<prefix>-…`, 512 MiB, one owned 64 MiB disk. */
  create(prefix: string, options?: TestDriverVmOptions): Promise<DomainRef>;
  /** Destroy every VM made, with its owned storage; one a test removed already is skipped. */
  cleanup(): Promise<void>;
}

/** The fixture over a test-driver manager (`TEST_URI`). */
export function testDriverVms(manager: LibvirtManager): TestDriverVms {
  const names: string[] = [];
  const name = (prefix: string): string => {
    const made = uniqueName(prefix);
    names.push(made);
    return made;
  };
  return {
    name,
    async create(prefix, options = {}) {
      const { domain } = await manager.createVm({
        name: name(prefix),
        memory: '512MiB',
        vcpus: options.vcpus ?? 1,
        virtType: 'test',
        disks: [{ kind: 'new', pool: 'default-pool', size: '64MiB', ...(options.format === undefined ? {} : { format: options.format }) }],
        ...(options.nic === true ? { networks: [{ network: 'default' }] } : {}),
        start: options.start ?? false,
      });
      return domain;
    },
    async cleanup() {
      for (const name of names) await manager.destroyer.destroy(name, { storage: 'owned' }).catch(() => undefined);
    },
  };
}

/**
 * After the file's tests, destroy the test-driver VMs named in `names` (their
 * storage left alone) over a connection of its own, whatever the tests left open.
 */
export function destroyAfterAll(names: readonly string[]): void {
  afterAll(async () => {
    const cleaner = await LibvirtManager.connect(TEST_URI);
    for (const name of names) await cleaner.destroyer.destroy(name, { storage: 'none' }).catch(() => undefined);
    await cleaner.close();
  });
}

/**
 * The usual set-up of a test-driver file: one `LibvirtManager` on the test driver and its {@link testDriverVms},
 * opened before the file's tests (`ready` receives them) and cleaned up and closed after.
 */
export function useTestDriverVms(ready: (manager: LibvirtManager, vms: TestDriverVms) => void): void {
  let manager: LibvirtManager | undefined;
  let vms: TestDriverVms | undefined;
  beforeAll(async () => {
    manager = await LibvirtManager.connect(TEST_URI);
    vms = testDriverVms(manager);
    ready(manager, vms);
  });
  afterAll(async () => {
    await vms?.cleanup();
    await manager?.close();
  });
}
