import { AuthError, type ConnectionClosedError, InvalidUriError, type LibvirtManagerError } from '../errors/index.js';
import type { RpcLink } from '../rpc/index.js';
import { log } from '../rpc/logger.js';
import { backoffDelay, sleep } from './backoff.js';
import type { ConnectionCloseInfo, LibvirtConnectionEvents } from './connection-events.js';
import type { ConnectionMachineEvent } from './machine.js';
import type { ResolvedConnectionOptions } from './options.js';

/** What the reconnect loop reads and does on its connection (closures over the connection's private state). */
export interface ReconnectHost {
  readonly uri: string;
  /** The connection's options: `reconnect` (the policy), `connectTimeout` (bounds each replay), `logger`. */
  readonly options: Pick<ResolvedConnectionOptions, 'reconnect' | 'connectTimeout' | 'logger'>;
  /** Aborted by close() and destroy(): ends the backoff sleep and the attempt's dial. */
  readonly closeSignal: AbortSignal;
  /** close() or destroy() has begun. */
  closing(): boolean;
  send(event: ConnectionMachineEvent): void;
  emit<K extends 'reconnecting' | 'reconnected' | 'error'>(event: K, ...args: LibvirtConnectionEvents[K]): void;
  /** Dial and handshake a link under the connection's mutex (a connect() may hold it), bounded by `closeSignal`. */
  open(): Promise<RpcLink>;
  /** Make `link` the connection's link, watched for its loss. */
  attach(link: RpcLink): void;
  current(): RpcLink | null;
  /** `link` is no longer the connection's link: forget it. */
  forget(): void;
  reconnects(): number;
  /** Register every event subscription on `link`, then tell them of reconnect number `reconnects`. */
  replay(link: RpcLink, reconnects: number, options: { timeout: number }): Promise<void>;
  /** Hand `link` to the calls that waited for it. */
  release(link: RpcLink): void;
  /** The connection ended for good. */
  finish(info: ConnectionCloseInfo): void;
}

/**
 * The link was lost: reconnect with backoff and jitter until a link is open
 * and its event subscriptions are replayed, the policy gives up (or is off),
 * or the connection is closed. Runs once per loss; a link lost during its own
 * replay is retried by this loop, not by a second one.
 */
export async function reconnectAfterLoss(host: ReconnectHost, error: LibvirtManagerError): Promise<void> {
  if (host.closing()) return;
  const { uri, options } = host;
  const { logger, reconnect: policy } = options;
  log(logger, 'warn', 'libvirt connection lost', { uri, reason: (error as ConnectionClosedError).reason });
  if (!policy.enabled) {
    host.finish({ reason: 'lost', error });
    return;
  }
  host.send({ type: 'link.lost' });
  let lastError: LibvirtManagerError | undefined = error;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const delay = backoffDelay(policy, attempt);
    host.send({ type: 'reconnect.attempt', attempt, delay });
    host.emit('reconnecting', { attempt, delay, error: lastError });
    if (!(await sleep(delay, host.closeSignal))) return;
    let link: RpcLink | undefined;
    try {
      link = await host.open();
      if (host.closing()) {
        link.client.destroy();
        return;
      }
      host.attach(link);
      // Replay subscriptions on the new link before anyone else uses it.
      await host.replay(link, host.reconnects() + 1, { timeout: options.connectTimeout });
      if (host.current() !== link) continue; // lost again while replaying
      host.send({ type: 'reconnect.succeeded' });
      host.release(link);
      log(logger, 'info', 'libvirt connection re-established', { uri, attempt });
      host.emit('reconnected', { attempt, reconnects: host.reconnects() });
      return;
    } catch (attemptError) {
      // The link opened but its replay failed: close it, or the next attempt's link replaces it and its socket
      // stays open (with its event registrations on the daemon) for the life of the process.
      if (link !== undefined && host.current() === link) {
        host.forget();
        link.client.destroy();
      }
      if (host.closing()) return;
      lastError = attemptError as LibvirtManagerError;
      log(logger, 'warn', 'reconnect attempt failed', { uri, attempt, error: String(attemptError) });
      // Emitted to each listener on its own: with none, nothing happens (no 'error' throw as from a plain emit).
      host.emit('error', lastError);
      // Wrong credentials or a bad URI will not fix themselves.
      if (attemptError instanceof AuthError || attemptError instanceof InvalidUriError) break;
    }
  }
  host.send({ type: 'reconnect.exhausted' });
  host.finish({ reason: 'reconnect-failed', error: lastError });
}
