/**
 * The client side of one SASL mechanism, as the handshake drives it over
 * AUTH_SASL_START / AUTH_SASL_STEP.
 *
 * @module
 */

/** Mechanisms libvirt-manager implements (their IANA names, as the daemon lists them). */
export type SaslMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-1' | 'PLAIN';

/** One authentication exchange. Instances are single-use. */
export interface SaslMechanism {
  readonly name: SaslMechanismName;
  /** The client's initial response, sent with AUTH_SASL_START (`null`: none). */
  start(): Promise<Buffer | null>;
  /** Answer a server challenge. */
  step(challenge: Buffer): Promise<Buffer>;
  /**
   * The server said the exchange is complete, with its final data (`null`:
   * none). Throws when the server did not prove that it knows the password
   * (SCRAM's mutual authentication).
   */
  complete(data: Buffer | null): void;
}

/** What a mechanism needs: the identity and the secret, already resolved. */
export interface SaslCredentials {
  username: string;
  password: string;
}
