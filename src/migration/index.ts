/**
 * `libvirt-manager/migration`: move VMs between hosts — live (p2p or
 * managed, shared or copied storage, progress, abort, post-copy) and
 * offline. See docs/fleet.md.
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * import { MigrationManager } from 'libvirt-manager/migration';
 * const source = await LibvirtConnection.connect('qemu+tcp://host1/system');
 * await new MigrationManager(source).migrate('web1', { to: 'qemu+tcp://host2/system', storage: 'copy-all' });
 *
 * @module migration
 */
export { MigrationManager } from './manager.js';
export type { MigrationManagerOptions } from './context.js';
export type { MigrateOptions, MigrationMode, MigrationProgress, MigrationStorage } from './options.js';
export type { MigrationHandle, MigrationResult } from './result.js';
export type { CopiedDisk } from './storage.js';
export { MigrationError, type MigrationFailure } from '../errors/index.js';
