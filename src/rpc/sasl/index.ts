/**
 * SASL authentication for the handshake: SCRAM-SHA-256, SCRAM-SHA-1 and
 * PLAIN, in pure TypeScript.
 *
 * @module
 */
export { type SaslMechanism, type SaslMechanismName, type SaslCredentials } from './mechanism.js';
export { SCRAM_MAX_ITERATIONS, ScramMechanism } from './scram.js';
export { PlainMechanism } from './plain.js';
export { DEFAULT_SASL_MECHANISMS, type SaslContext, type SaslOptions, checkSaslOptions, saslAuthenticate } from './sasl.js';
