/**
 * libvirt connection URIs: `driver[+transport]://[user@][host][:port]/path[?params]`,
 * parsed exactly as libvirt's remote driver reads them.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { InvalidUriError } from '../../errors/index.js';
import { remoteSystemSocket, resolveUnixSocket, type SocketEnvironment } from './socket-path.js';
import { type LibvirtUriClientParams, type SshProxyMode, isClientSideParam, readClientParams } from './uri-params.js';
import {
  type QueryParam,
  UriSyntaxError,
  formatName,
  parsePort,
  parseQuery,
  passwordSpan,
  percentDecode,
  splitAuthority,
  splitUri,
  redactUri,
} from './uri-syntax.js';

/** The transports libvirt knows, as written after `+` in the scheme. */
export const LIBVIRT_TRANSPORTS = ['unix', 'tcp', 'tls', 'ssh', 'libssh', 'libssh2', 'ext'] as const;
/** One of {@link LIBVIRT_TRANSPORTS}. */
export type LibvirtTransport = (typeof LIBVIRT_TRANSPORTS)[number];

/** libvirt's default ports (`LIBVIRTD_TCP_PORT`, `LIBVIRTD_TLS_PORT`) and ssh's. */
export const DEFAULT_PORTS = { tcp: 16509, tls: 16514, ssh: 22 } as const;

/** URIs longer than this are refused before any parsing (64 KiB). */
export const MAX_URI_LENGTH = 64 * 1024;

/** A parsed libvirt URI. Never holds a password: one given in the URI is dropped. */
export interface LibvirtUri {
  /** The URI as given, minus any password; safe for logs and errors. */
  readonly redacted: string;
  /** Full scheme as written, e.g. `qemu+ssh`. */
  readonly scheme: string;
  /** Driver part of the scheme, e.g. `qemu`, `test`, `remote`. */
  readonly driver: string;
  /** Transport: from `+transport`, else `tls` when a host is given, else `unix`. */
  readonly transport: LibvirtTransport;
  /** `true` when the scheme named the transport. */
  readonly transportExplicit: boolean;
  /** User name from `user@host`, percent-decoded. */
  readonly user: string | undefined;
  /** Host without IPv6 brackets; `undefined` for `driver:///path` (network transports then use `localhost`). */
  readonly host: string | undefined;
  /** Port to dial: the URI's, else 16509 (tcp), 16514 (tls), 22 (ssh family); `undefined` for unix/ext. */
  readonly port: number | undefined;
  /** `true` when the URI gave the port (ssh only passes `-p` then, so `~/.ssh/config` can choose). */
  readonly portExplicit: boolean;
  /** Path, percent-decoded, e.g. `/system`; `''` when absent. */
  readonly path: string;
  /** Fragment, percent-decoded. */
  readonly fragment: string | undefined;
  /** Every query parameter, decoded, in order (client-side ones included). */
  readonly params: readonly QueryParam[];
  /** The client-side parameters, typed. */
  readonly client: LibvirtUriClientParams;
  /**
   * The name to send in CONNECT_OPEN: driver-only scheme, no user/host/port, the
   * same path and fragment, and the query minus client-side parameters; `?name=`
   * wins; `""` for `remote` / `remote+…` schemes (the daemon picks).
   */
  readonly name: string;
  /** URI handed to `virt-ssh-helper` on the remote host: like `name` but keeping `mode` and `socket`. */
  readonly sshHelperUri: string;
  /** `true` when libvirt would use the per-user session daemon (`/session`, or `test+…`, as non-root). */
  readonly session: boolean;
  /** Effective ssh proxy (`?proxy=`, else netcat when `socket=`/`netcat=` is set, native for session URIs, else auto). */
  readonly sshProxy: SshProxyMode;
  /** unix: the local socket; ssh family: the remote socket for `nc -U`; else `undefined`. */
  readonly socketPath: string | undefined;
  /** Same as `socketPath` for a read-only connection (`-ro` socket of system daemons). */
  readonly readonlySocketPath: string | undefined;
}

/** Local facts that change the unix socket choice; every field defaults to the real value. */
export interface UriEnvironment {
  /** Effective uid (default `process.geteuid()`). */
  uid?: number;
  /** Default `process.env.XDG_RUNTIME_DIR`. */
  xdgRuntimeDir?: string;
  /** Default `process.env.XDG_CACHE_HOME`. */
  xdgCacheHome?: string;
  /** Default `os.homedir()`. */
  home?: string;
  /** Default `fs.existsSync`. */
  existsSync?: (path: string) => boolean;
}

const SSH_FAMILY: ReadonlySet<LibvirtTransport> = new Set(['ssh', 'libssh', 'libssh2']);

/**
 * `true` for the transports that tunnel through ssh (`ssh`, `libssh`, `libssh2`).
 *
 * @example
 * ```ts
 * isSshTransport(parseLibvirtUri('qemu+libssh://kvm1/system').transport); // true
 * ```
 */
