/**
 * Unknown option keys of the device methods, snapshots, block jobs, backups,
 * migration, the guest agent, the lifecycle reads, `events()` and the nested
 * connection options: each module's own check refuses a misspelled key with
 * `InvalidArgumentError` (`ERR_LIBVIRT_INVALID_ARGUMENT`, `path` the key),
 * and passes every key its type declares (no daemon).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { checkDeviceRequest } from '../../../src/devices/internal.js';
import { checkDiskStateRequest } from '../../../src/disk-state/internal.js';
import { checkWaitOptions } from '../../../src/disk-state/block-jobs/options.js';
import { checkDeleteCheckpoint } from '../../../src/disk-state/backup/options.js';
import { checkMigrateOptions } from '../../../src/migration/options.js';
import { checkAgentOptionKeys } from '../../../src/agent/option-keys.js';
import { checkLifecycleOptions } from '../../../src/lifecycle/internal.js';
import { resolveConnectionOptions } from '../../../src/connection/options.js';

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe('ERR_LIBVIRT_INVALID_ARGUMENT');
    return error as InvalidArgumentError;
  }
  throw new Error('expected a throw');
}

const signal = new AbortController().signal;

describe('device requests', () => {
  it.each([
    ['attachDisk', { disk: {}, liv: true }, 'liv', "'live'"],
    ['detachDisk', { target: 'vdb', deleteVolumes: true }, 'deleteVolumes', "'deleteVolume'"],
    ['detachNic', { mac: '52:54:00:12:34:56', resendEvry: 10_000 }, 'resendEvry', "'resendEvery'"],
    ['changeMedia', { target: 'sda', source: null, forse: true }, 'forse', "'force'"],
    ['attachNic', { nic: {}, confg: true }, 'confg', "'config'"],
    ['resizeDisk', { target: 'vdb', size: 1024, allowShrnk: true }, 'allowShrnk', "'allowShrink'"],
    ['setMemory', { memory: '1GiB', timout: 5 }, 'timout', "'timeout'"],
    ['setVcpus', { vcpus: 2, vcpu: 2 }, 'vcpu', "'vcpus'"],
  ] as const)('%s refuses %s', (operation, request, path, hint) => {
    const error = thrown(() => checkDeviceRequest(operation, request));
    expect(error.path).toBe(path);
    expect(error.message).toBe(`unknown option '${path}' (did you mean ${hint}?)`);
  });

  it('every declared key passes; resizeDisk and detachNic keep their own words for live and deleteVolume', () => {
    const scope = { signal, timeout: 1000, live: true, config: true };
    expect(() => checkDeviceRequest('attachDisk', { ...scope, disk: {}, onProgress: () => undefined })).not.toThrow();
    expect(() => checkDeviceRequest('detachDisk', { ...scope, target: 'vdb', deleteVolume: true, resendEvery: 6000 })).not.toThrow();
    expect(() => checkDeviceRequest('changeMedia', { ...scope, target: 'sda', source: null, force: true })).not.toThrow();
    expect(() => checkDeviceRequest('resizeDisk', { signal, timeout: 1, target: 'vdb', size: 512, allowShrink: true })).not.toThrow();
    expect(thrown(() => checkDeviceRequest('resizeDisk', { target: 'vdb', size: 512, live: true })).message).toContain(
      'live is not an option of resizeDisk',
    );
    expect(thrown(() => checkDeviceRequest('detachNic', { mac: '52:54:00:12:34:56', deleteVolume: true })).message).toBe(
      'deleteVolume is for disks',
    );
  });
});

describe('disk-state requests', () => {
  it.each([
    ['createSnapshot', { name: 's1', descripton: 'x' }, 'descripton'],
    ['revertSnapshot', { name: 's1', runing: true }, 'runing'],
    ['deleteSnapshot', { name: 's1', childern: true }, 'childern'],
    ['blockCopy', { disk: 'vda', to: { pool: 'p' }, bandwith: 1 }, 'bandwith'],
    ['blockCopy', { disk: 'vda', to: { path: '/x.qcow2', existng: true } }, 'to.existng'],
    ['blockCopy', { disk: 'vda', to: { pool: 'p', nmae: 'x' } }, 'to.nmae'],
    ['blockCommit', { disk: 'vda', bse: 'vda[2]' }, 'bse'],
    ['blockPull', { disk: 'vda', pivot: true }, 'pivot'], // a pull has no pivot
    ['backup', { pool: 'p', formt: 'qcow2' }, 'formt'],
  ] as const)('%s refuses %j', (operation, request, path) => {
    expect(thrown(() => checkDiskStateRequest(operation, request)).path).toBe(path);
  });

  it('every declared key passes', () => {
    const call = { signal, timeout: 1000 };
    const progress = { onProgress: () => undefined };
    for (const [operation, request] of [
      ['createSnapshot', { ...call, name: 's', description: 'd', memory: false, disks: 'external', quiesce: 'off' }],
      ['revertSnapshot', { ...call, name: 's', running: true, force: true }],
      ['deleteSnapshot', { ...call, name: 's', children: true }],
      [
        'blockCopy',
        { ...call, ...progress, disk: 'vda', bandwidth: 1, to: { pool: 'p', name: 'n', format: 'raw' }, pivot: true, shallow: true },
      ],
      ['blockCopy', { ...call, disk: 'vda', to: { path: '/x.qcow2', format: 'qcow2', existing: true } }],
      ['blockCommit', { ...call, ...progress, disk: 'vda', bandwidth: 1, base: 'vda[2]', top: 'vda[1]', pivot: false }],
      ['blockPull', { ...call, ...progress, disk: 'vda', bandwidth: 1 }],
      ['backup', { ...call, ...progress, pool: 'p', disks: ['vda'], incremental: 'c0', checkpoint: 'c1', format: 'qcow2' }],
    ] as const)
      expect(() => checkDiskStateRequest(operation, request), operation).not.toThrow();
  });

  it('block-job wait and deleteCheckpoint: their own keys', () => {
    expect(thrown(() => checkWaitOptions('vda', { pivto: true } as never)).path).toBe('pivto');
    expect(() => checkWaitOptions('vda', { signal, timeout: 1, pivot: false, onProgress: () => undefined })).not.toThrow();
    expect(thrown(() => checkDeleteCheckpoint('c1', { children: true, timout: 1 } as never, 60_000)).path).toBe('timout');
    expect(checkDeleteCheckpoint('c1', { children: true, timeout: 5 }, 60_000)).toBe(5);
  });
});

describe('migration, agent, lifecycle reads', () => {
  it('migrate', () => {
    const error = thrown(() => checkMigrateOptions({ to: 'qemu+ssh://b/system', maxDowntme: 300 }));
    expect(error.message).toBe("unknown option 'maxDowntme' (did you mean 'maxDowntime'?)");
    expect(() => checkMigrateOptions({ to: 'qemu+ssh://b/system', maxDowntime: 300, pollInterval: 100, timeout: 1 })).not.toThrow();
  });

  it.each([
    ['command', { waitForAgnet: true }, 'waitForAgnet'],
    ['exec', { maxBufer: 1 }, 'maxBufer'],
    ['exec', { shell: '/bin/sh' }, 'shell'], // execStream's, not exec's
    ['execStream', { maxBuffer: 1 }, 'maxBuffer'],
    ['readFile', { mode: 'w' }, 'mode'], // writeFile's
    ['writeFile', { chunksize: 1 }, 'chunksize'],
    ['freeze', { mountpoint: ['/'] }, 'mountpoint'],
    ['setUserPassword', { crypted: true }, 'crypted'],
    ['getGuestInfo', { type: ['os'] }, 'type'],
  ] as const)('agent %s refuses %j', (method, options, path) => {
    expect(thrown(() => checkAgentOptionKeys(method, options)).path).toBe(path);
  });

  it('hasManagedSave and getAutostart take signal and timeout only', () => {
    expect(thrown(() => checkLifecycleOptions('hasManagedSave', { timout: 1 })).path).toBe('timout');
    expect(thrown(() => checkLifecycleOptions('getAutostart', { enabled: true })).path).toBe('enabled');
    expect(checkLifecycleOptions('getAutostart', { signal, timeout: 7 })).toBe(7);
  });
});

describe('nested connection options', () => {
  it.each([
    [{ tls: { caa: 'x' } }, 'tls.caa', "'ca'"],
    [{ tls: { files: { homme: '/root' } } }, 'tls.files.homme', "'home'"],
    [{ ssh: { extraArg: [] } }, 'ssh.extraArg', "'extraArgs'"],
    [{ sasl: { user: 'u', password: 'p' } }, 'sasl.user', null],
    [{ keepalive: { intervall: 1000 } }, 'keepalive.intervall', "'interval'"],
    [{ reconnect: { maxAttempt: 3 } }, 'reconnect.maxAttempt', "'maxAttempts'"],
  ] as const)('%j', (options, path, hint) => {
    const error = thrown(() => resolveConnectionOptions(options as never));
    expect(error.path).toBe(path);
    if (hint !== null) expect(error.message).toBe(`unknown option '${path}' (did you mean ${hint}?)`);
  });

  it('booleans and every declared nested key pass', () => {
    expect(() =>
      resolveConnectionOptions({
        keepalive: { interval: 1000, count: 3 },
        reconnect: { enabled: true, initialDelay: 10, maxDelay: 100, factor: 2, jitter: 0.1, maxAttempts: 3 },
        tls: { ca: 'x', rejectUnauthorized: true, files: { uid: 0, home: '/root', existsSync: () => false } },
        ssh: { binary: 'ssh', extraArgs: [], env: {}, stderrLimit: 1024 },
        sasl: { username: 'u', password: 'p', mechanisms: ['SCRAM-SHA-256'] },
      }),
    ).not.toThrow();
    expect(() => resolveConnectionOptions({ keepalive: false, reconnect: false })).not.toThrow();
  });
});
