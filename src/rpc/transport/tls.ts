/**
 * TLS transport (`driver+tls://host[:16514]/path`, and `driver://host/path`).
 * TLS starts at the first byte (no STARTTLS). The server's certificate is
 * verified against the CA and the host name unless `no_verify=1` is in the URI
 * or `tls.rejectUnauthorized` is `false`.
 *
 * @module
 */
import { isIP } from 'node:net';
import { type ConnectionOptions, type SecureVersion, type TLSSocket, connect } from 'node:tls';
import { InvalidArgumentError, TransportError } from '../../errors/index.js';
import { type DialOptions, awaitSocket, errnoCode, withDeadline } from './dial-util.js';
import { explainTcpError, formatHostPort } from './tcp.js';
import { type TlsFileEnvironment, loadTlsFiles, resolveTlsFiles } from './tls-files.js';
import type { LibvirtUri } from './uri.js';

/** TLS settings given in code; each one overrides what the URI and libvirt's default files say. */
export interface TlsOptions {
  /** CA certificate(s), PEM. Default: `cacert.pem` from `?pkipath=` or libvirt's default locations. */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Client certificate, PEM (give `key` too). Default: `clientcert.pem` when present. */
  cert?: string | Buffer;
  /** Client private key, PEM (give `cert` too). Default: `clientkey.pem` when present. */
  key?: string | Buffer;
  /** Passphrase of an encrypted `key`. */
  passphrase?: string;
  /** Revocation list, PEM. Default: `cacrl.pem` when present. */
  crl?: string | Buffer;
  /** Directory of libvirt-named PEM files; overrides `?pkipath=`. */
  pkipath?: string;
  /**
   * Verify the server certificate (CA and host name).
   * @defaultValue `true`, or `false` when the URI has `no_verify=1`; an explicit value here wins.
   */
  rejectUnauthorized?: boolean;
  /** Name expected in the server certificate (and sent as SNI). Default: the URI's host. */
  servername?: string;
  /** Lowest TLS version accepted. @defaultValue Node's default (TLSv1.2) */
  minVersion?: SecureVersion;
  /** OpenSSL cipher list (libvirt's `tls_priority` is a GnuTLS string and is not applied). */
  ciphers?: string;
  /** uid/home/existsSync used to locate the default files; for tests. */
  files?: TlsFileEnvironment;
}

/**
 * The `tls.connect` options for a URI: host, port, servername, credentials
 * (read from disk when not given in `options`) and verification.
 *
 * @throws {@link TransportError} naming a credential file that is missing or unreadable.
 * @throws {@link InvalidArgumentError} when only one of `cert`/`key` is given.
 * @example
 * ```ts
 * const opts = await resolveTlsConnectOptions(parseLibvirtUri('qemu+tls://kvm1/system?pkipath=/srv/pki'));
 * opts.rejectUnauthorized; // true
 * ```
 */
export async function resolveTlsConnectOptions(uri: LibvirtUri, options: TlsOptions = {}): Promise<ConnectionOptions> {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new InvalidArgumentError('tls.cert and tls.key must be given together', { path: 'tls.cert' });
  }
  const host = uri.host ?? 'localhost';
  const verify = options.rejectUnauthorized ?? !uri.client.noVerify;
  const needFiles = options.ca === undefined || options.cert === undefined;
  const files = needFiles
    ? await loadTlsFiles(resolveTlsFiles(options.pkipath ?? uri.client.pkipath, options.files), verify && options.ca === undefined)
    : { ca: undefined, crl: undefined, cert: undefined, key: undefined };
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  const result: ConnectionOptions = {
    host,
    port: uri.port ?? 16514,
    rejectUnauthorized: verify,
  };
  const ca = options.ca ?? files.ca;
  if (ca !== undefined) result.ca = typeof ca === 'string' || Buffer.isBuffer(ca) ? ca : [...ca];
  const cert = options.cert ?? files.cert;
  const key = options.key ?? files.key;
  if (cert !== undefined && key !== undefined) {
    result.cert = cert;
    result.key = key;
  }
  const crl = options.crl ?? files.crl;
  if (crl !== undefined) result.crl = crl;
  if (servername !== undefined) result.servername = servername;
  if (options.passphrase !== undefined) result.passphrase = options.passphrase;
  if (options.minVersion !== undefined) result.minVersion = options.minVersion;
  if (options.ciphers !== undefined) result.ciphers = options.ciphers;
  return result;
}