export function isSshTransport(t: LibvirtTransport): boolean {
  return SSH_FAMILY.has(t);
}

// Host and user end up on an ssh command line, and ssh expands them into
// ProxyCommand/Match exec lines run by a shell (%h, %r). Only plain names pass.
const SAFE_HOST = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const SAFE_IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9._~-]+)?$/;
const SAFE_USER = /^[A-Za-z0-9_.][A-Za-z0-9_.@+-]*$/;

/**
 * Throw the `InvalidUriError` for `input`: the URI shown without its password,
 * and, when it has one, a message that quotes nothing from it (a quoted host,
 * port or value of a URI whose password has a raw `/`, `?` or `#` may be a
 * piece of that password).
 */
function fail(input: string, problem: UriSyntaxError | string): never {
  const error = typeof problem === 'string' ? new UriSyntaxError(problem) : problem;
  const secret = passwordSpan(input) !== undefined;
  let shown = redactUri(input);
  if (shown.length > 256) shown = `${shown.slice(0, 256)}…`; // keep errors and logs small
  throw new InvalidUriError(shown, `invalid libvirt URI '${shown}': ${secret ? error.withoutValues : error.message}`);
}

function environment(env: UriEnvironment): SocketEnvironment {
  return {
    uid: env.uid ?? (typeof process.geteuid === 'function' ? process.geteuid() : 0),
    xdgRuntimeDir: env.xdgRuntimeDir ?? process.env.XDG_RUNTIME_DIR,
    xdgCacheHome: env.xdgCacheHome ?? process.env.XDG_CACHE_HOME,
    home: env.home ?? homedir(),
    existsSync: env.existsSync ?? existsSync,
  };
}

function splitScheme(scheme: string): { driver: string; transport: string | undefined } {
  const plus = scheme.indexOf('+');
  return plus < 0
    ? { driver: scheme, transport: undefined }
    : { driver: scheme.slice(0, plus), transport: scheme.slice(plus + 1).toLowerCase() };
}

/**
 * Parse a libvirt connection URI the way libvirt's remote driver does, and
 * compute everything needed to reach the daemon: transport, host, port, the
 * UNIX socket, and the `name` to send in CONNECT_OPEN.
 *
 * @param uri - e.g. `qemu:///system`, `test+unix:///default`, `qemu+ssh://root@host/system?keyfile=/k`.
 * @param env - overrides for the local facts (uid, XDG dirs, home, `existsSync`), for tests.
 * @returns a frozen {@link LibvirtUri}.
 * @throws {@link InvalidUriError} when the text is not a URI, names an unknown
 *   transport, has an empty driver, combines `unix` with a host, has a bad
 *   parameter value, or is longer than 64 KiB. The error's `uri` has no password.
 *
 * @example
 * ```ts
 * const u = parseLibvirtUri('qemu+ssh://admin@kvm1/system');
 * u.transport; // 'ssh'
 * u.name;      // 'qemu:///system'
 * u.socketPath // '/var/run/libvirt/libvirt-sock' (on kvm1, for the nc fallback)
 * ```
 * @see https://libvirt.org/uri.html
 * @see https://libvirt.org/remote.html
 * @see virConnectOpen
 */
export function parseLibvirtUri(uri: string, env: UriEnvironment = {}): LibvirtUri {
  if (typeof uri !== 'string') fail('', `a URI must be a string, got ${typeof uri}`);
  if (uri.length > MAX_URI_LENGTH) fail(uri, `longer than ${MAX_URI_LENGTH} characters`);
  try {
    return build(uri, environment(env));
  } catch (err) {
    if (err instanceof UriSyntaxError) fail(uri, err);
    throw err;
  }
}

