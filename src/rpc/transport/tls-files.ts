/**
 * Where libvirt's client looks for its TLS credentials, and loading them
 * (`virNetTLSContextLocateCredentials` in src/rpc/virnettlscontext.c).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TransportError } from '../../errors/index.js';
import { errnoCode } from './dial-util.js';

/** libvirt's system-wide client credentials (`LIBVIRT_CACERT`, `LIBVIRT_CLIENTCERT`…). */
export const SYSTEM_TLS_FILES = Object.freeze({
  ca: '/etc/pki/CA/cacert.pem',
  crl: '/etc/pki/CA/cacrl.pem',
  cert: '/etc/pki/libvirt/clientcert.pem',
  key: '/etc/pki/libvirt/private/clientkey.pem',
});

/** Paths of the four credential files one connection would use. */
export interface TlsFilePaths {
  /** CA certificate(s) that must have signed the server's certificate. */
  readonly ca: string;
  /** Certificate revocation list; optional, used when it exists. */
  readonly crl: string;
  /** Client certificate; optional (the server may not ask for one). */
  readonly cert: string;
  /** Client private key, paired with `cert`. */
  readonly key: string;
}

/** Local facts the lookup depends on; each defaults to the real value. */
export interface TlsFileEnvironment {
  /** Effective uid (default `process.geteuid()`). Non-root users try `~/.pki/libvirt` first. */
  uid?: number;
  /** Default `os.homedir()`. */
  home?: string;
  /** Default `fs.existsSync`. */
  existsSync?: (path: string) => boolean;
}

/**
 * The credential files for a connection, following libvirt:
 * - `?pkipath=dir`: `dir/cacert.pem`, `dir/cacrl.pem`, `dir/clientcert.pem`,
 *   `dir/clientkey.pem`, whether or not they exist;
 * - non-root without pkipath: each of `~/.pki/libvirt/{cacert,cacrl}.pem` that
 *   exists, and `~/.pki/libvirt/client{cert,key}.pem` when both exist, the
 *   rest from the system paths;
 * - root: the system paths `/etc/pki/CA/cacert.pem`,
 *   `/etc/pki/libvirt/clientcert.pem`, `/etc/pki/libvirt/private/clientkey.pem`.
 *
 * @example
 * ```ts
 * resolveTlsFiles('/srv/pki').ca; // '/srv/pki/cacert.pem'
 * ```
 * @see https://libvirt.org/kbase/tlscerts.html
 */
export function resolveTlsFiles(pkipath: string | undefined, env: TlsFileEnvironment = {}): TlsFilePaths {
  if (pkipath !== undefined) {
    return {
      ca: join(pkipath, 'cacert.pem'),
      crl: join(pkipath, 'cacrl.pem'),
      cert: join(pkipath, 'clientcert.pem'),
      key: join(pkipath, 'clientkey.pem'),
    };
  }
  const uid = env.uid ?? (typeof process.geteuid === 'function' ? process.geteuid() : 0);
  if (uid === 0) return { ...SYSTEM_TLS_FILES };
  const exists = env.existsSync ?? existsSync;
  const dir = join(env.home ?? homedir(), '.pki', 'libvirt');
  const user = {
    ca: join(dir, 'cacert.pem'),
    crl: join(dir, 'cacrl.pem'),
    cert: join(dir, 'clientcert.pem'),
    key: join(dir, 'clientkey.pem'),
  };
  // cert and key only make sense together, so they fall back as a pair
  const pair = exists(user.cert) && exists(user.key);
  return {
    ca: exists(user.ca) ? user.ca : SYSTEM_TLS_FILES.ca,
    crl: exists(user.crl) ? user.crl : SYSTEM_TLS_FILES.crl,
    cert: pair ? user.cert : SYSTEM_TLS_FILES.cert,
    key: pair ? user.key : SYSTEM_TLS_FILES.key,
  };
}

/** PEM material ready for `tls.connect`. */
export interface LoadedTlsFiles {
  ca: Buffer | undefined;
  crl: Buffer | undefined;
  cert: Buffer | undefined;
  key: Buffer | undefined;
}

/** Read one file; `undefined` when it does not exist and `optional`. Errors name the file, never its content. */
async function readPem(path: string, label: string, optional: boolean, hint: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' && optional) return undefined;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new TransportError(`cannot read the TLS ${label} ${path}: ${why}; ${hint}`, { cause: err });
  }
}

/**
 * Read the credential files. The CA is required when `needCa`; the client
 * certificate and key are optional but must come as a pair; the CRL is optional.
 *
 * @throws {@link TransportError} naming the file that is missing or unreadable.
 */
export async function loadTlsFiles(paths: TlsFilePaths, needCa: boolean): Promise<LoadedTlsFiles> {
  const hint = 'set ?pkipath=<dir> in the URI or pass tls.ca/cert/key (see https://libvirt.org/kbase/tlscerts.html)';
  const [ca, crl, cert, key] = await Promise.all([
    readPem(paths.ca, 'CA certificate', !needCa, hint),
    readPem(paths.crl, 'CA revocation list', true, hint),
    readPem(paths.cert, 'client certificate', true, hint),
    readPem(paths.key, 'client key', true, hint),
  ]);
  if ((cert === undefined) !== (key === undefined)) {
    const missing = cert === undefined ? paths.cert : paths.key;
    throw new TransportError(`the TLS client certificate and key come as a pair, but ${missing} is missing; ${hint}`);
  }
  return { ca, crl, cert, key };
}
