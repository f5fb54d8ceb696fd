/**
 * A spec with several mistakes is refused once with all of them: the error
 * (`InvalidArgumentError`, `ERR_LIBVIRT_INVALID_SPEC`) keeps the first
 * problem's `path` and first message line, lists every problem in `issues`
 * (in the order a first-error check meets them), and its message has one line
 * per problem, at most 20. One mistake gives the message it always had. A
 * field's checks stop at its first problem, and rules that need a refused
 * field are skipped (no report that only repeats another).
 */
import { describe, expect, it } from 'vitest';
import { buildCloudConfig, buildVmXml, windows11Spec } from '../../../src/creator/index.js';
import { MAX_SPEC_ISSUES } from '../../../src/creator/issues.js';
import { validateSpec, type VmSpec } from '../../../src/creator/internal.js';
import { ErrorCode, InvalidArgumentError, MAX_LISTED_ISSUES } from '../../../src/errors/index.js';
import { refusal } from './helpers.js';

const ok = { name: 'vm1', memory: '256MiB' };
const spec = (extra: Record<string, unknown>): VmSpec => ({ ...ok, ...extra }) as unknown as VmSpec;
const paths = (error: InvalidArgumentError): (string | undefined)[] => error.issues.map((i) => i.path);

describe('a spec with several mistakes', () => {
  const many = spec({
    memroy: '1GiB',
    name: 'a b',
    memory: '1000',
    vcpus: 0,
    disks: [
      { kind: 'new', pool: 'default', size: '0', bus: 'floppy' },
      { kind: 'existing', path: '/srv/a.img', size: '1GiB' },
    ],
    networks: [{ network: 'default', modle: 'virtio', mtu: 1 }],
    graphics: { type: 'vnc', port: 70000 },
    autostart: 'yes',
  });

  it('is refused with every problem, with its path, in the order checked', () => {
    const error = refusal(() => validateSpec(many));
    expect(paths(error)).toEqual([
      'memroy',
      'name',
      'memory',
      'vcpus',
      'disks[0].bus',
      'disks[0].size',
      'disks[1].size',
      'networks[0].modle',
      'networks[0].mtu',
      'graphics.port',
      'autostart',
    ]);
    expect(error.issues[0]).toEqual({ path: 'memroy', message: "memroy: unknown field 'memroy' (did you mean 'memory'?)" });
    expect(error.issues[6]!.message).toBe("disks[1].size: is not a field of 'existing' disks (only of 'new', 'overlay', 'clone')");
  });

  it("keeps the first problem's path, and its message lists them one a line, the first first", () => {
    const error = refusal(() => validateSpec(many));
    expect(error.path).toBe('memroy');
    const lines = error.message.split('\n');
    expect(lines).toEqual(error.issues.map((i) => i.message));
    expect(lines[0]).toBe("memroy: unknown field 'memroy' (did you mean 'memory'?)");
  });

  it('gives the same problems in the same order every time', () => {
    const first = refusal(() => validateSpec(many));
    const again = refusal(() => validateSpec(structuredClone(many)));
    expect(again.issues).toEqual(first.issues);
    expect(again.message).toBe(first.message);
  });

  it('reports every unknown key of one object', () => {
    const error = refusal(() => validateSpec(spec({ vcpu: 2, disk: [], netwroks: [] })));
    expect(paths(error)).toEqual(['vcpu', 'disk', 'netwroks']);
    expect(error.message).toBe(
      [
        "vcpu: unknown field 'vcpu' (did you mean 'vcpus'?)",
        "disk: unknown field 'disk' (did you mean 'disks'?)",
        "netwroks: unknown field 'netwroks' (did you mean 'networks'?)",
      ].join('\n'),
    );
  });

  it('finds problems in the hardware, cloud-init and overrides too, under their paths', () => {
    const error = refusal(() =>
      validateSpec(
        spec({
          firmware: { type: 'uefi', secureBoot: 'yes' },
          tpm: { model: 'tpm-crb', version: '1.2' },
          watchdog: { model: 'x', action: 'y' },
          cloudInit: { user: { name: 'Ops', sshAuthorizedKeys: ['not a key'] }, config: { packages: ['ok', '!', '?'] } },
          overrides: { devicesXml: ['<a'], domainXml: ['<b/>', '<c'] },
        }),
      ),
    );
    expect(paths(error)).toEqual([
      'watchdog.model',
      'watchdog.action',
      'firmware.secureBoot',
      'tpm.model',
      'overrides.devicesXml[0]',
      'overrides.domainXml[1]',
      'cloudInit.user.name',
      'cloudInit.user.sshAuthorizedKeys[0]',
      'cloudInit.config.packages[1]',
      'cloudInit.config.packages[2]',
    ]);
  });
});