function build(input: string, env: SocketEnvironment): LibvirtUri {
  // A password with a raw `/`, `?`, `#` or `@` (or an `@` in the path or query after a port) would be split
  // into host, port, path or query: dialled, sent to a daemon, shown in its errors. Refused, with the fix.
  if (passwordSpan(input)?.exact === false) {
    throw new UriSyntaxError(
      "the text from ':' to the last '@' may be a password, and would not be read as one: percent-encode " +
        "'/', '?', '#' and '@' inside a password (%2F %3F %23 %40), and '@' in a path or query (%40)",
    );
  }
  const parts = splitUri(input);
  const { driver, transport: transportText } = splitScheme(parts.scheme);
  if (driver === '') throw new UriSyntaxError("empty driver name before '+'");

  const auth = parts.authority === undefined ? undefined : splitAuthority(parts.authority);
  let host: string | undefined;
  if (auth !== undefined && auth.host !== '') {
    host = auth.host.startsWith('[') ? percentDecode(auth.host.slice(1, -1), 'the host') : percentDecode(auth.host, 'the host');
    const ok = auth.host.startsWith('[') ? SAFE_IPV6.test(host) : SAFE_HOST.test(host);
    if (!ok)
      throw new UriSyntaxError(`host '${host}' is not a plain host name or IP address`, 'the host is not a plain host name or IP address');
  }
  let user: string | undefined;
  if (auth?.userinfo !== undefined) {
    const colon = auth.userinfo.indexOf(':'); // anything after ':' is a password: dropped here, never stored
    const raw = colon < 0 ? auth.userinfo : auth.userinfo.slice(0, colon);
    user = raw === '' ? undefined : percentDecode(raw, 'the user name');
    if (user !== undefined && !SAFE_USER.test(user)) {
      throw new UriSyntaxError(
        `user '${user}' contains characters that are not allowed in a user name`,
        'the user name contains characters that are not allowed in a user name',
      );
    }
  }
  const explicitPort = host === undefined ? undefined : parsePort(auth?.port);

  let transport: LibvirtTransport;
  if (transportText === undefined) {
    transport = host === undefined ? 'unix' : 'tls';
  } else {
    const t = LIBVIRT_TRANSPORTS.find((x) => x === transportText);
    if (t === undefined) {
      throw new UriSyntaxError(
        `unknown transport '${transportText}' (expected ${LIBVIRT_TRANSPORTS.join('|')})`,
        `unknown transport (expected ${LIBVIRT_TRANSPORTS.join('|')})`,
      );
    }
    transport = t;
  }
  if (transport === 'unix' && host !== undefined) {
    throw new UriSyntaxError(
      `the unix transport cannot reach the remote server '${host}'`,
      'the unix transport cannot reach a remote server',
    );
  }

  const path = percentDecode(parts.path, 'the path');
  if (path !== '' && !path.startsWith('/')) throw new UriSyntaxError("the path must start with '/' (e.g. qemu:///system)");
  const fragment = parts.fragment === undefined ? undefined : percentDecode(parts.fragment, 'the fragment');
  const params = parts.query === undefined ? [] : parseQuery(parts.query);
  const ssh = isSshTransport(transport);
  const client = readClientParams(params, ssh);

  if (transport === 'ext' && client.command === undefined) {
    throw new UriSyntaxError("the ext transport needs '?command=/path/to/program'");
  }
  const session = path !== '' && (path === '/session' || parts.scheme.startsWith('test+')) && env.uid > 0;

  const isRemoteScheme = parts.scheme === 'remote' || parts.scheme.startsWith('remote+');
  const passthrough = params.filter((p) => !isClientSideParam(p.name));
  const forHelper = params.filter((p) => {
    const n = p.name.toLowerCase();
    return !isClientSideParam(n) || n === 'mode' || n === 'socket';
  });
  const name = client.name ?? (isRemoteScheme ? '' : formatName(driver, path, passthrough, fragment));
  const sshHelperUri = client.name ?? (isRemoteScheme ? '' : formatName(driver, path, forHelper, fragment));

  let sshProxy: SshProxyMode = client.proxy ?? (client.socket !== undefined ? 'netcat' : session ? 'native' : 'auto');
  if (sshProxy === 'auto' && client.netcat !== undefined) sshProxy = 'netcat';
  if (ssh && sshProxy === 'native' && client.netcat !== undefined) {
    throw new UriSyntaxError("'netcat=' cannot be used with proxy=native");
  }

  let socketPath: string | undefined;
  let readonlySocketPath: string | undefined;
  if (transport === 'unix') {
    const req = { driver, mode: client.mode, session };
    socketPath = client.socket ?? resolveUnixSocket({ ...req, readonly: false }, env);
    readonlySocketPath = client.socket ?? resolveUnixSocket({ ...req, readonly: true }, env);
  } else if (ssh) {
    if (client.mode === 'direct' && client.socket === undefined) {
      throw new UriSyntaxError(`mode=direct cannot be used with the ${transport} transport`);
    }
    // A session daemon's socket lives in the remote user's runtime dir, which only
    // virt-ssh-helper on that host can know; libvirt's local guess would be wrong there.
    if (client.socket !== undefined || !session) {
      socketPath = client.socket ?? remoteSystemSocket(false);
      readonlySocketPath = client.socket ?? remoteSystemSocket(true);
    } else if (sshProxy === 'netcat') {
      throw new UriSyntaxError("a session URI over ssh with proxy=netcat needs '?socket=' (the remote socket path)");
    }
  }

  const port =
    explicitPort ??
    (transport === 'tcp' ? DEFAULT_PORTS.tcp : transport === 'tls' ? DEFAULT_PORTS.tls : ssh ? DEFAULT_PORTS.ssh : undefined);

  return Object.freeze({
    redacted: redactUri(input),
    scheme: parts.scheme,
    driver,
    transport,
    transportExplicit: transportText !== undefined,
    user,
    host,
    port: transport === 'unix' || transport === 'ext' ? undefined : port,
    portExplicit: explicitPort !== undefined,
    path,
    fragment,
    params: Object.freeze(params.map((p) => Object.freeze(p))),
    client: Object.freeze(client),
    name,
    sshHelperUri,
    session,
    sshProxy,
    socketPath,
    readonlySocketPath,
  });
}
