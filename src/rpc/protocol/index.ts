/**
 * libvirt's remote protocol: wire constants, the packet header, object
 * references, typed parameters, errors, every procedure descriptor, event
 * messages and libvirt's enums. Pure data and codecs — no I/O.
 *
 * @module rpc/protocol
 */
export * from './constants.js';
export * from './header.js';
export * from './packet.js';
export * from './types.js';
export * from './uuid.js';
export * from './typed-param.js';
export * from './typed-param-value.js';
export * from './procedure.js';
export * from './procedure-names.js';
export * from './remote-error.js';
export * from './procedures/index.js';
export * from './domain-events.js';
export * from './events.js';
export * from './enums.js';
export * from './enums-domain.js';
export * from './enums-storage.js';
export * from './enum-names.js';
