/**
 * The check every device method (and the state registry, before it looks a
 * VM up) runs on its request: the signal and timeout, the scope, the
 * operation's own options, the arguments that do not need the VM, and no key
 * the operation does not take.
 *
 * @module
 */
import { CALL_OPTION_KEYS, ErrorCode, InvalidArgumentError, checkDuration, checkKeys, type KnownKeys } from '../connection/internal.js';
import { DEFAULT_TIMEOUTS, checkCallOptions, type DeviceOperation } from '../runtime/index.js';
import { type DetachOptions, type DeviceOptions, type DeviceRequests, MIN_RESEND_EVERY } from './options.js';

function flag(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(`${path} must be a boolean`, { path });
}

const TARGET = /^[a-z]{2,4}[a-z]{1,3}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** The arguments of a request that can be checked without the VM (specs are checked against it, in its turn). */
function checkArguments(operation: DeviceOperation, o: Record<string, unknown>): void {
  const object = (key: string): void => {
    if (typeof o[key] !== 'object' || o[key] === null) throw new InvalidArgumentError(`${key} must be an object`, { path: key });
  };
  switch (operation) {
    case 'attachDisk':
      object('disk');
      break;
    case 'attachNic':
      object('nic');
      break;
    case 'detachNic':
      if (typeof o['mac'] !== 'string' || !MAC.test(o['mac']))
        throw new InvalidArgumentError('mac must be a MAC address such as "52:54:00:12:34:56"', { path: 'mac' });
      break;
    case 'setVcpus':
      if (typeof o['vcpus'] !== 'number' || !Number.isSafeInteger(o['vcpus']) || o['vcpus'] < 1)
        throw new InvalidArgumentError('vcpus must be an integer ≥ 1', { path: 'vcpus' });
      break;
    case 'setMemory':
      if (o['memory'] === undefined)
        throw new InvalidArgumentError('memory is required (bytes, or a size such as "2GiB")', { path: 'memory' });
      break;
    default:
      if (typeof o['target'] !== 'string' || !TARGET.test(o['target']))
        throw new InvalidArgumentError('target must be a disk target such as "vdb" or "sdc"', { path: 'target' });
      if (operation === 'changeMedia' && o['source'] === undefined)
        throw new InvalidArgumentError('source is required: a host path, a { pool, volume }, or null to eject', { path: 'source' });
      if (operation === 'resizeDisk' && o['size'] === undefined)
        throw new InvalidArgumentError('size is required (bytes, or a size such as "20GiB")', { path: 'size' });
  }
}

const CALL = CALL_OPTION_KEYS;
const SCOPED = { ...CALL, live: true, config: true } as const satisfies KnownKeys<DeviceOptions>;
const DETACH = { ...SCOPED, resendEvery: true } as const satisfies KnownKeys<DetachOptions>;

/** The keys each request may have (its arguments and its method's options), tied to its type: a new option not listed here fails tsc. */
const REQUEST_KEYS: { readonly [O in DeviceOperation]: KnownKeys<DeviceRequests[O]> } = {
  attachDisk: { ...SCOPED, onProgress: true, disk: true },
  detachDisk: { ...DETACH, deleteVolume: true, target: true },
  changeMedia: { ...SCOPED, force: true, target: true, source: true },
  attachNic: { ...SCOPED, nic: true },
  detachNic: { ...DETACH, mac: true },
  resizeDisk: { ...CALL, allowShrink: true, target: true, size: true },
  setMemory: { ...SCOPED, memory: true },
  setVcpus: { ...SCOPED, vcpus: true },
};

/**
 * Check a device request as its method does first: `signal`, `timeout`, the
 * scope, the operation's own options and the arguments that do not need the
 * VM, and no key the operation does not take; the registry runs it before it
 * looks a VM up. Nothing is sent when it throws.
 *
 * @returns the timeout to use
 * @example const timeout = checkDeviceRequest('detachDisk', { target: 'vdb', deleteVolume: true });
 * @throws InvalidArgumentError naming the option or argument (`path`), also for an option the operation does not
 *   take (`unknown option 'resendEvry' (did you mean 'resendEvery'?)`)
 */
export function checkDeviceRequest(operation: DeviceOperation, request: unknown): number {
  const timeout = checkCallOptions(request, DEFAULT_TIMEOUTS[operation]);
  const o = (request ?? {}) as Record<string, unknown>;
  checkArguments(operation, o);
  if (operation !== 'resizeDisk') {
    flag(o['live'], 'live');
    flag(o['config'], 'config');
    if (o['live'] === false && o['config'] === false)
      throw new InvalidArgumentError('live and config are both false: the change would apply nowhere', { path: 'live' });
  }
  switch (operation) {
    case 'attachDisk':
      if (o['onProgress'] !== undefined && typeof o['onProgress'] !== 'function')
        throw new InvalidArgumentError('onProgress must be a function', { path: 'onProgress' });
      break;
    case 'detachDisk':
    case 'detachNic': {
      flag(o['deleteVolume'], 'deleteVolume');
      if (operation === 'detachNic' && o['deleteVolume'] !== undefined)
        throw new InvalidArgumentError('deleteVolume is for disks', { path: 'deleteVolume' });
      const resend = checkDuration(o['resendEvery'], 'resendEvery');
      if (resend !== undefined && resend < MIN_RESEND_EVERY)
        throw new InvalidArgumentError(
          `resendEvery must be at least ${MIN_RESEND_EVERY} ms (a second unplug request within 5 s cancels the guest's own)`,
          { path: 'resendEvery' },
        );
      break;
    }
    case 'changeMedia':
      flag(o['force'], 'force');
      break;
    case 'resizeDisk':
      flag(o['allowShrink'], 'allowShrink');
      for (const key of ['live', 'config'])
        if (o[key] !== undefined)
          throw new InvalidArgumentError(
            `${key} is not an option of resizeDisk: a running VM is resized live, a shut-off one through its volume`,
            {
              path: key,
            },
          );
      break;
    default:
      break;
  }
  // Last, so that `live` on resizeDisk and `deleteVolume` on detachNic keep their own messages.
  checkKeys(o, REQUEST_KEYS[operation], '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  return timeout;
}
