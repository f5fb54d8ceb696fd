/**
 * The CLI as a subprocess against the test driver (`test+unix:///default`):
 * create from YAML and JSON, `list` / `get --json` checked against virsh,
 * start / shutdown / force-off / destroy, `wait --state`, `events` as NDJSON
 * until SIGINT, exit codes, and a bad spec that exits 2 with the field's path
 * and leaves nothing behind. The test driver forgets everything once its last
 * connection closes, so this file holds one open for the whole run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/index.js';
import { TEST_URI, testDomainXml, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { cli, cliJson, startCli } from './run-cli.js';

const POOL = 'default-pool';
const U = ['--uri', TEST_URI];
let holder: LibvirtConnection;
let dir: string;
const names: string[] = [];

function name(prefix: string): string {
  const n = uniqueName(`cli-${prefix}`);
  names.push(n);
  return n;
}

/** `virsh list --all` as name → state ('running', 'shut off'…). */
function virshList(): Map<string, { id: string; state: string }> {
  const rows = new Map<string, { id: string; state: string }>();
  for (const line of virsh(TEST_URI, 'list', '--all').split('\n')) {
    const m = /^\s*(\S+)\s+(\S+)\s+(.+?)\s*$/.exec(line);
    if (m !== null) rows.set(m[2]!, { id: m[1]!, state: m[3]! });
  }
  return rows;
}

