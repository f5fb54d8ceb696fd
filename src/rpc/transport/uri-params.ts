/**
 * The query parameters libvirt's remote driver consumes on the client
 * (`doRemoteOpen` in src/remote/remote_driver.c) instead of passing them to the
 * daemon, decoded into typed values.
 *
 * @module
 */
import type { SocketMode } from './socket-path.js';
import type { QueryParam } from './uri-syntax.js';
import { UriSyntaxError } from './uri-syntax.js';

/**
 * Query parameters read by the client and never sent to the daemon in the
 * CONNECT_OPEN name. Matched case-insensitively, like libvirt's `STRCASEEQ`.
 *
 * @see https://libvirt.org/uri.html#transport-configuration
 */
export const CLIENT_SIDE_URI_PARAMS = [
  'name',
  'command',
  'socket',
  'auth',
  'sshauth',
  'netcat',
  'keyfile',
  'pkipath',
  'known_hosts',
  'known_hosts_verify',
  'tls_priority',
  'mode',
  'proxy',
  'no_sanity',
  'no_verify',
  'no_tty',
  'authfile',
] as const;

/** One of {@link CLIENT_SIDE_URI_PARAMS}. */
export type ClientSideUriParam = (typeof CLIENT_SIDE_URI_PARAMS)[number];

/** How the far end of an ssh tunnel reaches the daemon (`?proxy=`). */
export type SshProxyMode = 'auto' | 'netcat' | 'native';

/** Host-key policy of libvirt's libssh transports (`?known_hosts_verify=`). */
export type KnownHostsVerify = 'normal' | 'auto' | 'ignore';

/** ssh authentication methods of libvirt's libssh transports (`?sshauth=`). */
export type SshAuthMethod = 'agent' | 'privkey' | 'password' | 'keyboard-interactive';

/** The client-side parameters of a URI, decoded. Absent parameters are `undefined`. */
export interface LibvirtUriClientParams {
  /** `?name=`: the exact name to send in CONNECT_OPEN, overriding the computed one. */
  readonly name: string | undefined;
  /** `?command=`: the ssh binary (ssh transport) or the program to run (ext transport). */
  readonly command: string | undefined;
  /** `?socket=`: UNIX socket path (local for unix, remote for ssh). */
  readonly socket: string | undefined;
  /** `?auth=`: preferred auth type, e.g. `polkit`, `sasl`, `sasl.scram-sha-256`. */
  readonly auth: string | undefined;
  /** `?authfile=`: libvirt auth.conf path (read by the auth layer, never sent). */
  readonly authfile: string | undefined;
  /** `?sshauth=`: ssh authentication methods, in order. */
  readonly sshauth: readonly SshAuthMethod[] | undefined;
  /** `?netcat=`: netcat binary on the remote host. */
  readonly netcat: string | undefined;
  /** `?keyfile=`: ssh private key. */
  readonly keyfile: string | undefined;
  /** `?pkipath=`: directory holding `cacert.pem`, `clientcert.pem`, `clientkey.pem`. */
  readonly pkipath: string | undefined;
  /** `?known_hosts=`: ssh known-hosts file. */
  readonly knownHosts: string | undefined;
  /** `?known_hosts_verify=`: ssh host-key policy. */
  readonly knownHostsVerify: KnownHostsVerify | undefined;
  /** `?tls_priority=`: GnuTLS priority string (accepted, not applied: Node uses OpenSSL). */
  readonly tlsPriority: string | undefined;
  /** `?mode=`, defaulting to `auto`. */
  readonly mode: SocketMode;
  /** `?proxy=` as given (the effective mode is `LibvirtUri.sshProxy`). */
  readonly proxy: SshProxyMode | undefined;
  /** `?no_verify=<non-zero>`: skip TLS certificate / ssh host-key verification. */
  readonly noVerify: boolean;
  /** `?no_tty=<non-zero>`: never prompt (ssh `BatchMode=yes`). */
  readonly noTty: boolean;
  /** `?no_sanity=<non-zero>`: skip the sanity check of our own certificate (no effect in Node). */
  readonly noSanity: boolean;
}

const CLIENT_SET: ReadonlySet<string> = new Set(CLIENT_SIDE_URI_PARAMS);

/** `true` when libvirt's client consumes this parameter (case-insensitive). */
export function isClientSideParam(name: string): boolean {
  return CLIENT_SET.has(name.toLowerCase());
}

/** libvirt reads booleans with `virStrToLong_i`: a whole integer, non-zero means "set". */
function parseFlag(name: string, value: string): boolean {
  if (!/^\s*[+-]?\d+$/.test(value)) {
    throw new UriSyntaxError(
      `parameter '${name}' must be an integer (e.g. ${name}=1), got '${value}'`,
      `parameter '${name}' must be an integer (e.g. ${name}=1)`,
    );
  }
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) {
    throw new UriSyntaxError(`parameter '${name}' is out of range`);
  }
  return n !== 0;
}

function oneOf<const T extends string>(name: string, value: string, allowed: readonly T[], caseless: boolean): T {
  const v = caseless ? value.toLowerCase() : value;
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) {
    throw new UriSyntaxError(
      `unknown ${name} '${value}' (expected ${allowed.join('|')})`,
      `unknown ${name} (expected ${allowed.join('|')})`,
    );
  }
  return hit;
}

/**
 * Collect the client-side parameters. When one is repeated the last wins, as
 * in libvirt. `sshParams` asks to validate the ssh-only values
 * (`known_hosts_verify`, `sshauth`), which libvirt only reads for ssh transports.
 *
 * @throws UriSyntaxError on a malformed value.
 */
export function readClientParams(params: readonly QueryParam[], sshParams: boolean): LibvirtUriClientParams {
  const last = new Map<string, string>();
  for (const p of params) {
    const key = p.name.toLowerCase();
    if (CLIENT_SET.has(key)) last.set(key, p.value);
  }
  const get = (k: ClientSideUriParam): string | undefined => last.get(k);
  const flag = (k: ClientSideUriParam): boolean => {
    const v = get(k);
    return v === undefined ? false : parseFlag(k, v);
  };
  const mode = get('mode');
  const proxy = get('proxy');
  const khv = get('known_hosts_verify');
  const sshauth = get('sshauth');
  return {
    name: get('name'),
    command: get('command'),
    socket: get('socket'),
    auth: get('auth'),
    authfile: get('authfile'),
    sshauth:
      sshauth === undefined || !sshParams
        ? undefined
        : sshauth.split(',').map((m) => oneOf('ssh auth method', m, ['agent', 'privkey', 'password', 'keyboard-interactive'], true)),
    netcat: get('netcat'),
    keyfile: get('keyfile'),
    pkipath: get('pkipath'),
    knownHosts: get('known_hosts'),
    knownHostsVerify: khv === undefined || !sshParams ? undefined : oneOf('known_hosts_verify', khv, ['normal', 'auto', 'ignore'], true),
    tlsPriority: get('tls_priority'),
    mode: mode === undefined ? 'auto' : oneOf('remote mode', mode, ['auto', 'legacy', 'direct'], false),
    proxy: proxy === undefined ? undefined : oneOf('proxy type', proxy, ['auto', 'netcat', 'native'], false),
    noVerify: flag('no_verify'),
    noTty: flag('no_tty'),
    noSanity: flag('no_sanity'),
  };
}
