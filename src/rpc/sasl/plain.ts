import { AuthError } from '../../errors/index.js';
import type { SaslCredentials, SaslMechanism } from './mechanism.js';

/**
 * PLAIN (RFC 4616): the password itself, in the initial response. Only ever
 * used inside TLS or over a local socket, and only when the caller listed it.
 */
export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN' as const;
  readonly #credentials: SaslCredentials;

  constructor(credentials: SaslCredentials) {
    this.#credentials = credentials;
  }

  start(): Promise<Buffer> {
    // authzid (empty: act as the authenticated user) NUL authcid NUL password.
    return Promise.resolve(Buffer.from(`\0${this.#credentials.username}\0${this.#credentials.password}`, 'utf8'));
  }

  step(): Promise<Buffer> {
    return Promise.reject(new AuthError('SASL PLAIN: the server sent a challenge, which PLAIN never has'));
  }

  complete(): void {
    // Nothing to check: PLAIN has no server proof.
  }
}
