/**
 * Everything the other modules of the SDK use from the devices module: its
 * public surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { checkDeviceRequest, DEFAULT_RESEND_EVERY, MIN_RESEND_EVERY } from './options.js';
