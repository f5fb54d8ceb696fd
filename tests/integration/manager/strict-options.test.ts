/**
 * Misspelled option keys of the device, snapshot, block-job and backup
 * commands, migration, the guest agent, the lifecycle reads, `events()` and
 * the nested connection options, on the test driver (test+unix:///default):
 * each is refused with `InvalidArgumentError` naming the key before anything
 * is sent, and the VM is unchanged (same XML, no snapshot, no checkpoint).
 * The facade's own `queue` passes the check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../../src/connection/internal.js';
import { InvalidArgumentError, LibvirtConnection, LibvirtManager } from '../../../src/index.js';
import { MigrationManager } from '../../../src/migration/index.js';
import { TEST_URI } from '../../helpers/libvirt.js';
import { rejection } from '../../helpers/errors.js';
import { testDriverVms, type TestDriverVms } from '../../helpers/test-driver-vms.js';

let manager: LibvirtManager;
let vms: TestDriverVms;
let vm: DomainRef;

beforeAll(async () => {
  manager = await LibvirtManager.connect(TEST_URI);
  vms = testDriverVms(manager);
  vm = await vms.create('lvm-strictopt', { start: true });
}, 60_000);

afterAll(async () => {
  await vms?.cleanup();
  await manager?.close();
});

/** Expect the refusal of the unknown option `path`. */
function refused(error: unknown, path: string): void {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT', path });
  expect((error as Error).message).toMatch(new RegExp(`^unknown option '${path.replace('.', '\\.')}'`));
}

/** What `run` threw at once (migrate and events() check their options synchronously). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('commands through the facade (with queue) and the modules', () => {
  it('device, snapshot, block-job and backup commands refuse a misspelled key; the VM is unchanged', async () => {
    const xml = await manager.connection.domains.getXml(vm);
    const domain = vm.name;
    refused(await rejection(manager.setMemory(domain, '256MiB', { queue: true, liv: true } as never)), 'liv');
    refused(await rejection(manager.setVcpus(domain, 1, { queue: false, confg: true } as never)), 'confg');
    refused(await rejection(manager.detachDisk(domain, 'vda', { deleteVolumes: true } as never)), 'deleteVolumes');
    refused(await rejection(manager.resizeDisk(domain, 'vda', '128MiB', { allowShrnk: true } as never)), 'allowShrnk');
    refused(await rejection(manager.devices.setVcpus(domain, 1, { timout: 5 } as never)), 'timout');
    refused(await rejection(manager.createSnapshot(domain, { name: 'lvm-s1', queue: true, descripton: 'x' } as never)), 'descripton');
    refused(await rejection(manager.snapshots.create(domain, { name: 'lvm-s1', memroy: true } as never)), 'memroy');
    refused(await rejection(manager.deleteSnapshot(domain, 'lvm-s1', { childern: true } as never)), 'childern');
    refused(await rejection(manager.blockCopy(domain, { disk: 'vda', to: { pool: 'default-pool' }, bandwith: 1 } as never)), 'bandwith');
    refused(await rejection(manager.blockJobs.copy(domain, { disk: 'vda', to: { pool: 'default-pool', nmae: 'x' } } as never)), 'to.nmae');
    refused(await rejection(manager.blockPull(domain, { disk: 'vda', queue: true, pivot: true } as never)), 'pivot');
    refused(await rejection(manager.backup(domain, { pool: 'default-pool', formt: 'qcow2' } as never)), 'formt');
    refused(await rejection(manager.backups.deleteCheckpoint(domain, 'c1', { childern: true } as never)), 'childern');
    expect(await manager.connection.domains.getXml(vm)).toBe(xml);
    expect(await manager.listSnapshots(domain)).toEqual([]);
    expect(await manager.backups.listCheckpoints(domain)).toEqual([]);
  });

  it('migration, the agent, hasManagedSave, getAutostart and events() refuse one too', async () => {
    const domain = vm.name;
    const migration = new MigrationManager(manager.connection);
    refused(
      thrownBy(() => migration.start(domain, { to: 'test:///default', maxDowntme: 300 } as never)),
      'maxDowntme',
    );
    refused(await rejection(manager.agent.exec(domain, ['true'], { maxBufer: 1 } as never)), 'maxBufer');
    refused(await rejection(manager.agent.command(domain, 'guest-ping', undefined, { waitForAgnet: true } as never)), 'waitForAgnet');
    refused(await rejection(manager.lifecycle.hasManagedSave(domain, { timout: 5 } as never)), 'timout');
    refused(await rejection(manager.lifecycle.getAutostart(domain, { enabled: true } as never)), 'enabled');
    expect(await manager.lifecycle.getAutostart(domain, { timeout: 10_000 })).toBe(false);
    refused(
      thrownBy(() => manager.events({ domian: domain } as never)),
      'domian',
    );
    expect((await manager.connection.domains.getState(vm)).state).toBe('running');
  });

  it('nested connection options: tls.caa, reconnect.maxAttemps; nothing is dialed', async () => {
    const tls = await rejection(LibvirtConnection.connect(TEST_URI, { tls: { caa: '/x.pem' } } as never));
    refused(tls, 'tls.caa');
    expect((tls as Error).message).toBe("unknown option 'tls.caa' (did you mean 'ca'?)");
    refused(await rejection(LibvirtManager.connect(TEST_URI, { reconnect: { maxAttemps: 3 } } as never)), 'reconnect.maxAttemps');
  });
});
