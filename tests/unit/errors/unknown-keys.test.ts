/**
 * checkKeys / suggestKeys: unknown keys refused with a path and a
 * did-you-mean; and the spec validator, cloud-init builder, preset and option
 * checks that use them (no daemon).
 */
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError, checkKeys, suggestKeys } from '../../../src/errors/index.js';
import { buildCloudConfig } from '../../../src/creator/cloud-init/index.js';
import { validateSpec } from '../../../src/creator/internal.js';
import { windows11Spec } from '../../../src/creator/presets.js';
import { VM_SPEC_KEYS } from '../../../src/creator/spec-keys.js';
import { checkLifecycleOptions } from '../../../src/lifecycle/internal.js';
import { resolveConnectionOptions } from '../../../src/connection/options.js';
import { checkDestroyOptions } from '../../../src/destroyer/internal.js';
import { checkCreateOptions } from '../../../src/creator/options.js';

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected a throw');
}

describe('suggestKeys', () => {
  const spec = Object.keys(VM_SPEC_KEYS);
  it.each([
    ['vcpu', spec, ['vcpus']], // plural wins over `cpu` (also one edit away)
    ['disk', spec, ['disks']],
    ['network', spec, ['networks']],
    ['memroy', spec, ['memory']],
    ['modle', ['network', 'model', 'mac'], ['model']],
    ['logfile', ['logFile', 'logAppend'], ['logFile']],
    ['ssh_authorized_keys', ['sshAuthorizedKeys', 'user'], ['sshAuthorizedKeys']],
    ['timeout', ['defaultTimeout', 'connectTimeout', 'readonly'], ['defaultTimeout', 'connectTimeout']],
    ['timout', ['signal', 'timeout', 'mode'], ['timeout']],
    ['bogusField', spec, []],
    ['os', ['bus', 'tag'], []], // short keys: one edit at most
  ])('%s → %j', (key, known, expected) => {
    expect(suggestKeys(key, known)).toEqual(expected);
  });
});

describe('checkKeys', () => {
  const known = { model: true, network: true } as const;
  it('passes known keys, and an empty object', () => {
    expect(() => checkKeys({ model: 'e1000', network: 'default' }, known)).not.toThrow();
    expect(() => checkKeys({}, known)).not.toThrow();
  });

  it('names the first unknown key under the prefix, as a spec field', () => {
    const error = thrown(() => checkKeys({ network: 'default', modle: 'e1000' }, known, 'networks[0]', { code: ErrorCode.INVALID_SPEC }));
    expect(error.path).toBe('networks[0].modle');
    expect(error.code).toBe('ERR_LIBVIRT_INVALID_SPEC');
    expect(error.message).toBe("networks[0].modle: unknown field 'modle' (did you mean 'model'?)");
  });

  it('as an option: the default code, the key as path, no hint when nothing is close', () => {
    const error = thrown(() => checkKeys({ zzz: 1 }, known, '', { kind: 'option' }));
    expect(error).toMatchObject({ path: 'zzz', code: 'ERR_LIBVIRT_INVALID_ARGUMENT', message: "unknown option 'zzz'" });
  });

  it('a key whose value is undefined is still a typo; inherited keys (`toString`) are not known ones', () => {
    expect(thrown(() => checkKeys({ modle: undefined }, known)).path).toBe('modle');
    expect(thrown(() => checkKeys({ toString: 1 }, known)).path).toBe('toString');
  });
});

