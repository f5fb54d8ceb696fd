import { ProtocolError } from '../errors/index.js';
import {
  KEEPALIVE_PROGRAM,
  KEEPALIVE_PROTOCOL_VERSION,
  LXC_PROGRAM,
  QEMU_PROGRAM,
  REMOTE_PROGRAM,
  REMOTE_PROTOCOL_VERSION,
} from './protocol/constants.js';
import type { MessageHeader } from './protocol/header.js';

/**
 * The version each program libvirt-manager speaks is at (`*_PROTOCOL_VERSION`
 * of remote_protocol.x, qemu_protocol.x, lxc_protocol.x and
 * virkeepaliveprotocol.x: 1 for all four today).
 */
const PROGRAM_VERSIONS: ReadonlyMap<number, number> = new Map([
  [REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION],
  [QEMU_PROGRAM, 1],
  [LXC_PROGRAM, 1],
  [KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION],
]);

/**
 * Refuse a MESSAGE (event or keepalive) of a known program whose header
 * carries another version of that program. libvirt's client does the same:
 * it takes a packet as keepalive only at `KEEPALIVE_PROTOCOL_VERSION`
 * (`virKeepAliveCheckMessage`), dispatches events only to a program matching
 * program *and* version (`virNetClientProgramMatches`), and closes the
 * connection when none matches (`virNetClientCallDispatchMessage`). Messages
 * of programs this SDK does not know go on to the `onMessage` hook, which
 * ignores them.
 * @throws {@link ProtocolError}: the client closes the connection
 */
export function checkMessageVersion(header: MessageHeader): void {
  const expected = PROGRAM_VERSIONS.get(header.prog);
  if (expected !== undefined && header.vers !== expected) {
    throw new ProtocolError(
      `message of program 0x${header.prog.toString(16)} (proc ${header.proc}) carries protocol version ${header.vers}, expected ${expected}`,
    );
  }
}
