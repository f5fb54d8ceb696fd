/**
 * A spec with several mistakes, on the test driver (test+unix:///default):
 * `createVm` refuses it with every problem (`issues`) before a single RPC
 * call goes out (counted on the `libvirt-manager:rpc:call` channel) and
 * with nothing created; `attachDisk` reports every problem of its disk under
 * `disk`; the CLI's `create` and `attach-disk` print them one a line and exit 2.
 *
 * One connection stays open for the whole file: the test driver forgets
 * everything once its last client disconnects, so "nothing was created" can
 * be read after the CLI's own connection closed.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_CALL_CHANNEL, type RpcCallMessage } from '../../../src/observability/index.js';
import { InvalidArgumentError, LibvirtConnection, LibvirtManager, type VmSpec } from '../../../src/index.js';
import { TEST_URI, testDomainXml } from '../../helpers/libvirt.js';
import { cli } from '../cli/run-cli.js';
import { ownObjects, rejection } from './helpers.js';

const POOL = 'default-pool';
let holder: LibvirtConnection;
let manager: LibvirtManager;
let dir: string;
const own = ownObjects(TEST_URI, 'issues', POOL);
const { name, inventory } = own;

/** The names of the RPC calls made while `run` runs (this worker's connections only: no other test shares them). */
async function callsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  const channel = tracingChannel<unknown, RpcCallMessage & object>(RPC_CALL_CHANNEL);
  const handlers = {
    start: (message: RpcCallMessage & object) => void calls.push(message.name),
    end: () => undefined,
    asyncStart: () => undefined,
    asyncEnd: () => undefined,
    error: () => undefined,
  };
  channel.subscribe(handlers);
  try {
    await run();
  } finally {
    channel.unsubscribe(handlers);
  }
  return calls;
}

beforeAll(async () => {
  holder = await LibvirtConnection.connect(TEST_URI);
  manager = await LibvirtManager.connect(TEST_URI);
  dir = mkdtempSync(join(tmpdir(), 'lvm-issues-'));
});

afterAll(async () => {
  await manager?.close();
  own.remove();
  await holder?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('createVm with several mistakes', () => {
  it('is refused with all of them, before any call is sent, with nothing created', async () => {
    const vm = name('vm');
    const before = inventory();
    let error: unknown;
    const calls = await callsDuring(async () => {
      error = await rejection(
        manager.createVm({
          name: vm,
          memory: '128MiB',
          vcpu: 2,
          disks: [
            { kind: 'new', pool: POOL, size: '0' },
            { kind: 'new', pool: POOL, size: '64MiB' },
          ],
          networks: [{ network: 'default', mtu: 9 }],
          graphics: { type: 'vnc', port: 99999 },
          cloudInit: { user: { name: 'Ops' } },
        } as unknown as VmSpec),
      );
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const refusal = error as InvalidArgumentError;
    expect(refusal).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'vcpu' });
    expect(refusal.issues.map((i) => i.path)).toEqual(['vcpu', 'disks[0].size', 'networks[0].mtu', 'graphics.port', 'cloudInit.user.name']);
    expect(refusal.message.split('\n')).toEqual(refusal.issues.map((i) => i.message));
    expect(calls).toEqual([]);
    expect(inventory()).toEqual(before);
  });

  it('the same spec, fixed, is created (the checks that found the mistakes accept it), and its calls are seen', async () => {
    const vm = name('fixed');
    let created = '';
    const calls = await callsDuring(async () => {
      const result = await manager.createVm({
        name: vm,
        memory: '128MiB',
        vcpus: 2,
        disks: [{ kind: 'new', pool: POOL, size: '64MiB' }],
        networks: [{ network: 'default', mtu: 1500 }],
        graphics: { type: 'vnc', port: -1 },
        // No cloudInit: the test driver cannot upload a seed (virStorageVolUpload).
      });
      created = result.domain.name;
    });
    expect(created).toBe(vm);
    // The channel does see this worker's calls: the empty list above is no accident of the subscription.
    expect(calls).toContain('DOMAIN_DEFINE_XML_FLAGS');
  });
});

describe('attachDisk with several mistakes', () => {
  it('reports each under `disk`, and makes no volume', async () => {
    const vm = name('att');
    await holder.domains.control.define(testDomainXml(vm));
    const before = inventory();
    const error = await rejection(manager.attachDisk(vm, { kind: 'new', pool: POOL, size: 0, bus: 'floppy', sise: 1 } as never));
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'disk.sise' });
    expect((error as InvalidArgumentError).issues.map((i) => i.message)).toEqual([
      "disk.sise: unknown field 'sise' (did you mean 'size'?)",
      'disk.bus: must be one of virtio, scsi, sata, ide, usb',
      'disk.size: must be greater than zero',
    ]);
    expect(inventory()).toEqual(before);
  });
});

describe('CLI create with several mistakes', () => {
  it('prints every problem, one a line, and exits 2 (also with --json)', async () => {
    const vm = name('cli');
    const spec = join(dir, 'mistakes.yaml');
    writeFileSync(spec, `name: ${vm}\nmemory: 256MiB\nvcpu: 4\nnetworks: [{network: default, modle: e1000, mtu: 9}]\n`);
    const before = inventory();
    const human = await cli(['create', spec, '--uri', TEST_URI]);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr.trimEnd().split('\n')).toEqual([
      'libvirt-manager: InvalidArgumentError: 3 problems:',
      "  vcpu: unknown field 'vcpu' (did you mean 'vcpus'?)",
      "  networks[0].modle: unknown field 'modle' (did you mean 'model'?)",
      '  networks[0].mtu: must be an integer from 68 to 65535',
    ]);
    const machine = await cli(['create', spec, '--json', '--uri', TEST_URI]);
    expect(machine.code).toBe(2);
    const json = JSON.parse(machine.stderr) as { error: { path: string; issues: { path: string }[] } };
    expect(json.error.path).toBe('vcpu');
    expect(json.error.issues.map((i) => i.path)).toEqual(['vcpu', 'networks[0].modle', 'networks[0].mtu']);
    expect(inventory()).toEqual(before);
  });

  it('attach-disk with a disk spec file: every problem under `disk`, exit 2, no volume', async () => {
    const vm = name('cli-att');
    await holder.domains.control.define(testDomainXml(vm));
    const file = join(dir, 'disk.yaml');
    writeFileSync(file, `kind: new\npool: ${POOL}\nsize: 0\nbus: floppy\n`);
    const before = inventory();
    const run = await cli(['attach-disk', vm, file, '--uri', TEST_URI]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'libvirt-manager: InvalidArgumentError: 2 problems:',
      '  disk.bus: must be one of virtio, scsi, sata, ide, usb',
      '  disk.size: must be greater than zero',
    ]);
    expect(inventory()).toEqual(before);
  });
});
