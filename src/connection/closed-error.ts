import { ConnectionClosedError } from '../errors/index.js';
import type { ConnectionCloseInfo } from './connection-events.js';

/**
 * The error a call on a closed (or closing) connection fails with: why it
 * ended (`info`, `null` while close() is still under way), with the link's
 * last error as its `cause`.
 */
export function closedError(info: ConnectionCloseInfo | null): ConnectionClosedError {
  return new ConnectionClosedError(
    info?.reason === 'client' || info === null ? 'client' : 'eof',
    info?.reason === 'reconnect-failed' ? 'the connection was lost and could not be re-established' : 'the connection is closed',
    info?.error === undefined ? undefined : { cause: info.error },
  );
}