// OpenSSL verification codes Node reports when the server certificate is refused.
const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Turn a failed TLS connect into an error that says what to do. Never includes key material. */
export function explainTlsError(host: string, port: number, err: Error): TransportError {
  const code = errnoCode(err);
  const where = formatHostPort(host, port);
  if (code !== undefined && CERT_CODES.has(code)) {
    return new TransportError(
      `the TLS certificate of ${where} was rejected (${code}): it must be signed by the CA in cacert.pem ` +
        `and name '${host}'; fix ?pkipath= / tls.ca, or add no_verify=1 to skip the check (insecure)`,
      { cause: err },
    );
  }
  if (code !== undefined && /CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|BAD_CERTIFICATE|UNKNOWN_CA/.test(code)) {
    return new TransportError(
      `${where} refused the TLS handshake (${code}): the server probably wants a client certificate it trusts ` +
        '(clientcert.pem / clientkey.pem in ?pkipath=, or tls.cert / tls.key)',
      { cause: err },
    );
  }
  if (code === 'ECONNRESET' || (code !== undefined && code.startsWith('ERR_SSL'))) {
    return new TransportError(
      `TLS handshake with ${where} failed (${code}): is that port a libvirt TLS listener (listen_tls = 1, port 16514)?`,
      { cause: err },
    );
  }
  return explainTcpError(host, port, err, 'TLS');
}

/**
 * Open a TLS connection for a URI and finish the handshake.
 *
 * @throws {@link TransportError} (credentials, refused certificate, refused
 *   connection), {@link TimeoutError}, {@link AbortError}.
 * @example
 * ```ts
 * const socket = await dialTls(parseLibvirtUri('qemu+tls://kvm1/system'), {}, { timeout: 5000 });
 * ```
 * @see https://libvirt.org/remote.html#transports
 * @see https://libvirt.org/kbase/tlscerts.html
 */
export async function dialTls(uri: LibvirtUri, options: TlsOptions = {}, dial: DialOptions = {}): Promise<TLSSocket> {
  const connectOptions = await resolveTlsConnectOptions(uri, options);
  const host = connectOptions.host ?? 'localhost';
  const port = connectOptions.port ?? 16514;
  const socket = await awaitSocket(
    dial,
    `TLS connection to ${formatHostPort(host, port)}`,
    () => {
      try {
        const socket = connect(connectOptions);
        socket.setNoDelay(true); // RPC calls are small and latency-bound
        return socket;
      } catch (err) {
        // Bad PEM or mismatched key: OpenSSL's reason is safe to show, the material is not in it.
        throw new TransportError(`invalid TLS credentials: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
    },
    'secureConnect',
    (err) => explainTlsError(host, port, err),
  );
  return awaitTlsConfirmation(socket, formatHostPort(host, port), dial, (err) => explainTlsError(host, port, err)).catch(
    (error: unknown) => {
      socket.destroy(); // already aborted before the wait began: nothing else would close it
      throw error;
    },
  );
}

/**
 * After the TLS handshake, libvirtd checks our certificate and address
 * (`tls_no_verify_certificate`, `tls_allowed_dn_list`) and then sends ONE
 * byte, `1`, before any RPC (libvirt's own client waits for it in
 * `virNetClientSetTLSSession`). Consume it here, so the RPC stream starts at
 * the first packet; anything else, or a close, means the daemon refused us.
 * The socket is handed over paused (the RPC client resumes it).
 */
export function awaitTlsConfirmation(
  socket: TLSSocket,
  where: string,
  dial: DialOptions,
  explain: (err: Error) => Error,
): Promise<TLSSocket> {
  return withDeadline<TLSSocket>(dial, `TLS confirmation from ${where}`, (settle) => {
    const detach = (): void => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const refuse = (error: Error): void => {
      detach();
      socket.on('error', () => {});
      socket.destroy();
      settle({ error });
    };
    const onData = (chunk: Buffer): void => {
      detach();
      socket.pause();
      if (chunk[0] !== 1) {
        refuse(
          new TransportError(
            `${where} refused us after the TLS handshake (server verification of our certificate or IP address failed): check tls_allowed_dn_list, or give a client certificate it trusts`,
          ),
        );
        return;
      }
      if (chunk.length > 1) socket.unshift(chunk.subarray(1));
      settle({ value: socket });
    };
    const onError = (err: Error): void => refuse(explain(err));
    const onClose = (): void =>
      refuse(
        new TransportError(
          `${where} closed the connection after the TLS handshake without confirming it: it refused our client certificate or address (a client certificate it trusts is needed unless tls_no_verify_certificate = 1)`,
        ),
      );
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    return () => refuse(new TransportError(`gave up waiting for ${where}'s TLS confirmation`));
  });
}
