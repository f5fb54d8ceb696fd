/**
 * UNIX-socket transport: the local daemon's socket (`/run/libvirt/libvirt-sock`,
 * `virtqemud-sock`, or a session socket).
 *
 * @module
 */
import { type Socket, createConnection } from 'node:net';
import { TransportError } from '../../errors/index.js';
import { type DialOptions, awaitSocket, copiedReads, errnoCode } from './dial-util.js';

/** Turn a failed UNIX connect into an error that says what to do. */
export function explainUnixError(path: string, err: Error): TransportError {
  const code = errnoCode(err);
  let message: string;
  switch (code) {
    case 'ENOENT':
      // Said for someone who installed the package: the repository's setup script is not in it.
      message =
        `no libvirt socket at ${path}: is libvirtd running? Install the libvirt daemon (Debian/Ubuntu: ` +
        'apt-get install libvirt-daemon-system; Fedora/RHEL: dnf install libvirt-daemon-kvm) and start it ' +
        '(systemctl start libvirtd, or virtqemud.socket and virtproxyd.socket where libvirt runs modular daemons); ' +
        "the SDK's repository has scripts/setup-libvirt.sh for Debian";
      break;
    case 'EACCES':
    case 'EPERM':
      message = `permission denied on ${path}: add your user to the libvirt group or use polkit ` + '(or open the connection read-only)';
      break;
    case 'ECONNREFUSED':
      message = `${path} exists but no daemon accepts connections on it: libvirtd stopped or crashed; restart it`;
      break;
    case 'ENOTSOCK':
      message = `${path} is not a socket: check ?socket= in the URI`;
      break;
    default:
      message = `cannot connect to ${path}: ${code ?? err.message}`;
  }
  return new TransportError(message, { cause: err });
}

/**
 * Connect to a UNIX socket.
 *
 * @throws {@link TransportError} (socket missing, permission denied, refused),
 *   {@link TimeoutError}, {@link AbortError}.
 * @example
 * ```ts
 * const socket = await dialUnix('/run/libvirt/libvirt-sock', { timeout: 5000 });
 * ```
 * @see https://libvirt.org/remote.html#transports
 */
export function dialUnix(path: string, options: DialOptions = {}): Promise<Socket> {
  return awaitSocket(
    options,
    `connecting to ${path}`,
    () => {
      const socket: Socket = createConnection({ path, onread: copiedReads(() => socket) });
      return socket;
    },
    'connect',
    (err) => explainUnixError(path, err),
  );
}
