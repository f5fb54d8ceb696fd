/**
 * Shared set-up for the procedure integration tests: one RPC client on
 * `test+unix:///default`, a recorder of which descriptors were exercised, an
 * event collector, and unique names for throwaway objects (the test driver's
 * state is shared by every open connection, so nothing may collide).
 */
import { expect } from 'vitest';
import { LibvirtError, UnsupportedError } from '../../../src/errors/index.js';
import { type RpcClient, type RpcStream, connectRpc } from '../../../src/rpc/index.js';
import { type DecodedEvent, type Procedure, REMOTE_PROGRAM, decodeEvent } from '../../../src/rpc/protocol/index.js';

/** virErrorNumber VIR_ERR_RPC: among others, "unable to decode message payload". */
const VIR_ERR_RPC = 39;

/** The URI every procedure test talks to. */
export const TEST_URI = 'test+unix:///default';

/** A connected client plus helpers that record coverage. */
export interface ProcedureHarness {
  client: RpcClient;
  events: DecodedEvent[];
  covered: Set<number>;
  call<A, R>(d: Procedure<A, R>, args: A): Promise<R>;
  /** Call `d` and expect the daemon to reject it with `UnsupportedError` (VIR_ERR_NO_SUPPORT). */
  unsupported<A, R>(d: Procedure<A, R>, args: A): Promise<void>;
  /** Call `d` and expect a LibvirtError with `code`. */
  fails<A, R>(d: Procedure<A, R>, args: A, code: number): Promise<void>;
  /**
   * Call `d` and expect libvirt to answer: a value, or its own error for what the driver lacks or refuses
   * (`undefined` then). An arguments payload the daemon cannot decode (VIR_ERR_RPC) fails the test.
   */
  answered<A, R>(d: Procedure<A, R>, args: A): Promise<R | undefined>;
  /** Open a stream procedure; its reply value (e.g. the screenshot MIME type) is not returned by `openStream`. */
  stream<A>(d: Procedure<A, unknown>, args: A): Promise<RpcStream>;
  waitForEvent(pred: (e: DecodedEvent) => boolean, what: string): Promise<DecodedEvent>;
  close(): Promise<void>;
}

/** Open a client that decodes every event MESSAGE into `events`. */
export async function openHarness(): Promise<ProcedureHarness> {
  const events: DecodedEvent[] = [];
  const covered = new Set<number>();
  const client = await connectRpc(TEST_URI, {
    timeout: 10_000,
    onMessage(header, payload) {
      if (header.prog !== REMOTE_PROGRAM) return;
      const decoded = decodeEvent(header.proc, payload);
      if (decoded !== undefined) events.push(decoded);
    },
  });
  return {
    client,
    events,
    covered,
    call(d, args) {
      covered.add(d.proc);
      return client.call(d, args, { timeout: 10_000 });
    },
    async unsupported(d, args) {
      covered.add(d.proc);
      const call = d.stream === undefined ? client.call(d, args) : client.openStream(d as Procedure<unknown, void>, args);
      await expect(call).rejects.toBeInstanceOf(UnsupportedError);
    },
    async fails(d, args, code) {
      covered.add(d.proc);
      await expect(client.call(d, args)).rejects.toMatchObject({ code });
    },
    async answered(d, args) {
      covered.add(d.proc);
      try {
        return await client.call(d, args, { timeout: 10_000 });
      } catch (error) {
        // UnsupportedError covers VIR_ERR_NO_SUPPORT and an unknown procedure (a daemon older than the call).
        const libvirts = error instanceof UnsupportedError || (error instanceof LibvirtError && error.code !== VIR_ERR_RPC);
        expect(libvirts, `${d.name}: ${String(error)}`).toBe(true);
        return undefined;
      }
    },
    stream(d, args) {
      covered.add(d.proc);
      return client.openStream(d as Procedure<unknown, void>, args, { timeout: 10_000 });
    },
    async waitForEvent(pred, what) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = events.find(pred);
        if (found !== undefined) return found;
        if (Date.now() > deadline) throw new Error(`no ${what} event within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => client.close(),
  };
}

/** A name no other test run or engineer will use. */
export function uniqueName(prefix: string): string {
  return `itest-${prefix}-${process.pid}-${Date.now().toString(36)}`;
}

/** Minimal domain XML the test driver accepts; pass `uuid` to redefine an existing domain. */
export function domainXml(name: string, uuid?: string): string {
  const id = uuid === undefined ? '' : `<uuid>${uuid}</uuid>`;
  return `<domain type='test'><name>${name}</name>${id}<memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
}

/** Run cleanup steps, ignoring failures (the object may already be gone). */
export async function bestEffort(...steps: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of steps) await step().catch(() => undefined);
}
