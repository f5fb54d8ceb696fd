import type { LifecycleConnection, LifecycleContext } from './context.js';
import { type VmLifecycleManagerOptions, resolveManagerOptions } from './options.js';
import { locksOf } from '../runtime/index.js';

/**
 * The plumbing of one lifecycle manager — or of another module that runs
 * operations the same way (the devices module): the connection, the
 * connection's one lock table, and the confirmation timings.
 *
 * @throws InvalidArgumentError for a bad `pollInterval` or `eventGrace`
 */
export function createLifecycleContext(connection: LifecycleConnection, options: VmLifecycleManagerOptions = {}): LifecycleContext {
  const resolved = resolveManagerOptions(options);
  let rebootEvents: Promise<boolean> | null = null;
  return {
    connection,
    logger: resolved.logger,
    pollInterval: resolved.pollInterval,
    eventGrace: resolved.eventGrace,
    // The connection's one lock table: every manager, destroyer and registry on it queues here.
    locks: locksOf(connection),
    emitsRebootEvents: (deadline) => {
      // The test driver never emits VIR_DOMAIN_EVENT_ID_REBOOT; hypervisors do. Asked once.
      // A failed probe (its caller aborted, the link was down) says nothing: assume events, and ask again next time
      // (kept, `true` would make every later reboot on the test driver wait for an event until it times out).
      const probe = (rebootEvents ??= connection.host.getType(deadline.call(10_000)).then((type) => type.toUpperCase() !== 'TEST'));
      return probe.catch(() => {
        if (rebootEvents === probe) rebootEvents = null;
        return true;
      });
    },
  };
}