/** `virsh dominfo` as key → value. */
function dominfo(vm: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of virsh(TEST_URI, 'dominfo', vm).split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function volumes(): string[] {
  return virsh(TEST_URI, 'vol-list', '--pool', POOL)
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

/** virsh's state names as the SDK's. */
const STATE: Record<string, string> = { running: 'running', 'shut off': 'shutoff', paused: 'paused' };

beforeAll(async () => {
  holder = await LibvirtConnection.connect(TEST_URI);
  dir = mkdtempSync(join(tmpdir(), 'lvm-cli-'));
});

afterAll(async () => {
  for (const n of names) {
    virshQuiet(TEST_URI, 'destroy', n);
    virshQuiet(TEST_URI, 'undefine', n, '--snapshots-metadata');
  }
  for (const v of volumes()) if (names.some((n) => v.startsWith(n))) virshQuiet(TEST_URI, 'vol-delete', '--pool', POOL, v);
  await holder?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('libvirt-manager on the test driver', () => {
  it('snapshot create, list, revert, delete match virsh snapshot-list; a bad action is a usage error', async () => {
    const vm = name('snap');
    const spec = join(dir, `${vm}.json`);
    // A qcow2 disk: the test driver snapshots it internally, as QEMU would.
    writeFileSync(
      spec,
      JSON.stringify({ name: vm, memory: '64MiB', virtType: 'test', disks: [{ kind: 'new', pool: POOL, size: '64MiB', format: 'qcow2' }] }),
    );
    await cliJson(['create', spec, ...U]);
    const created = await cliJson<{ snapshot: { name: string; current: boolean } }>(['snapshot', vm, 'create', 's1', ...U]);
    expect(created.snapshot).toMatchObject({ name: 's1', current: true });
    await cliJson(['snapshot', vm, 'create', 's2', '--description', 'second', ...U]);
    const list = await cliJson<{ name: string; parent?: string; current: boolean }[]>(['snapshot', vm, 'list', ...U]);
    expect(list.map((s) => [s.name, s.parent ?? null, s.current])).toEqual([
      ['s1', null, false],
      ['s2', 's1', true],
    ]);
    expect(virsh(TEST_URI, 'snapshot-list', vm, '--name').split('\n').filter(Boolean).sort()).toEqual(['s1', 's2']);
    await cliJson(['snapshot', vm, 'revert', 's1', ...U]);
    expect(virsh(TEST_URI, 'snapshot-current', vm, '--name').trim()).toBe('s1');
    await cliJson(['snapshot', vm, 'delete', 's2', ...U]);
    expect(virsh(TEST_URI, 'snapshot-list', vm, '--name').split('\n').filter(Boolean)).toEqual(['s1']);
    const bad = await cli(['snapshot', vm, 'rollback', 's1', '--json', ...U]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr)).toMatchObject({ error: { path: 'action' } });
    expect((await cli(['snapshot', vm, 'delete', ...U])).code).toBe(2);
  });

  it('create from YAML --start --wait-ip, then destroy --storage owned: the VM and its volume are gone', async () => {
    const vm = name('yaml');
    const spec = join(dir, `${vm}.yaml`);
    writeFileSync(
      spec,
      `# a VM with one new disk and a NIC on the driver's network\nname: ${vm}\nmemory: 128MiB\nvcpus: 1\ndisks:\n  - kind: new\n    pool: ${POOL}\n    size: 1GiB\nnetworks:\n  - network: default\n`,
    );
    const created = await cliJson<{
      domain: { name: string; uuid: string };
      started: boolean;
      volumes: { name: string }[];
      addresses: string[];
    }>(['create', spec, '--start', '--wait-ip', ...U]);
    expect(created).toMatchObject({ domain: { name: vm }, started: true });
    expect(created.addresses).toHaveLength(1); // the test driver makes one up per interface
    expect(virshList().get(vm)?.state).toBe('running');
    expect(volumes()).toContain(created.volumes[0]!.name);

    const report = await cliJson<{ complete: boolean; stopped: string; volumesDeleted: { name: string }[] }>([
      'destroy',
      vm,
      '--storage',
      'owned',
      ...U,
    ]);
    expect(report).toMatchObject({ complete: true, stopped: 'graceful' });
    expect(report.volumesDeleted.map((v) => v.name)).toEqual([created.volumes[0]!.name]);
    expect(virshList().has(vm)).toBe(false);
    expect(volumes()).not.toContain(created.volumes[0]!.name);
  });

  it('create from JSON; list and get --json match virsh list --all and dominfo; start, shutdown, force-off; wait --state', async () => {
    const vm = name('json');
    const spec = join(dir, `${vm}.json`);
    writeFileSync(spec, JSON.stringify({ name: vm, memory: '256MiB', vcpus: 2 }));
    const human = await cli(['create', spec, ...U]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${vm}: created`);

    const listed = await cliJson<{ name: string; uuid: string; id: number | null; state: string }[]>(['list', ...U]);
    const rows = virshList();
    for (const n of [vm, 'test']) {
      const ours = listed.find((r) => r.name === n);
      expect(ours, n).toBeDefined();
      expect(ours!.state).toBe(STATE[rows.get(n)!.state]);
      expect(ours!.id === null ? '-' : String(ours!.id)).toBe(rows.get(n)!.id);
    }

    const got = await cliJson<Record<string, unknown>>(['get', vm, ...U]);
    const info = dominfo(vm);
    expect(got).toMatchObject({
      name: vm,
      uuid: info['UUID'],
      id: null,
      state: 'shutoff',
      vcpus: Number(info['CPU(s)']),
      maxMemoryBytes: Number(info['Max memory']!.replace(' KiB', '')) * 1024,
      persistent: info['Persistent'] === 'yes',
      autostart: info['Autostart'] === 'enable',
    });
    expect(got['allowed']).toContain('start');

    expect(await cliJson(['start', vm, ...U])).toMatchObject({ operation: 'start', state: 'running', changed: true });
    expect(dominfo(vm)['State']).toBe('running');
    expect((await cliJson<{ id: number }>(['get', vm, ...U])).id).toBe(Number(dominfo(vm)['Id']));

    const shut = await cliJson(['shutdown', vm, '--timeout', '30', ...U]);
    expect(shut).toMatchObject({ operation: 'shutdown', state: 'shutoff', escalated: false });
    expect(dominfo(vm)['State']).toBe('shut off');

    await cliJson(['start', vm, ...U]);
    // wait --state, started first, ends when something else (virsh) powers the VM off.
    const waiting = cli(['wait', vm, '--state', 'shutoff,crashed', '--timeout', '60', '--json', ...U]);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // let it connect; it also succeeds if it connects after the change
    virsh(TEST_URI, 'destroy', vm);
    const waited = await waiting;
    expect(waited.code, waited.stderr).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ domain: { name: vm }, state: 'shutoff' });

    await cliJson(['start', vm, ...U]);
    expect(await cliJson(['force-off', vm, ...U])).toMatchObject({
      operation: 'forceOff',
      state: 'shutoff',
      reason: 'destroyed',
      changed: true,
    });
    // Already off: a no-op, still exit 0.
    expect(await cliJson(['force-off', vm, ...U])).toMatchObject({ changed: false });

    const destroyed = await cli(['destroy', vm, ...U]);
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toContain(`${vm}: destroyed`);
    expect(virshList().has(vm)).toBe(false);
  });

  it('events: NDJSON on stdout until SIGINT, exit 0', async () => {
    const vm = name('ev');
    await holder.domains.control.define(testDomainXml(vm));
    const events = startCli(['events', '--json', '--domain', vm, ...U]);
    try {
      // The CLI says on stderr once its subscription is registered: nothing after that line is missed.
      await events.until(({ stderr }) => stderr.includes('listening for events'), 60_000);
      virsh(TEST_URI, 'start', vm);
      virsh(TEST_URI, 'destroy', vm);
      await events.until(({ stdout }) => stdout.split('\n').filter((l) => l !== '').length >= 2, 30_000);
    } finally {
      events.child.kill('SIGINT');
    }
    expect(await events.exited).toEqual({ code: 0, signal: null });
    const lines = events
      .stdout()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { type: string; domain: { name: string }; event: string; detail: string });
    expect(lines.map((e) => [e.type, e.domain.name, e.event, e.detail])).toEqual([
      ['domain.lifecycle', vm, 'started', 'booted'],
      ['domain.lifecycle', vm, 'stopped', 'destroyed'],
    ]);
  });

  it('a bad spec exits 2 with the field path in the message, and leaves no domain and no volume', async () => {
    const vm = name('bad');
    const spec = join(dir, `${vm}.yaml`);
    writeFileSync(
      spec,
      `name: ${vm}\nmemory: 128MiB\ndisks:\n  - kind: new\n    pool: ${POOL}\n    size: 1GiB\n  - kind: new\n    pool: ${POOL}\n    size: lots\n`,
    );
    const before = volumes();
    const human = await cli(['create', spec, '--start', ...U]);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain('disks[1].size');

    const machine = await cli(['create', spec, '--json', ...U]);
    expect(machine.code).toBe(2);
    expect(machine.stdout).toBe('');
    expect(JSON.parse(machine.stderr)).toMatchObject({
      error: { name: 'InvalidArgumentError', code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'disks[1].size', exitCode: 2 },
    });
    expect(virshList().has(vm)).toBe(false);
    expect(volumes()).toEqual(before);

    // Not YAML at all, and a file that is not there: usage errors naming the file.
    writeFileSync(join(dir, 'broken.yaml'), 'name: [unclosed\n');
    for (const file of [join(dir, 'broken.yaml'), join(dir, 'missing.json')]) {
      const run = await cli(['create', file, '--json', ...U]);
      expect(run.code).toBe(2);
      expect(JSON.parse(run.stderr)).toMatchObject({ error: { path: file, exitCode: 2 } });
    }
  });

  it('a disk attach the driver cannot do exits 9 (unsupported) and leaves no volume', async () => {
    const vm = name('att');
    await holder.domains.control.define(testDomainXml(vm));
    const before = volumes();
    const run = await cli(['attach-disk', vm, '--pool', POOL, '--size', '64MiB', '--json', ...U]);
    expect(run.code).toBe(9);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { name: 'UnsupportedError', exitCode: 9 } });
    expect(volumes()).toEqual(before);
  });

  it('exit codes: not found 3, usage 2, timeout 5; the URI from LIBVIRT_URI', async () => {
    const missing = await cli(['get', 'lvm-cli-no-such-vm', '--json', ...U]);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stderr)).toMatchObject({
      error: { name: 'DomainNotFoundError', codeName: 'VIR_ERR_NO_DOMAIN', exitCode: 3 },
    });

    // Usage errors of the command line itself are unit-tested (tests/unit/cli); these go through the SDK's own checks.
    for (const args of [
      ['wait', 'test', '--state', 'sleeping'],
      ['destroy', 'test', '--storage', 'everything'],
    ]) {
      const run = await cli([...args, ...U]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
    }
    // The SDK refuses the policy before anything is done: the driver's own VM is still there.
    expect(virshList().get('test')?.state).toBe('running');

    const timeout = await cli(['wait', 'test', '--state', 'paused', '--timeout', '0.5', '--json', ...U]);
    expect(timeout.code).toBe(5);
    expect(JSON.parse(timeout.stderr)).toMatchObject({ error: { name: 'TimeoutError', exitCode: 5 } });

    const fromEnv = JSON.parse((await cli(['list', '--json'], { env: { LIBVIRT_URI: TEST_URI } })).stdout) as { name: string }[];
    expect(fromEnv.map((r) => r.name)).toContain('test');
  });
});
