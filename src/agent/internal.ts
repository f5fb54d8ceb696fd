/**
 * Everything the other modules of the SDK use from the agent module: its
 * public surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { parseGuestInfo } from './guest-info.js';
