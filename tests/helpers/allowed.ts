/**
 * What the registry should allow in a state, written out for the tests (not
 * read from `verdict`, the code under test).
 */
import { DEVICE_OPERATIONS } from '../../src/devices/index.js';

/** What a shut-off VM allows: start, the no-op shutdown, forceOff, destroy, every device change (to its definition), snapshots. */
export const SHUTOFF_ALLOWED = [
  'start',
  'shutdown',
  'forceOff',
  'destroy',
  ...DEVICE_OPERATIONS,
  'createSnapshot',
  'revertSnapshot',
  'deleteSnapshot',
];
