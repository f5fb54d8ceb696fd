/**
 * A whole fake libvirt host for unit tests: the shipped `FakeLibvirtDaemon`
 * serving a `FakeHypervisor` (domains, pools, volumes, events), and a real
 * `LibvirtConnection` to it. Everything the SDK does goes over libvirt's wire
 * protocol, so what a test asserts about calls is what the daemon received.
 * Closed when the test finishes.
 */
import { onTestFinished } from 'vitest';
import { LibvirtConnection, type LibvirtConnectionOptions, type RemoteErrorFields } from '../../src/connection/index.js';
import type { Procedure } from '../../src/rpc/protocol/index.js';
import { FakeLibvirtDaemon, type FakeDaemonOptions } from '../../src/testing/index.js';
import { FakeHypervisor, type FakeHypervisorCall, type FakeHypervisorOptions } from '../../src/testing/fake-hypervisor.js';

/** A running fake host. */
export interface FakeHost {
  daemon: FakeLibvirtDaemon;
  hv: FakeHypervisor;
  conn: LibvirtConnection;
  /** Names of the calls the daemon received since the connection was made (or since {@link mark}), optionally `name:target`. */
  calls(options?: { only?: readonly string[]; target?: boolean }): string[];
  /**
   * {@link calls}, after a round trip (CONNECT_GET_TYPE, left out of the
   * answer) has flushed whatever the SDK already sent: the daemon handles a
   * connection's calls in order, so a call sent without being awaited is seen
   * too. For "sends nothing" checks.
   */
  settledCalls(options?: { only?: readonly string[]; target?: boolean }): Promise<string[]>;
  /** The calls themselves, since the connection was made (or since {@link mark}). */
  received(): FakeHypervisorCall[];
  /** Forget the calls so far (for "sends nothing after this" checks). */
  mark(): void;
  /** The next call of `procedure` fails with this libvirt error (by default an injected VIR_ERR_INTERNAL_ERROR). */
  fail<A, R>(procedure: Procedure<A, R>, error?: Partial<RemoteErrorFields> & { code: number }): void;
  /**
   * The next call of `procedure` is never answered. With `completeAnyway`, the
   * daemon does the work first (libvirt completed a call whose caller gave up);
   * `onArrival` runs once the call is at the daemon (e.g. to abort it there).
   */
  hang<A, R>(procedure: Procedure<A, R>, options?: { completeAnyway?: boolean; onArrival?: () => void }): void;
}

/** Start a fake daemon with a hypervisor and connect to it. */
export async function fakeHost(
  options: {
    hypervisor?: FakeHypervisorOptions;
    daemon?: FakeDaemonOptions;
    connection?: LibvirtConnectionOptions;
    setup?: (hv: FakeHypervisor) => void;
  } = {},
): Promise<FakeHost> {
  const daemon = await FakeLibvirtDaemon.start(options.daemon);
  const hv = FakeHypervisor.install(daemon, options.hypervisor);
  options.setup?.(hv);
  const conn = await LibvirtConnection.connect(daemon.uri, { reconnect: false, keepalive: false, ...options.connection });
  onTestFinished(async () => {
    conn.destroy();
    await daemon.stop();
  });
  let from = hv.calls.length;
  const received = (): FakeHypervisorCall[] => hv.calls.slice(from);
  const names = (list: FakeHypervisorCall[], { only, target = false }: { only?: readonly string[]; target?: boolean } = {}): string[] =>
    list.filter((c) => only === undefined || only.includes(c.name)).map((c) => (target ? `${c.name}:${c.target ?? ''}` : c.name));
  return {
    daemon,
    hv,
    conn,
    received,
    calls: (options) => names(received(), options),
    settledCalls: async (options) => {
      await conn.host.getType({ timeout: 10_000 });
      const list = received();
      const barrier = list.findLastIndex((c) => c.name === 'CONNECT_GET_TYPE');
      return names([...list.slice(0, barrier), ...list.slice(barrier + 1)], options);
    },
    mark: () => {
      from = hv.calls.length;
    },
    fail: (procedure, error = { code: 1, message: `internal error: injected failure of ${procedure.name}` }) => {
      daemon.once(procedure, () => ({ error: { domain: 10, ...error } }));
    },
    hang: (procedure, { completeAnyway = false, onArrival } = {}) => {
      daemon.once(procedure, async (_args, _context, next) => {
        if (completeAnyway) await next();
        if (onArrival !== undefined) setImmediate(onArrival);
        return { hang: true };
      });
    },
  };
}
