/**
 * VmCreator's transactional create against an in-memory fake connection: a
 * failure at every step, an abort in flight, a timeout, an outcome libvirt
 * completed after the abort, and undos that fail. The compensation log on its
 * own is in compensation-log.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { VmCreator, getRollbackReport, type CreatorLifecycle, type VmSpec } from '../../../src/creator/index.js';
import { VmLifecycleManager } from '../../../src/lifecycle/index.js';
import { AbortError, AlreadyExistsError, InvalidArgumentError, TimeoutError, UnsupportedError } from '../../../src/errors/index.js';
import { fakeConnection, rejection, virError } from './helpers.js';

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
  const { conn, lifecycle } = fakeConnection();
  const steps: string[] = [];
  await new VmCreator(conn, { lifecycle, hooks: { beforeStep: (s) => void steps.push(s) } }).create(spec);
  return steps;
}

describe('VmCreator.create (fake connection)', () => {
  it('makes volumes, uploads, defines, sets autostart, starts and detaches the seed, in that order', async () => {
    const { conn, lifecycle, state } = fakeConnection();
    const events: string[] = [];
    const result = await new VmCreator(conn, { lifecycle }).create(FULL, { onProgress: (e) => events.push(e.type === 'step' ? e.step : `${e.type}:${e.bytes}/${e.total}`) });
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
    expect(state.domains.get('txn-vm')).toMatchObject({ active: true, autostart: true });
    expect(state.volumes.size).toBe(3);
    expect(state.calls).toContain('control.detachDevice');
  });

  it('leaves nothing behind when any step fails, and throws the original error with the report', async () => {
    const steps = await stepsOf(FULL);
    expect(steps).toHaveLength(9);
    for (const failing of steps) {
      const { conn, lifecycle, state } = fakeConnection();
      const injected = new Error(`injected at ${failing}`);
      const creator = new VmCreator(conn, { lifecycle, hooks: { beforeStep: (s) => { if (s === failing) throw injected; } } });
      const error = await rejection(creator.create(FULL));
      expect(error, failing).toBe(injected);
      const report = getRollbackReport(error)!;
      expect(report.complete, failing).toBe(true);
      expect(report.undone.map((s) => s.step), failing).toEqual(steps.slice(0, steps.indexOf(failing)).filter((s) => !s.startsWith('upload:') && s !== 'detach-seed').reverse());
      expect([...state.domains.keys()], failing).toEqual([]);
      expect([...state.volumes.keys()], failing).toEqual([]);
    }
  });

  it('destroys, then undefines, then deletes the volumes newest first', async () => {
    const { conn, lifecycle, state, fail } = fakeConnection();
    fail('control.detachDevice');
    const error = await rejection(new VmCreator(conn, { lifecycle }).create(FULL));
    expect(error.message).toContain('injected failure of control.detachDevice');
    const after = state.calls.slice(state.calls.indexOf('control.detachDevice') + 1);
    expect(after.filter((c) => c.startsWith('control.') || c === 'volumes.delete' || c === 'domains.setAutostart')).toEqual([
      'control.forceOff',
      'domains.setAutostart',
      'control.undefine',
      'volumes.delete',
      'volumes.delete',
      'volumes.delete',
    ]);
    expect(state.domains.size + state.volumes.size).toBe(0);
  });

  it('rolls back when the signal aborts an upload in flight', async () => {
    const { conn, lifecycle, state, hang } = fakeConnection();
    hang('volumes.upload');
    const controller = new AbortController();
    const pending = new VmCreator(conn, { lifecycle }).create(FULL, { signal: controller.signal, onProgress: (e) => { if (e.type === 'step' && e.step.startsWith('upload:')) setTimeout(() => controller.abort(), 5); } });
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(AbortError);
    expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:disks[1]' }, { step: 'volume:disks[0]' }] });
    expect(state.volumes.size).toBe(0);
  });

  it('turns an elapsed timeout into a TimeoutError, rolled back', async () => {
    const { conn, lifecycle, state, hang } = fakeConnection();
    hang('control.start');
    const error = await rejection(new VmCreator(conn, { lifecycle }).create(FULL, { timeout: 50 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe(50);
    expect(getRollbackReport(error)?.complete).toBe(true);
    expect(state.domains.size + state.volumes.size).toBe(0);
  });

  it('finds and removes what libvirt made although the call was aborted (by UUID, by volume name)', async () => {
    for (const method of ['control.define', 'volumes.create']) {
      const { conn, lifecycle, state, hang } = fakeConnection();
      hang(method, true);
      const controller = new AbortController();
      const pending = new VmCreator(conn, { lifecycle }).create(FULL, { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const error = await rejection(pending);
      expect(error, method).toBeInstanceOf(AbortError);
      const report = getRollbackReport(error)!;
      expect(report.undone[0], method).toMatchObject({ uncertain: true, outcome: 'undone' });
      expect(state.domains.size + state.volumes.size, method).toBe(0);
    }
  });

  it('reports undos that fail, still throwing the original error', async () => {
    const { conn, lifecycle, state, fail } = fakeConnection();
    fail('control.define');
    const creator = new VmCreator(conn, { lifecycle, hooks: { beforeStep: (s) => { if (s === 'define') fail('volumes.delete', virError(38, 'disk busy')); } } });
    const error = await rejection(creator.create(FULL));
    expect(error.message).toContain('injected failure of control.define');
    const report = getRollbackReport(error)!;
    expect(report.complete).toBe(false);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.step).toBe('volume:cloudInit');
    expect(report.undone.map((s) => s.step)).toEqual(['volume:disks[1]', 'volume:disks[0]']);
    expect(state.volumes.size).toBe(1);
  });

  it('gives a clear UnsupportedError when the driver cannot upload, and rolls back', async () => {
    const { conn, lifecycle, state } = fakeConnection({ upload: false });
    const error = await rejection(new VmCreator(conn, { lifecycle }).create({ name: 'vm2', memory: '64MiB', disks: [{ kind: 'new', pool: 'default', size: 1 << 20 }], cloudInit: {} }));
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain('cloud-init seed needs volume upload');
    expect(getRollbackReport(error)?.undone.map((s) => s.step)).toEqual(['volume:cloudInit', 'volume:disks[0]']);
    expect(state.volumes.size).toBe(0);
  });

  it('refuses a taken domain name or volume name before making anything', async () => {
    const { conn, lifecycle, state } = fakeConnection();
    await new VmCreator(conn, { lifecycle }).create({ name: 'taken', memory: '64MiB', disks: [{ kind: 'new', pool: 'default', size: 1 << 20, name: 'shared.qcow2' }] });
    const calls = state.calls.length;
    const byName = await rejection(new VmCreator(conn, { lifecycle }).create({ name: 'taken', memory: '64MiB' }));
    expect(byName).toBeInstanceOf(AlreadyExistsError);
    expect(getRollbackReport(byName)).toBeUndefined();
    const byVolume = await rejection(new VmCreator(conn, { lifecycle }).create({ name: 'other', memory: '64MiB', disks: [{ kind: 'new', pool: 'default', size: 1 << 20, name: 'shared.qcow2' }] }));
    expect(byVolume).toBeInstanceOf(AlreadyExistsError);
    expect((byVolume as AlreadyExistsError).objectType).toBe('volume');
    expect(state.calls.slice(calls).filter((c) => c === 'volumes.create' || c === 'control.define')).toEqual([]);
    expect([...state.domains.keys()]).toEqual(['taken']);
  });

  it('sends nothing for an invalid spec or an aborted signal', async () => {
    const { conn, lifecycle, state } = fakeConnection();
    expect(await rejection(new VmCreator(conn, { lifecycle }).create({ name: 'a/b', memory: '1GiB' }))).toBeInstanceOf(InvalidArgumentError);
    expect(await rejection(new VmCreator(conn, { lifecycle }).create(FULL, { signal: AbortSignal.abort() }))).toBeInstanceOf(AbortError);
    expect(state.calls).toEqual([]);
  });

  it('sets autostart, starts and powers off through the lifecycle manager it is given', async () => {
    const { conn, state, fail } = fakeConnection();
    const calls: string[] = [];
    const own: CreatorLifecycle = {
      start: async (vm) => void (calls.push(`start ${vm.name}`), (state.domains.get(vm.name)!.active = true)),
      forceOff: async (vm) => void (calls.push(`forceOff ${vm.name}`), (state.domains.get(vm.name)!.active = false)),
      setAutostart: async (vm) => void calls.push(`setAutostart ${vm.name}`),
    };
    fail('control.detachDevice');
    await rejection(new VmCreator(conn, { lifecycle: own }).create(FULL));
    // Autostart set, the VM started; rolled back in reverse: powered off, autostart cleared.
    expect(calls).toEqual(['setAutostart txn-vm', 'start txn-vm', 'forceOff txn-vm', 'setAutostart txn-vm']);
    expect(state.calls).not.toContain('control.start');
    expect(state.calls).not.toContain('domains.setAutostart');
    expect(state.domains.size).toBe(0);
  });

  it('takes a VmLifecycleManager as its lifecycle (it is the default)', () => {
    const { conn } = fakeConnection();
    const manager: CreatorLifecycle = new VmLifecycleManager(conn);
    expect(() => new VmCreator(conn, { lifecycle: manager })).not.toThrow();
    expect(() => new VmCreator(conn)).not.toThrow();
  });

  it('logs steps and rollbacks without secrets', async () => {
    const { conn, lifecycle, fail } = fakeConnection();
    const lines: string[] = [];
    const logger = Object.fromEntries(['debug', 'info', 'warn', 'error'].map((level) => [level, (fields: unknown, message: string) => lines.push(`${level} ${message} ${JSON.stringify(fields, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`)]));
    const secret = 'Sekret-Passw0rd';
    const spec: VmSpec = { ...FULL, graphics: { type: 'vnc', password: secret }, cloudInit: { user: { name: 'ops', plainPassword: secret }, writeFiles: undefined } as VmSpec['cloudInit'] };
    fail('control.detachDevice');
    await new VmCreator(conn, { lifecycle, logger }).create({ ...spec, cloudInit: { ...spec.cloudInit, detach: 'after-first-boot' } }).catch(() => undefined);
    expect(lines.some((l) => l.startsWith('info creating VM'))).toBe(true);
    expect(lines.some((l) => l.startsWith('warn create failed; rolled back'))).toBe(true);
    expect(lines.join('\n')).not.toContain(secret);
  });

  it('previews the XML without making anything', async () => {
    const { conn, lifecycle, state } = fakeConnection();
    const xml = await new VmCreator(conn, { lifecycle }).buildXml(FULL);
    expect(xml).toContain('<name>txn-vm</name>');
    expect(state.calls.filter((c) => /create|define|upload|start/.test(c))).toEqual([]);
  });
});
