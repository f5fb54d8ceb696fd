import { ElementReader, compact, withExtras, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';
import { parseSize } from '../units.js';
import { normalizeUuid, validateName, type NameRule } from '../validate.js';
import { readPermissions, writePermissions, type StoragePermissions } from './permissions.js';

/** `<target>` of a pool: where its volumes appear on the host. */
export interface StoragePoolTarget extends Extensible {
  /** Directory of a `dir` pool (absolute). */
  path?: string;
  permissions?: StoragePermissions;
}

/**
 * A storage pool (`<pool>`). The SDK builds `dir` pools; every pool type
 * parses (name, uuid, type, sizes, target path), with `<source>` and the rest
 * kept in `extraElements`.
 *
 * @see https://libvirt.org/formatstorage.html
 */
export interface StoragePoolModel extends Extensible {
  type: Open<
    | 'dir'
    | 'fs'
    | 'netfs'
    | 'logical'
    | 'disk'
    | 'iscsi'
    | 'iscsi-direct'
    | 'scsi'
    | 'mpath'
    | 'rbd'
    | 'sheepdog'
    | 'gluster'
    | 'zfs'
    | 'vstorage'
  >;
  name: string;
  uuid?: string;
  /** Bytes; reported by libvirt, ignored on define. */
  capacity?: bigint;
  /** Bytes; reported by libvirt, ignored on define. */
  allocation?: bigint;
  /** Bytes; reported by libvirt, ignored on define. */
  available?: bigint;
  target?: StoragePoolTarget;
}

/** Options of {@link buildStoragePoolXml}. */
export interface BuildStoragePoolOptions {
  /** Rule for `name`, see `validateName`. @default 'sdk' */
  nameRule?: NameRule;
}

/**
 * Build storage pool XML.
 *
 * @example buildStoragePoolXml({ type: 'dir', name: 'vms', target: { path: '/srv/vms', permissions: { mode: '0711' } } })
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a bad name, a `dir` pool without an absolute target path, bad permissions.
 * @see https://libvirt.org/formatstorage.html#storage-pool-xml
 */
export function buildStoragePoolXml(pool: StoragePoolModel, options: BuildStoragePoolOptions = {}): string {
  if (pool === null || typeof pool !== 'object') throw invalidSpec('pool', 'must be an object');
  if (typeof pool.type !== 'string' || pool.type === '') throw invalidSpec('type', 'is required');
  validateName(pool.name, 'name', options.nameRule ?? 'sdk');
  if (pool.type === 'dir' && (typeof pool.target?.path !== 'string' || !pool.target.path.startsWith('/'))) {
    throw invalidSpec('target.path', "a 'dir' pool needs an absolute target path");
  }
  const w = ElementWriter.document('pool', '');
  w.attr('type', pool.type);
  w.textChild('name', pool.name);
  if (pool.uuid !== undefined) w.textChild('uuid', normalizeUuid(pool.uuid));
  for (const key of ['capacity', 'allocation', 'available'] as const) {
    const value = pool[key];
    if (value !== undefined) w.child(key, { unit: 'bytes' }, key).text(parseSize(value, { path: key }), key);
  }
  if (pool.target !== undefined) {
    const t = w.child('target', {}, 'target');
    t.textChild('path', pool.target.path);
    writePermissions(t, pool.target.permissions, 'target.permissions');
    t.extras(pool.target);
  }
  w.extras(pool);
  return w.toXml();
}

/**
 * Parse storage pool XML of any pool type.
 *
 * @example parseStoragePoolXml(xml).target?.path
 * @throws XmlParseError when malformed, not a `<pool>`, or without `<name>`.
 * @see https://libvirt.org/formatstorage.html#storage-pool-xml
 */
export function parseStoragePoolXml(xml: string): StoragePoolModel {
  const r = ElementReader.root(xml, 'pool');
  const target = r.child('target');
  const pool: StoragePoolModel = compact({
    type: r.requiredAttr('type'),
    name: r.childText('name') ?? r.fail('missing <name>'),
    uuid: r.childText('uuid')?.trim(),
    capacity: r.child('capacity')?.size('bytes'),
    allocation: r.child('allocation')?.size('bytes'),
    available: r.child('available')?.size('bytes'),
    target:
      target && withExtras(compact({ path: target.childText('path')?.trim(), permissions: readPermissions(target) }), target.extras()),
  });
  return withExtras(pool, r.extras());
}