describe('one mistake', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['vcpus', { vcpus: 0 }, 'vcpus: must be an integer from 1 to 4096'],
    ['memory', { memory: '1000' }, 'memory: must be a whole number of KiB'],
    ['an unknown key', { vcpu: 2 }, "vcpu: unknown field 'vcpu' (did you mean 'vcpus'?)"],
    ['a disk', { disks: [{ kind: 'new', pool: 'default', size: 0 }] }, 'disks[0].size: must be greater than zero'],
    [
      'a duplicate target',
      {
        disks: [
          { kind: 'cdrom', target: 'sda' },
          { kind: 'cdrom', target: 'sda' },
        ],
      },
      'disks[1].target: target "sda" is already used by disks[0].target',
    ],
    ['cloud-init', { cloudInit: { user: { name: 'Ops' } } }, 'cloudInit.user.name: must match ^[a-z_][a-z0-9_-]{0,31}$'],
  ])('%s: the message it always had, one issue', (_, extra, message) => {
    const error = refusal(() => validateSpec(spec(extra)));
    expect(error.message).toBe(message);
    expect(error.issues).toEqual([{ path: error.path, message }]);
  });

  it('a field stops at its first problem: a type check before the range check', () => {
    expect(refusal(() => validateSpec(spec({ memory: 'lots' }))).issues).toHaveLength(1);
    expect(refusal(() => validateSpec(spec({ disks: [{ kind: 'floppy', size: 0, sise: 1 }] }))).issues).toEqual([
      { path: 'disks[0].kind', message: 'disks[0].kind: must be one of new, overlay, clone, upload, existing, cdrom' },
    ]);
  });
});

describe('rules across fields', () => {
  it('are skipped when a field they read was refused (no second report of the same mistake)', () => {
    // vcpus refused: the topology product and the NUMA cells, which are counted against it, are not checked.
    const error = refusal(() =>
      validateSpec(spec({ vcpus: 0, cpu: { topology: { sockets: 1, cores: 2, threads: 1 } }, numa: [{ cpus: '0', memory: '1MiB' }] })),
    );
    expect(paths(error)).toEqual(['vcpus']);
    // memory refused: the NUMA memory total is not compared with it.
    expect(paths(refusal(() => validateSpec(spec({ memory: 'x', numa: [{ cpus: '0', memory: '128MiB' }] }))))).toEqual(['memory']);
    // firmware.type refused: "secureBoot needs firmware: 'uefi'" would only repeat it.
    expect(paths(refusal(() => validateSpec(spec({ secureBoot: true, firmware: { type: 'bois' } }))))).toEqual(['firmware.type']);
  });

  it('a value handed on to a builder is reported once, under the field the spec has', () => {
    // cloudInit.hostname goes to the cloud-config builder too; the VM's name becomes the seed's host name.
    expect(refusal(() => validateSpec(spec({ cloudInit: { hostname: '-x-', user: { name: 'Ops' } } }))).issues).toEqual([
      { path: 'cloudInit.hostname', message: 'cloudInit.hostname: must be a host name or FQDN' },
      { path: 'cloudInit.user.name', message: 'cloudInit.user.name: must match ^[a-z_][a-z0-9_-]{0,31}$' },
    ]);
    expect(paths(refusal(() => validateSpec(spec({ name: 5, cloudInit: {} }))))).toEqual(['name']);
  });

  it('still run between fields that passed', () => {
    const error = refusal(() =>
      validateSpec(
        spec({
          vcpus: 2,
          numa: [{ cpus: '0', memory: '64MiB' }],
          networks: [
            { network: 'default', mac: '52:54:00:00:00:01' },
            { network: 'default', mac: '52:54:00:00:00:01' },
          ],
        }),
      ),
    );
    expect(error.issues.map((i) => i.message)).toEqual([
      'numa: the cells hold 1 of the 2 vCPUs: every vCPU needs a cell',
      "numa: the cells' memory adds up to 67108864 bytes, not the VM's 268435456",
      'networks[1].mac: MAC 52:54:00:00:00:01 is already used by networks[0].mac',
    ]);
  });
});

