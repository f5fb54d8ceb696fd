/**
 * Every command of `libvirt-manager`, one file each.
 *
 * @module
 */
import type { CliCommand } from '../command.js';
import { attachDiskCommand } from './attach-disk.js';
import { createCommand } from './create.js';
import { destroyCommand } from './destroy.js';
import { detachDiskCommand } from './detach-disk.js';
import { eventsCommand } from './events.js';
import { forceOffCommand } from './force-off.js';
import { getCommand } from './get.js';
import { jobAbortCommand } from './job-abort.js';
import { jobInfoCommand } from './job-info.js';
import { listCommand } from './list.js';
import { migrateCommand } from './migrate.js';
import { shutdownCommand } from './shutdown.js';
import { snapshotCommand } from './snapshot.js';
import { startCommand } from './start.js';
import { waitCommand } from './wait.js';

/** The commands, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  createCommand,
  listCommand,
  getCommand,
  startCommand,
  shutdownCommand,
  forceOffCommand,
  destroyCommand,
  waitCommand,
  eventsCommand,
  attachDiskCommand,
  detachDiskCommand,
  snapshotCommand,
  migrateCommand,
  jobInfoCommand,
  jobAbortCommand,
];
