/**
 * VmCreator's transactional create against a fake QEMU host reached over
 * libvirt's wire protocol (the shipped fake daemon with an in-memory
 * hypervisor, a real LibvirtConnection, the real VmLifecycleManager): a
 * failure at every step, an abort in flight, a timeout, an outcome libvirt
 * completed after the abort, and undos that fail. Failures are injected in
 * the daemon, per call. The compensation log on its own is in
 * compensation-log.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { VmCreator, getRollbackReport, type CreatorLifecycle, type VmSpec } from '../../../src/creator/index.js';
import { VmLifecycleManager } from '../../../src/lifecycle/index.js';
import { AbortError, AlreadyExistsError, InvalidArgumentError, TimeoutError, UnsupportedError } from '../../../src/errors/index.js';
import {
  DOMAIN_CREATE_WITH_FLAGS,
  DOMAIN_DEFINE_XML_FLAGS,
  DOMAIN_DETACH_DEVICE_FLAGS,
  STORAGE_VOL_CREATE_XML,
  STORAGE_VOL_DELETE,
  STORAGE_VOL_UPLOAD,
  type Procedure,
} from '../../../src/rpc/protocol/index.js';
import { creatorHost, rejection } from './helpers.js';

/** The calls the rollback's order is about. */
const TEARDOWN = ['DOMAIN_DESTROY_FLAGS', 'DOMAIN_SET_AUTOSTART', 'DOMAIN_UNDEFINE_FLAGS', 'STORAGE_VOL_DELETE'];

const FULL: VmSpec = {
  name: 'txn-vm',
  memory: '256MiB',
  disks: [
    { kind: 'new', pool: 'default', size: '1GiB' },
    { kind: 'upload', pool: 'default', source: { data: new Uint8Array(2048), size: 2048 } },
  ],
  networks: [{ network: 'default' }],
  cloudInit: { user: { name: 'ops' }, detach: 'after-first-boot' },
  autostart: true,
  start: true,
};

async function stepsOf(spec: VmSpec): Promise<string[]> {
  const { conn } = await creatorHost();
  const steps: string[] = [];
  await new VmCreator(conn, { hooks: { beforeStep: (s) => void steps.push(s) } }).create(spec);
  return steps;
}