describe('every level of a VmSpec', () => {
  const base = { name: 'web-1', memory: '1GiB' };
  it.each([
    ['vcpu', { vcpu: 2 }],
    ['disks[0].sise', { disks: [{ kind: 'new', pool: 'p', size: '1GiB', sise: 1 }] }],
    ['disks[0].base.volum', { disks: [{ kind: 'overlay', pool: 'p', base: { pool: 'p', volum: 'b' } }] }],
    ['disks[0].source.sise', { disks: [{ kind: 'upload', pool: 'p', source: { data: new Uint8Array(1), size: 1, sise: 1 } }] }],
    ['networks[0].filter.params', { networks: [{ network: 'n', filter: { filter: 'clean-traffic', params: {} } }] }],
    ['graphics.pasword', { graphics: { type: 'vnc', pasword: 'x' } }],
    ['serialConsole.logfile', { serialConsole: { logfile: '/x.log' } }],
    ['boot.orders', { boot: { orders: ['hd'] } }],
    ['defaultDevices.balloon', { defaultDevices: { balloon: false } }],
    ['overrides.deviceXml', { overrides: { deviceXml: [] } }],
    ['firmware.secureboot', { firmware: { type: 'uefi', secureboot: true } }],
    ['tpm.modle', { tpm: { modle: 'tpm-crb' } }],
    ['filesystems[0].target', { filesystems: [{ source: '/srv', tag: 't', target: '/mnt' }] }],
    ['memoryBacking.hugePages', { memoryBacking: { hugePages: true } }],
    ['cpu.modle', { cpu: { modle: 'qemu64' } }],
    ['cpu.features[0].polcy', { cpu: { features: [{ name: 'vmx', polcy: 'require' }] } }],
    ['cpu.pinning.vcpu', { cpu: { pinning: { vcpu: ['0'] } } }],
    ['numa[0].cpu', { numa: [{ cpus: '0', memory: '1GiB', cpu: 1 }] }],
    ['hostdevs[0].managd', { hostdevs: [{ pci: '0000:01:00.0', managd: true }] }],
    ['hostdevs[0].usb.vendorId', { hostdevs: [{ usb: { vendor: '0x046d', product: '0x0001', vendorId: 1 } }] }],
    ['watchdog.actions', { watchdog: { actions: 'reset' } }],
    ['rng.sources', { rng: { sources: '/dev/random' } }],
    ['video.head', { video: { head: 2 } }],
    ['cloudInit.usr', { cloudInit: { usr: {} } }],
    ['cloudInit.config.package', { cloudInit: { config: { package: ['nginx'] } } }],
    ['cloudInit.user.sudoo', { cloudInit: { user: { name: 'ops', sudoo: true } } }],
    ['cloudInit.config.writeFiles[0].mode', { cloudInit: { config: { writeFiles: [{ path: '/x', content: '', mode: '0644' }] } } }],
  ])('%s', (path, extra) => {
    const error = thrown(() => validateSpec({ ...base, ...extra } as never));
    expect(error.code).toBe('ERR_LIBVIRT_INVALID_SPEC');
    expect(error.path).toBe(path);
    expect(error.message).toContain(`${path}: unknown field`);
  });

  it('open maps stay open: filter parameters, cloud-init meta-data and network-config, config.extra', () => {
    expect(() =>
      validateSpec({
        ...base,
        networks: [{ network: 'n', filter: { filter: 'clean-traffic', parameters: { IP: '10.0.0.5', ANY_VAR: ['a'] } } }],
        cloudInit: {
          config: { extra: { ssh_pwauth: false, anything: { nested: 1 } } },
          metaData: { 'instance-id': 'i-1', 'custom-key': 'v' },
          networkConfig: { version: 2, ethernets: { eth0: { dhcp4: true } } },
        },
      }),
    ).not.toThrow();
  });

  it('a key of another disk kind says which kinds have it', () => {
    const error = thrown(() => validateSpec({ ...base, disks: [{ kind: 'existing', path: '/x.img', size: '1GiB' }] } as never));
    expect(error.path).toBe('disks[0].size');
    expect(error.message).toBe("disks[0].size: is not a field of 'existing' disks (only of 'new', 'overlay', 'clone')");
    const cdrom = thrown(() => validateSpec({ ...base, disks: [{ kind: 'cdrom', readonly: true }] } as never));
    expect(cdrom.path).toBe('disks[0].readonly');
    expect(cdrom.message).toContain("is not a field of 'cdrom' disks");
    expect(thrown(() => validateSpec({ ...base, disks: [{ kind: 'existing', path: '/x', preallocate: true }] } as never)).path).toBe(
      'disks[0].preallocate',
    );
  });

  it('virtiofs readonly keeps its own reason', () => {
    const error = thrown(() => validateSpec({ ...base, filesystems: [{ source: '/srv', tag: 't', readonly: true }] } as never));
    expect(error.message).toContain('cannot be read-only');
  });
});

describe('the other checks that use it', () => {
  it('buildCloudConfig, windows11Spec', () => {
    expect(thrown(() => buildCloudConfig({ hostnme: 'h' } as never)).path).toBe('hostnme');
    const win = thrown(() => windows11Spec({ name: 'w', disk: { kind: 'new', pool: 'p', size: '64GiB' }, instalMedia: '/x.iso' } as never));
    expect(win).toMatchObject({ path: 'instalMedia', code: 'ERR_LIBVIRT_INVALID_SPEC' });
    expect(win.message).toContain("did you mean 'installMedia'?");
  });

  it('lifecycle options, per operation', () => {
    expect(thrown(() => checkLifecycleOptions('shutdown', { timout: 5 })).message).toBe(
      "unknown option 'timout' (did you mean 'timeout'?)",
    );
    expect(thrown(() => checkLifecycleOptions('pause', { mode: 'acpi' })).path).toBe('mode'); // shutdown's, not pause's
    expect(() => checkLifecycleOptions('shutdown', { mode: 'acpi', timeout: 5, onTimeout: 'throw' })).not.toThrow();
  });

  it('create options', () => {
    expect(thrown(() => checkCreateOptions({ onprogress: () => undefined })).message).toBe(
      "unknown option 'onprogress' (did you mean 'onProgress'?)",
    );
  });

  it('destroy options', () => {
    expect(thrown(() => checkDestroyOptions({ storag: 'none' })).path).toBe('storag');
    expect(() => checkDestroyOptions({ storage: 'none', stop: 'force', shutdownTimeout: 5, timeout: 5 })).not.toThrow();
  });

  it('connection options', () => {
    expect(thrown(() => resolveConnectionOptions({ keepAlive: false } as never)).message).toBe(
      "unknown option 'keepAlive' (did you mean 'keepalive'?)",
    );
  });
});
