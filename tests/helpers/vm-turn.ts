/**
 * The per-VM queue seen from a test: hold a VM's turn as a long operation
 * would (a shutdown waiting for its guest), and record what the registry
 * shows meanwhile.
 */
import type { DomainRef, LibvirtConnection } from '../../src/connection/internal.js';
import type { LibvirtManager } from '../../src/index.js';
import { Budget, locksOf, vmKey } from '../../src/runtime/index.js';

/** A turn held by {@link holdVmTurn}. */
export interface HeldTurn {
  /** Give the turn back (idempotent). */
  release(): void;
  /** Settles once the turn was given back. */
  done: Promise<void>;
}

/** Take the VM's turn in the connection's per-VM queue; resolves once it is held. */
export async function holdVmTurn(connection: LibvirtConnection, domain: DomainRef): Promise<HeldTurn> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const done = locksOf(connection).run(vmKey(domain), new Budget(30_000), async () => {
    entered();
    await held;
  });
  await inside;
  return { release, done };
}

/** Every registry change of one VM as `'<state>:<in-flight command or ->'`, until `stop()`. */
export function watchVmChanges(manager: LibvirtManager, domain: DomainRef): { seen: string[]; stop(): Promise<void> } {
  const seen: string[] = [];
  const controller = new AbortController();
  const watching = (async () => {
    for await (const c of manager.vms.changes({ vm: domain, signal: controller.signal }))
      seen.push(`${c.current.state}:${c.current.inFlight?.command ?? '-'}`);
  })();
  return {
    seen,
    stop: async () => {
      controller.abort();
      await watching;
    },
  };
}
