/**
 * Misspelled spec fields and option keys on the test driver
 * (test+unix:///default): `createVm` with `vcpu`, `disk`,
 * `networks[0].modle` or a nested unknown key, `attachDisk`/`attachNic` with
 * one, `LibvirtManager.connect` with `timeout`, and `shutdownVm` with
 * `timout` and `destroyVm` with `storag` are each refused with `InvalidArgumentError` naming the key (and
 * what it was probably meant to be), with nothing created or changed; the
 * CLI's `create typo.yaml` exits 2 naming the field.
 *
 * One connection stays open for the whole file: the test driver forgets
 * everything once its last client disconnects, so "nothing was created" can
 * be read after the CLI's own connection closed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtManager, type VmSpec } from '../../../src/index.js';
import { TEST_URI, testDomainXml } from '../../helpers/libvirt.js';
import { cli } from '../cli/run-cli.js';
import { ownObjects, rejection } from './helpers.js';

const POOL = 'default-pool';
let holder: LibvirtConnection;
let manager: LibvirtManager;
let dir: string;
const own = ownObjects(TEST_URI, 'strict', POOL);
const { name, inventory } = own;

beforeAll(async () => {
  holder = await LibvirtConnection.connect(TEST_URI);
  manager = await LibvirtManager.connect(TEST_URI);
  dir = mkdtempSync(join(tmpdir(), 'lvm-strict-'));
});

afterAll(async () => {
  await manager?.close();
  own.remove();
  await holder?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('createVm refuses unknown spec fields before anything is made', () => {
  const disk = { kind: 'new', pool: POOL, size: '64MiB' } as const;
  it.each([
    ['vcpu', { vcpu: 4 }, "unknown field 'vcpu' (did you mean 'vcpus'?)"],
    ['disk', { disk: [disk] }, "unknown field 'disk' (did you mean 'disks'?)"],
    ['bogusField', { bogusField: 1, disks: [disk] }, "unknown field 'bogusField'"],
    ['networks[0].modle', { disks: [disk], networks: [{ network: 'default', modle: 'e1000' }] }, "(did you mean 'model'?)"],
    ['disks[0].sise', { disks: [{ ...disk, sise: '1GiB' }] }, "(did you mean 'size'?)"],
    ['disks[0].encryption.formt', { disks: [{ ...disk, encryption: { format: 'luks', formt: 'x' } }] }, "(did you mean 'format'?)"],
    ['cpu.topology.die', { vcpus: 2, cpu: { topology: { sockets: 1, cores: 2, threads: 1, die: 1 } } }, "(did you mean 'dies'?)"],
    ['cloudInit.user.sudoo', { disks: [disk], cloudInit: { user: { name: 'ops', sudoo: true } } }, "(did you mean 'sudo'?)"],
    ['graphics.lisen', { graphics: { type: 'vnc', lisen: '0.0.0.0' } }, "(did you mean 'listen'?)"],
  ])('%s', async (path, extra, message) => {
    const vm = name('spec');
    const before = inventory();
    const error = await rejection(manager.createVm({ name: vm, memory: '128MiB', ...extra } as unknown as VmSpec));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path });
    expect((error as Error).message).toContain(message);
    expect(inventory()).toEqual(before);
    expect(inventory().domains).not.toContain(vm);
  });

  it('a valid spec with every section still creates (no known key is refused)', async () => {
    const vm = name('ok');
    const result = await manager.createVm({
      name: vm,
      memory: '128MiB',
      vcpus: 2,
      disks: [{ ...disk, bus: 'virtio', discard: 'unmap' }],
      networks: [{ network: 'default', model: 'e1000', mtu: 1500 }],
      boot: { menu: false },
      defaultDevices: { guestAgent: true, tablet: false },
      serialConsole: { logAppend: false },
      overrides: { devicesXml: [] },
    });
    expect(result.domain.name).toBe(vm);
  });
});

describe('device attaches refuse unknown spec fields before the volume is made', () => {
  it('attachDisk (disk.sise) and attachNic (nic.modle)', async () => {
    const vm = name('att');
    await holder.domains.control.define(testDomainXml(vm));
    const before = inventory();
    const diskError = await rejection(manager.attachDisk(vm, { kind: 'new', pool: POOL, size: '64MiB', sise: 1 } as never));
    expect(diskError).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'disk.sise' });
    expect((diskError as Error).message).toContain("did you mean 'size'?");
    const nicError = await rejection(manager.attachNic(vm, { network: 'default', modle: 'e1000' } as never));
    expect(nicError).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'nic.modle' });
    expect(inventory()).toEqual(before);
  });
});

describe('options bags refuse unknown keys before anything is sent', () => {
  it('LibvirtManager.connect({ timeout }) names connectTimeout and defaultTimeout; nothing is dialed', async () => {
    const error = await rejection(LibvirtManager.connect(TEST_URI, { timeout: -5 } as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT', path: 'timeout' });
    expect((error as Error).message).toBe("unknown option 'timeout' (did you mean 'defaultTimeout' or 'connectTimeout'?)");
    const nested = await rejection(LibvirtManager.connect(TEST_URI, { lifecycle: { pollIntervall: 100 } } as never));
    expect(nested).toMatchObject({ path: 'lifecycle.pollIntervall' });
    const conn = await rejection(LibvirtConnection.connect(TEST_URI, { timout: 5 } as never));
    expect(conn).toMatchObject({ path: 'timout' });
    expect((conn as Error).message).toContain("did you mean 'timeout'?");
  });

  it("shutdownVm(vm, { timout }) is refused and the VM keeps running; lifecycle.start's own keys too", async () => {
    const vm = name('opt');
    const ref = await holder.domains.control.define(testDomainXml(vm));
    const error = await rejection(manager.startVm(vm, { pausd: true } as never));
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_ARGUMENT', path: 'pausd' });
    expect((error as Error).message).toContain("did you mean 'paused'?");
    expect((await holder.domains.getState(ref)).state).toBe('shutoff');
    await manager.startVm(vm);
    const shutdown = await rejection(manager.shutdownVm(vm, { timout: 5 } as never));
    expect(shutdown).toBeInstanceOf(InvalidArgumentError);
    expect(shutdown).toMatchObject({ path: 'timout' });
    expect((shutdown as Error).message).toBe("unknown option 'timout' (did you mean 'timeout'?)");
    const direct = await rejection(manager.lifecycle.shutdown(vm, { onTimout: 'throw' } as never));
    expect(direct).toMatchObject({ path: 'onTimout' });
    const destroy = await rejection(manager.destroyVm(vm, { storag: 'none' } as never));
    expect((destroy as Error).message).toBe("unknown option 'storag' (did you mean 'storage'?)");
    expect((await holder.domains.getState(ref)).state).toBe('running');
  });
});

describe('CLI create', () => {
  it('typo.yaml exits 2 naming the field, and leaves no domain and no volume', async () => {
    const vm = name('cli');
    const spec = join(dir, 'typo.yaml');
    writeFileSync(
      spec,
      `name: ${vm}\nmemory: 256MiB\nvcpu: 4\ndisk: [{kind: new, pool: ${POOL}, size: 1GiB}]\nnetworks: [{network: default, modle: e1000}]\n`,
    );
    const before = inventory();
    const human = await cli(['create', spec, '--uri', TEST_URI]);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain("vcpu: unknown field 'vcpu' (did you mean 'vcpus'?)");

    writeFileSync(spec, `name: ${vm}\nmemory: 256MiB\nvcpus: 4\nnetworks: [{network: default, modle: e1000}]\n`);
    const machine = await cli(['create', spec, '--json', '--uri', TEST_URI]);
    expect(machine.code).toBe(2);
    expect(JSON.parse(machine.stderr)).toMatchObject({
      error: { name: 'InvalidArgumentError', code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'networks[0].modle', exitCode: 2 },
    });
    expect(inventory()).toEqual(before);
  });
});