describe('VmCreator.create (fake host over the wire)', () => {
  it('makes volumes, uploads, defines, sets autostart, starts and detaches the seed, in that order', async () => {
    const { conn, hv, calls } = await creatorHost();
    const events: string[] = [];
    const result = await new VmCreator(conn).create(FULL, {
      onProgress: (e) => events.push(e.type === 'step' ? e.step : `${e.type}:${e.bytes}/${e.total}`),
    });
    const seedName = result.created.seed!.name;
    expect(events).toEqual([
      'volume:disks[0]',
      'volume:disks[1]',
      'upload:disks[1]',
      'upload:2048/2048',
      'volume:cloudInit',
      'upload:cloudInit',
      expect.stringMatching(/^upload:\d+\/\d+$/),
      'define',
      'autostart',
      'start',
      'detach-seed',
    ]);
    expect(result.started).toBe(true);
    expect(result.domain.id).toBeGreaterThan(0);
    expect(result.created.volumes.map((v) => [v.name, v.role, v.disk])).toEqual([
      ['txn-vm-disk0.qcow2', 'disk', 0],
      ['txn-vm-disk1.img', 'disk', 1],
    ]);
    expect(result.created.seed).toMatchObject({ role: 'cloud-init', pool: 'default', target: 'sda', detached: true });
    expect(seedName).toMatch(/^txn-vm-cidata-[0-9a-f]{16}\.iso$/);
    expect(hv.domain('txn-vm')).toMatchObject({ state: 'running', autostart: true, id: result.domain.id });
    expect(hv.volumes.size).toBe(3);
    // The daemon received the uploaded bytes, and the seed's detach.
    expect(hv.volumes.get('default/txn-vm-disk1.img')?.data.length).toBe(2048);
    expect(hv.volumes.get(`default/${seedName}`)?.data.length).toBeGreaterThan(0);
    expect(calls()).toContain('DOMAIN_DETACH_DEVICE_FLAGS');
  });

  it('leaves nothing behind when any step fails, and throws the original error with the report', async () => {
    const steps = await stepsOf(FULL);
    expect(steps).toHaveLength(9);
    for (const failing of steps) {
      const { conn, hv } = await creatorHost();
      const injected = new Error(`injected at ${failing}`);
      const creator = new VmCreator(conn, {
        hooks: {
          beforeStep: (s) => {
            if (s === failing) throw injected;
          },
        },
      });
      const error = await rejection(creator.create(FULL));
      expect(error, failing).toBe(injected);
      const report = getRollbackReport(error)!;
      expect(report.complete, failing).toBe(true);
      expect(
        report.undone.map((s) => s.step),
        failing,
      ).toEqual(
        steps
          .slice(0, steps.indexOf(failing))
          .filter((s) => !s.startsWith('upload:') && s !== 'detach-seed')
          .reverse(),
      );
      expect([...hv.domains.keys()], failing).toEqual([]);
      expect([...hv.volumes.keys()], failing).toEqual([]);
    }
  });

  it('destroys, then undefines, then deletes the volumes newest first', async () => {
    const { conn, hv, fail, calls } = await creatorHost();
    fail(DOMAIN_DETACH_DEVICE_FLAGS);
    const error = await rejection(new VmCreator(conn).create(FULL));
    expect(error.message).toContain('injected failure of DOMAIN_DETACH_DEVICE_FLAGS');
    const all = calls();
    const after = all.slice(all.indexOf('DOMAIN_DETACH_DEVICE_FLAGS') + 1);
    expect(after.filter((c) => TEARDOWN.includes(c))).toEqual([
      'DOMAIN_DESTROY_FLAGS',
      'DOMAIN_SET_AUTOSTART',
      'DOMAIN_UNDEFINE_FLAGS',
      'STORAGE_VOL_DELETE',
      'STORAGE_VOL_DELETE',
      'STORAGE_VOL_DELETE',
    ]);
    // Newest first: the seed, then disks[1], then disks[0].
    expect(calls({ only: ['STORAGE_VOL_DELETE'], target: true }).map((c) => c.replace(/cidata-[0-9a-f]+/, 'cidata'))).toEqual([
      'STORAGE_VOL_DELETE:default/txn-vm-cidata.iso',
      'STORAGE_VOL_DELETE:default/txn-vm-disk1.img',
      'STORAGE_VOL_DELETE:default/txn-vm-disk0.qcow2',
    ]);
    expect(hv.domains.size + hv.volumes.size).toBe(0);
  });

  it('rolls back when the signal aborts an upload in flight', async () => {
    const { conn, hv, hang } = await creatorHost();
    const controller = new AbortController();
    hang(STORAGE_VOL_UPLOAD, { onArrival: () => controller.abort() }); // aborted while the daemon holds the call
    const error = await rejection(new VmCreator(conn).create(FULL, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:disks[1]' }, { step: 'volume:disks[0]' }] });
    expect(hv.volumes.size).toBe(0);
  });

  it('uploads sparse: zero blocks travel as holes and the volume reads back the same bytes', async () => {
    const { conn, hv, calls } = await creatorHost();
    const data = Buffer.alloc(256 * 1024);
    data.fill(7, 64 * 1024, 64 * 1024 + 10); // one block of data between zeros, a trailing hole
    const progress: number[] = [];
    const spec: VmSpec = {
      name: 'sparse-vm',
      memory: '64MiB',
      disks: [{ kind: 'upload', pool: 'default', source: { data, size: data.length }, onProgress: (p) => progress.push(p.bytes) }],
    };
    await new VmCreator(conn).create(spec);
    expect(hv.volumes.get('default/sparse-vm-disk0.img')?.data.equals(data)).toBe(true);
    expect(calls()).toContain('STORAGE_VOL_UPLOAD');
    // One step per chunk sent: the leading 64 KiB hole, the 64 KiB data block, the trailing 128 KiB hole. A plain
    // upload sends the buffer as one chunk: [262144].
    expect(progress).toEqual([65536, 131072, 262144]);
  });

  it('fails an upload whose source yields another size than declared, leaving nothing behind', async () => {
    for (const [given, size] of [
      [Buffer.alloc(100, 1), 50],
      [Buffer.alloc(100, 1), 200],
      [Buffer.alloc(100), 200],
    ] as const) {
      for (const sparse of [true, false]) {
        const { conn, hv } = await creatorHost();
        const spec: VmSpec = {
          name: 'size-vm',
          memory: '64MiB',
          disks: [{ kind: 'upload', pool: 'default', sparse, source: { data: [given], size } }],
        };
        const error = await rejection(new VmCreator(conn).create(spec));
        expect(error, `${size} sparse ${sparse}`).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).path).toBe('disks[0].source.data');
        expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:disks[0]', outcome: 'undone' }] });
        expect(hv.volumes.size).toBe(0);
      }
    }
  });

  it('turns an elapsed timeout into a TimeoutError, rolled back', async () => {
    const { conn, hv, hang } = await creatorHost();
    hang(DOMAIN_CREATE_WITH_FLAGS);
    const error = await rejection(new VmCreator(conn).create(FULL, { timeout: 300 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(300);
    expect(getRollbackReport(error)?.complete).toBe(true);
    expect(hv.domains.size + hv.volumes.size).toBe(0);
  });

  it('finds and removes what libvirt made although the call was aborted (by UUID, by volume name)', async () => {
    for (const procedure of [DOMAIN_DEFINE_XML_FLAGS, STORAGE_VOL_CREATE_XML] as Procedure<unknown, unknown>[]) {
      const { conn, hv, hang } = await creatorHost();
      const controller = new AbortController();
      // The daemon makes the domain (or volume) but its reply never comes; the caller gives up.
      hang(procedure, { completeAnyway: true, onArrival: () => controller.abort() });
      const error = await rejection(new VmCreator(conn).create(FULL, { signal: controller.signal }));
      expect(error, procedure.name).toBeInstanceOf(AbortError);
      const report = getRollbackReport(error)!;
      expect(report.undone[0], procedure.name).toMatchObject({ uncertain: true, outcome: 'undone' });
      expect(hv.domains.size + hv.volumes.size, procedure.name).toBe(0);
    }
  });

  it('reports undos that fail, still throwing the original error', async () => {
    const { conn, hv, fail } = await creatorHost();
    fail(DOMAIN_DEFINE_XML_FLAGS);
    fail(STORAGE_VOL_DELETE, { code: 38, message: 'disk busy' }); // the rollback's first delete
    const error = await rejection(new VmCreator(conn).create(FULL));
    expect(error.message).toContain('injected failure of DOMAIN_DEFINE_XML_FLAGS');
    const report = getRollbackReport(error)!;
    expect(report.complete).toBe(false);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.step).toBe('volume:cloudInit');
    expect(report.undone.map((s) => s.step)).toEqual(['volume:disks[1]', 'volume:disks[0]']);
    expect(hv.volumes.size).toBe(1);
  });

  it('gives a clear UnsupportedError when the driver cannot upload, and rolls back', async () => {
    const { conn, hv } = await creatorHost({ upload: false });
    const error = await rejection(
      new VmCreator(conn).create({ name: 'vm2', memory: '64MiB', disks: [{ kind: 'new', pool: 'default', size: 1 << 20 }], cloudInit: {} }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain('cloud-init seed needs volume upload');
    expect(getRollbackReport(error)?.undone.map((s) => s.step)).toEqual(['volume:cloudInit', 'volume:disks[0]']);
    expect(hv.volumes.size).toBe(0);
  });

  it('refuses a taken domain name or volume name before making anything', async () => {
    const { conn, hv, settledCalls, mark } = await creatorHost();
    await new VmCreator(conn).create({
      name: 'taken',
      memory: '64MiB',
      disks: [{ kind: 'new', pool: 'default', size: 1 << 20, name: 'shared.qcow2' }],
    });
    mark();
    const byName = await rejection(new VmCreator(conn).create({ name: 'taken', memory: '64MiB' }));
    expect(byName).toBeInstanceOf(AlreadyExistsError);
    expect(getRollbackReport(byName)).toBeUndefined();
    const byVolume = await rejection(
      new VmCreator(conn).create({
        name: 'other',
        memory: '64MiB',
        disks: [{ kind: 'new', pool: 'default', size: 1 << 20, name: 'shared.qcow2' }],
      }),
    );
    expect(byVolume).toBeInstanceOf(AlreadyExistsError);
    expect((byVolume as AlreadyExistsError).objectType).toBe('volume');
    expect(await settledCalls({ only: ['STORAGE_VOL_CREATE_XML', 'DOMAIN_DEFINE_XML_FLAGS'] })).toEqual([]);
    expect([...hv.domains.keys()]).toEqual(['taken']);
  });

  it('sends nothing for an invalid spec or an aborted signal', async () => {
    const { conn, settledCalls } = await creatorHost();
    expect(await rejection(new VmCreator(conn).create({ name: 'a/b', memory: '1GiB' }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(new VmCreator(conn).create(FULL, { signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
    expect(await settledCalls()).toEqual([]);
  });

  it('sets autostart, starts and powers off through the lifecycle manager it is given', async () => {
    const { conn, hv, fail, calls } = await creatorHost();
    const log: string[] = [];
    // A stand-in lifecycle that acts on the hypervisor directly, so any start or autostart call on the wire was the creator's own.
    const own: CreatorLifecycle = {
      start: async (vm) =>
        void (log.push(`start ${vm.name}`), Object.assign(hv.domain(vm.name), { state: 'running', id: hv.nextDomainId() })),
      forceOff: async (vm) => void (log.push(`forceOff ${vm.name}`), Object.assign(hv.domain(vm.name), { state: 'shutoff', id: -1 })),
      setAutostart: async (vm) => void log.push(`setAutostart ${vm.name}`),
    };
    fail(DOMAIN_DETACH_DEVICE_FLAGS);
    await rejection(new VmCreator(conn, { lifecycle: own }).create(FULL));
    // Autostart set, the VM started; rolled back in reverse: powered off, autostart cleared.
    expect(log).toEqual(['setAutostart txn-vm', 'start txn-vm', 'forceOff txn-vm', 'setAutostart txn-vm']);
    expect(calls()).not.toContain('DOMAIN_CREATE_WITH_FLAGS');
    expect(calls()).not.toContain('DOMAIN_DESTROY_FLAGS');
    expect(calls()).not.toContain('DOMAIN_SET_AUTOSTART');
    expect(hv.domains.size).toBe(0);
  });

  it('takes a VmLifecycleManager as its lifecycle, and makes one when given none', async () => {
    for (const given of [true, false]) {
      const { conn, hv, received } = await creatorHost();
      const creator = new VmCreator(conn, given ? { lifecycle: new VmLifecycleManager(conn) } : {});
      const result = await creator.create({ name: 'lc-vm', memory: '64MiB', autostart: true, start: true });
      expect(result.started, `given: ${given}`).toBe(true);
      expect(hv.domain('lc-vm'), `given: ${given}`).toMatchObject({ state: 'running', autostart: true });
      // What only the lifecycle manager does: read autostart before setting it, read the state (its guard) and
      // register for lifecycle events before it sends the start, so the confirming event cannot be missed.
      const calls = received();
      const names = calls.map((c) => c.name);
      const define = names.indexOf('DOMAIN_DEFINE_XML_FLAGS');
      const start = names.indexOf('DOMAIN_CREATE_WITH_FLAGS');
      expect(names.slice(define, names.indexOf('DOMAIN_SET_AUTOSTART')), `given: ${given}`).toContain('DOMAIN_GET_AUTOSTART');
      expect(names.slice(names.indexOf('DOMAIN_SET_AUTOSTART'), start), `given: ${given}`).toEqual(
        expect.arrayContaining(['DOMAIN_GET_STATE', 'CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY']),
      );
      expect(calls[start]!.callbacks, `given: ${given}`).toBe(1);
    }
  });

  it('logs steps and rollbacks without secrets', async () => {
    const { conn, fail } = await creatorHost();
    const lines: string[] = [];
    const logger = Object.fromEntries(
      ['debug', 'info', 'warn', 'error'].map((level) => [
        level,
        (fields: unknown, message: string) =>
          lines.push(`${level} ${message} ${JSON.stringify(fields, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`),
      ]),
    );
    const secret = 'Sekret-Passw0rd';
    const spec: VmSpec = {
      ...FULL,
      graphics: { type: 'spice', password: secret }, // SPICE: VNC passwords are at most 8 bytes
      cloudInit: { user: { name: 'ops', plainPassword: secret } },
    };
    fail(DOMAIN_DETACH_DEVICE_FLAGS);
    await new VmCreator(conn, { logger })
      .create({ ...spec, cloudInit: { ...spec.cloudInit, detach: 'after-first-boot' } })
      .catch(() => undefined);
    expect(lines.some((l) => l.startsWith('info creating VM'))).toBe(true);
    expect(lines.some((l) => l.startsWith('warn create failed; rolled back'))).toBe(true);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('previews the XML without making anything', async () => {
    const { conn, calls } = await creatorHost();
    const xml = await new VmCreator(conn).buildXml(FULL);
    expect(xml).toContain('<name>txn-vm</name>');
    expect(calls().filter((c) => /CREATE|DEFINE|UPLOAD/.test(c))).toEqual([]);
    expect(calls()).toContain('CONNECT_GET_CAPABILITIES'); // it did ask the host
  });
});
