/**
 * The seam between the RPC client and the bytes: a {@link Dialer} returns a
 * connected Duplex. {@link createDialer} picks the built-in transport a URI
 * names; callers with their own tunnel pass `connect` instead.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { InvalidUriError } from '../../errors/index.js';
import type { DialOptions } from './dial-util.js';
import { checkExt, dialExt } from './ext.js';
import { type SshOptions, buildSshArgs, dialSsh } from './ssh.js';
import { dialTcp } from './tcp.js';
import { type TlsOptions, dialTls } from './tls.js';
import { dialUnix } from './unix.js';
import type { LibvirtUri } from './uri.js';

export type { DialOptions } from './dial-util.js';

/**
 * Opens one connection to libvirtd and resolves with the byte stream, ready for
 * the first packet. Each call makes a new connection (the client calls it
 * again to reconnect).
 *
 * @example
 * ```ts
 * // A caller-supplied transport: any Duplex works, e.g. an ssh2 channel.
 * const dialer: Dialer = async ({ signal }) => openMyTunnel({ signal });
 * ```
 */
export type Dialer = (options: DialOptions) => Promise<Duplex>;

/** How to reach the daemon beyond what the URI says. */
export interface TransportOptions {
  /** TLS credentials and verification; overrides `?pkipath=` / `?no_verify=`. */
  tls?: TlsOptions;
  /** ssh program, extra arguments (`-F config`), environment. */
  ssh?: SshOptions;
  /** Your own transport: when set, it is used and the URI's transport is ignored. */
  connect?: Dialer;
  /**
   * Use the read-only socket (`libvirt-sock-ro`; `virt-ssh-helper -r` over ssh),
   * as `virConnectOpenReadOnly` does. This only picks the socket: the client
   * must still send `VIR_CONNECT_RO` in CONNECT_OPEN's flags.
   * @defaultValue false
   */
  readonly?: boolean;
  /**
   * Allow the URI's `?command=` to choose a program to run (the `ext` transport,
   * or the ssh binary). Off by default so an untrusted URI cannot run programs.
   * @defaultValue false
   */
  allowCommand?: boolean;
}

/**
 * A {@link Dialer} for the transport `uri` names: `unix` (local socket),
 * `tcp`, `tls` (`node:tls`, verification on), `ssh` / `libssh` / `libssh2`
 * (the system `ssh`, running `virt-ssh-helper` or `nc -U` remotely) or `ext`
 * (`?command=`, with `allowCommand`). Problems visible without connecting are
 * reported now rather than at the first dial.
 *
 * Each dial applies a connect deadline (default 10 s) and honours its
 * `AbortSignal`; a failed or cancelled attempt destroys the half-open socket or
 * process. Failures are {@link TransportError}s whose message says what to do
 * and whose `cause` is the OS error.
 *
 * @throws {@link InvalidUriError} when the URI cannot be dialled as given
 *   (`ext` or `?command=` without `allowCommand`, unsafe ssh values).
 * @example
 * ```ts
 * const dial = createDialer(parseLibvirtUri('qemu:///system'));
 * const socket = await dial({ timeout: 5000 });
 * ```
 * @see virConnectOpen
 * @see https://libvirt.org/uri.html
 * @see https://libvirt.org/remote.html
 */
export function createDialer(uri: LibvirtUri, options: TransportOptions = {}): Dialer {
  if (options.connect !== undefined) return options.connect;
  const readonly = options.readonly === true;
  switch (uri.transport) {
    case 'unix': {
      const path = readonly ? uri.readonlySocketPath : uri.socketPath;
      if (path === undefined) throw new InvalidUriError(uri.redacted, 'no UNIX socket path could be determined');
      return (dial) => dialUnix(path, dial);
    }
    case 'tcp': {
      const host = uri.host ?? 'localhost';
      const port = uri.port ?? 16509;
      return (dial) => dialTcp(host, port, dial);
    }
    case 'tls':
      return (dial) => dialTls(uri, options.tls ?? {}, dial);
    case 'ext':
      checkExt(uri, { allowCommand: options.allowCommand === true });
      return (dial) => dialExt(uri, { allowCommand: options.allowCommand === true }, dial);
    case 'ssh':
    case 'libssh':
    case 'libssh2': {
      const ssh = { ...options.ssh, readonly, allowCommand: options.allowCommand === true };
      if (uri.client.command !== undefined && !ssh.allowCommand && ssh.binary === undefined) {
        throw new InvalidUriError(uri.redacted, "'?command=' picks the ssh program; pass { allowCommand: true } to allow it");
      }
      buildSshArgs(uri, { readonly }); // validates the values that go on the command line
      return (dial) => dialSsh(uri, ssh, dial);
    }
  }
}