describe('the message', () => {
  it(`lists at most ${MAX_LISTED_ISSUES} problems and says how many more there are`, () => {
    const networks = Array.from({ length: 25 }, () => ({ network: 'default', mtu: 1 }));
    const error = refusal(() => validateSpec(spec({ networks })));
    expect(error.issues).toHaveLength(25);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(MAX_LISTED_ISSUES + 1);
    expect(lines[0]).toBe('networks[0].mtu: must be an integer from 68 to 65535');
    expect(lines[MAX_LISTED_ISSUES]).toBe('… and 5 more (25 problems in all: see error.issues)');
  });

  it(`stops checking after ${MAX_SPEC_ISSUES} problems, and says so`, () => {
    const packages = Array.from({ length: MAX_SPEC_ISSUES + 50 }, () => '!');
    const error = refusal(() => validateSpec(spec({ cloudInit: { config: { packages } } })));
    expect(error.issues).toHaveLength(MAX_SPEC_ISSUES);
    expect(error.issues.at(-1)!.path).toBe(`cloudInit.config.packages[${MAX_SPEC_ISSUES - 1}]`);
    expect(error.message.split('\n').at(-1)).toBe(`(checking stopped after ${MAX_SPEC_ISSUES} problems)`);
  });
});

describe('the public builders', () => {
  it('buildCloudConfig reports every problem of its input', () => {
    const error = refusal(() =>
      buildCloudConfig({
        hostname: '-bad-',
        user: { name: 'Ops', sudo: 5 as never, shell: 'bash' },
        packages: ['ok', '!'],
        writeFiles: [{ path: 'relative', content: 'x', permissions: '999' }],
        extra: { users: [] },
        timzone: 'UTC',
      } as never),
    );
    expect(paths(error)).toEqual([
      'timzone',
      'hostname',
      'user.name',
      'user.sudo',
      'user.shell',
      'packages[1]',
      'writeFiles[0].path',
      'writeFiles[0].permissions',
      'extra.users',
    ]);
    expect(error.code).toBe(ErrorCode.INVALID_SPEC);
  });

  it('windows11Spec reports an unknown option and a bad bus together', () => {
    const error = refusal(() =>
      windows11Spec({ name: 'w', disk: { kind: 'new', pool: 'default', size: '64GiB' }, bus: 'ide', instalMedia: '/x.iso' } as never),
    );
    expect(error.message).toBe(
      ["instalMedia: unknown field 'instalMedia' (did you mean 'installMedia'?)", "bus: must be 'sata' or 'virtio'"].join('\n'),
    );
  });

  it('one problem keeps the message it always had', () => {
    expect(refusal(() => buildCloudConfig({ hostname: '-bad-' })).issues).toHaveLength(1);
  });
});

describe('InvalidArgumentError.issues', () => {
  it('is the error itself for an error with one problem, and frozen', () => {
    const error = new InvalidArgumentError('x: bad', { path: 'x' });
    expect(error.issues).toEqual([{ path: 'x', message: 'x: bad' }]);
    expect(Object.isFrozen(error.issues)).toBe(true);
    expect(Object.isFrozen(error.issues[0])).toBe(true);
  });
});

it('buildVmXml without its options (from JavaScript) is an InvalidArgumentError, not a TypeError', () => {
  expect(() => (buildVmXml as (spec: unknown) => string)({ name: 'a', memory: '1GiB' })).toThrow(/options must be \{ facts \}/);
});
