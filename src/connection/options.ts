import { InvalidArgumentError, checkKeys, type KnownKeys } from '../errors/index.js';
import {
  type Dialer,
  type KeepaliveOptions,
  type Logger,
  checkDuration,
  type SaslOptions,
  type SshOptions,
  type TlsOptions,
  checkSaslOptions,
  resolveKeepalive,
} from '../rpc/index.js';
import { type ReconnectPolicy, type ResolvedReconnectPolicy, resolveReconnectPolicy } from './backoff.js';

type TlsFileEnvironment = NonNullable<TlsOptions['files']>;

/** Options of {@link LibvirtConnection.connect}. */
export interface LibvirtConnectionOptions {
  /**
   * Our keepalive pings: the link is declared dead after `interval × count` ms
   * without any packet from the daemon. `false` disables our pings (we still
   * answer the daemon's). @default { interval: 5000, count: 5 }
   */
  keepalive?: KeepaliveOptions | false;
  /** Reconnect policy; `false` turns reconnecting off. @default exponential backoff with jitter, unlimited attempts */
  reconnect?: ReconnectPolicy | boolean;
  /**
   * What a call made while the connection is reconnecting does: `'wait'` for
   * the link (bounded by the call's own `timeout`/`signal`), or `'fail'` at once
   * with `ConnectionClosedError`. @default 'wait'
   */
  whileReconnecting?: 'wait' | 'fail';
  /** Default per-call timeout in ms; `0` means none (keepalive still detects dead links). @default 0 */
  defaultTimeout?: number;
  /** Bound on dialing plus handshake, for the first open and each reconnect attempt, in ms. @default 30000 */
  connectTimeout?: number;
  /** Open read-only (`virConnectOpenReadOnly`). @default false */
  readonly?: boolean;
  /** TLS credentials and verification (`qemu+tls://…`). */
  tls?: TlsOptions;
  /** ssh program, arguments and environment (`qemu+ssh://…`). */
  ssh?: SshOptions;
  /**
   * Credentials for a listener that asks for SASL (`auth_tls = "sasl"`):
   * SCRAM-SHA-256 by default; the password may be a function, called at each
   * (re)connect. Never sent over plain TCP.
   */
  sasl?: SaslOptions;
  /** Your own transport; the URI still names the driver to open. */
  connect?: Dialer;
  /** Allow `?command=` in the URI to choose a program to run. @default false */
  allowCommand?: boolean;
  /** Logger for connection-level events (never receives secrets or payloads). */
  logger?: Logger;
}

/**
 * The options {@link LibvirtConnectionOptions} declares: any other key is refused
 * (`unknown option 'timeout' (did you mean 'connectTimeout' or 'defaultTimeout'?)`),
 * so a misspelled option cannot leave its default in place unnoticed. Tied to the type:
 * an option added there and not here fails tsc. The nested objects' keys are in
 * {@link NESTED_OPTION_KEYS}.
 */
export const CONNECTION_OPTION_KEYS = {
  keepalive: true,
  reconnect: true,
  whileReconnecting: true,
  defaultTimeout: true,
  connectTimeout: true,
  readonly: true,
  tls: true,
  ssh: true,
  sasl: true,
  connect: true,
  allowCommand: true,
  logger: true,
} as const satisfies KnownKeys<LibvirtConnectionOptions>;

/**
 * The keys of the nested option objects (`tls`, `tls.files`, `ssh`, `sasl`, `keepalive`, `reconnect`):
 * `tls: { caa: … }` is refused as `unknown option 'tls.caa' (did you mean 'ca'?)` rather than
 * dialing without the CA.
 */
const NESTED_OPTION_KEYS = {
  tls: {
    ca: true,
    cert: true,
    key: true,
    passphrase: true,
    crl: true,
    pkipath: true,
    rejectUnauthorized: true,
    servername: true,
    minVersion: true,
    ciphers: true,
    files: true,
  } as const satisfies KnownKeys<TlsOptions>,
  ssh: { binary: true, extraArgs: true, env: true, stderrLimit: true } as const satisfies KnownKeys<SshOptions>,
  sasl: { username: true, password: true, mechanisms: true } as const satisfies KnownKeys<SaslOptions>,
  keepalive: { interval: true, count: true } as const satisfies KnownKeys<KeepaliveOptions>,
  reconnect: {
    enabled: true,
    initialDelay: true,
    maxDelay: true,
    factor: true,
    jitter: true,
    maxAttempts: true,
  } as const satisfies KnownKeys<ReconnectPolicy>,
} as const;
const TLS_FILES_KEYS = { uid: true, home: true, existsSync: true } as const satisfies KnownKeys<TlsFileEnvironment>;

/** Refuse an unknown key inside a nested option object (those given as objects; `false`/`true` have none). */
function checkNestedKeys(options: LibvirtConnectionOptions): void {
  for (const section of Object.keys(NESTED_OPTION_KEYS) as (keyof typeof NESTED_OPTION_KEYS)[]) {
    const value: unknown = options[section];
    if (typeof value === 'object' && value !== null) checkKeys(value, NESTED_OPTION_KEYS[section], section, { kind: 'option' });
  }
  const files: unknown = options.tls?.files;
  if (typeof files === 'object' && files !== null) checkKeys(files, TLS_FILES_KEYS, 'tls.files', { kind: 'option' });
}

/** Options after validation. */
export interface ResolvedConnectionOptions {
  keepalive: KeepaliveOptions | false;
  reconnect: ResolvedReconnectPolicy;
  whileReconnecting: 'wait' | 'fail';
  defaultTimeout: number;
  connectTimeout: number;
  readonly: boolean;
  logger: Logger | undefined;
  sasl: SaslOptions | undefined;
}

/**
 * Validate connection options before anything is dialed.
 * @throws InvalidArgumentError naming the bad option, or an unknown one (`path` the key).
 */
export function resolveConnectionOptions(options: LibvirtConnectionOptions): ResolvedConnectionOptions {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  checkKeys(options, CONNECTION_OPTION_KEYS, '', { kind: 'option' });
  checkNestedKeys(options);
  const nonNegative = (value: number | undefined, fallback: number, path: string): number => {
    return checkDuration(value, path) ?? fallback;
  };
  const whileReconnecting = options.whileReconnecting ?? 'wait';
  if (whileReconnecting !== 'wait' && whileReconnecting !== 'fail') {
    throw new InvalidArgumentError(`whileReconnecting must be 'wait' or 'fail', got ${String(whileReconnecting)}`, {
      path: 'whileReconnecting',
    });
  }
  checkSaslOptions(options.sasl);
  // Checked here, before anything is dialed (the handshake applies it).
  if (options.keepalive !== undefined && options.keepalive !== false) resolveKeepalive(options.keepalive);
  return {
    keepalive: options.keepalive ?? {},
    reconnect: resolveReconnectPolicy(options.reconnect),
    whileReconnecting,
    defaultTimeout: nonNegative(options.defaultTimeout, 0, 'defaultTimeout'),
    connectTimeout: nonNegative(options.connectTimeout, 30_000, 'connectTimeout'),
    readonly: options.readonly === true,
    logger: options.logger,
    sasl: options.sasl,
  };
}
