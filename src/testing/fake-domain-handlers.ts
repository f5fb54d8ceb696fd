import { randomUUID } from 'node:crypto';
import type { FakeReply } from './fake-daemon.js';
import { FAKE_EVENT, type FakeDomain, type FakeDomainState, type FakeHypervisorModel } from './fake-hypervisor-model.js';
import { fakeError, xmlElementText } from './fake-wire.js';
import type { Procedure } from '../rpc/protocol/procedure.js';
import * as P from '../rpc/protocol/procedures/index.js';
import type { DomainRef } from '../rpc/protocol/types.js';

// virDomainState codes, and the reason codes the fake uses (virDomain<State>Reason).
const STATE_CODE: Record<FakeDomainState, number> = {
  nostate: 0,
  running: 1,
  blocked: 2,
  paused: 3,
  shutdown: 4,
  shutoff: 5,
  crashed: 6,
  pmsuspended: 7,
};
const RUNNING_BOOTED = 1;
const RUNNING_RESTORED = 3;
const RUNNING_UNPAUSED = 5;
const RUNNING_WAKEUP = 8;
const PAUSED_USER = 1;
const SHUTOFF_SHUTDOWN = 1;
const SHUTOFF_DESTROYED = 2;
const SHUTOFF_SAVED = 5;

// virDomainCreateFlags: START_PAUSED 1, AUTODESTROY 2, BYPASS_CACHE 4, FORCE_BOOT 8, RESET_NVRAM 16.
const START_PAUSED = 1;
const START_FORCE_BOOT = 8;
const START_FLAGS = 0x1f;
// virDomainUndefineFlagsValues: MANAGED_SAVE 1 … KEEP_TPM 64.
const UNDEFINE_MANAGED_SAVE = 1;
const UNDEFINE_FLAGS = 0x7f;

const VIR_FROM_DOMAIN = 10;
const notFound = (dom: { name: string; uuid: string }): FakeReply<never> =>
  fakeError(42, `Domain not found: no domain with matching uuid '${dom.uuid}' (${dom.name})`, VIR_FROM_DOMAIN);
const invalid = (message: string): FakeReply<never> => fakeError(55, `Requested operation is not valid: ${message}`, VIR_FROM_DOMAIN);
const badFlags = (flags: number, fn: string): FakeReply<never> =>
  fakeError(8, `invalid argument: unsupported flags (0x${flags.toString(16)}) in function ${fn}`, VIR_FROM_DOMAIN);

/**
 * The domain procedures of the fake hypervisor: lookups, define/undefine,
 * state, XML, autostart, and the control calls (start, shutdown, reboot,
 * reset, destroy, suspend, resume, PM wakeup, managed save), each changing
 * the state as libvirt would and emitting its lifecycle event.
 */
export function installDomainHandlers(hv: FakeHypervisorModel): void {
  const { daemon } = hv;
  const find = (dom: DomainRef): FakeDomain | undefined => [...hv.domains.values()].find((d) => d.uuid === dom.uuid);
  const ok = (d: FakeDomain): FakeReply<{ dom: DomainRef }> => ({ ok: { dom: hv.ref(d) } });
  const byName = (name: string): FakeReply<{ dom: DomainRef }> => {
    const d = hv.domains.get(name);
    return d === undefined ? fakeError(42, `Domain not found: no domain with matching name '${name}'`, VIR_FROM_DOMAIN) : ok(d);
  };

  /** Move `d` to `state` (with reason), emit `event`; a transient domain that stops no longer exists. */
  const change = (d: FakeDomain, state: FakeDomainState, reason: number, event: readonly [number, number]): void => {
    d.state = state;
    d.reason = reason;
    if (state === 'shutoff') d.id = -1;
    hv.emitLifecycle(d, event);
    if (state === 'shutoff' && !d.persistent) hv.domains.delete(d.name);
  };
  /** A graceful request: the guest may ignore it (see `FakeDomain.guest`). */
  const graceful = (d: FakeDomain, act: () => void): void => {
    if (d.guest.deaf) return;
    if (d.guest.ignoredPresses > 0) d.guest.ignoredPresses--;
    else act();
  };

  /** A control call: found by UUID, raced by `onControl`, delayed by `callDelay`, counted for concurrency. */
  function control<A extends { dom: DomainRef }, R>(procedure: Procedure<A, R>, act: (d: FakeDomain, args: A) => FakeReply<R>): void {
    daemon.handle(procedure, async (args) => {
      const before = find(args.dom);
      if (before === undefined) return notFound(args.dom);
      hv.onControl?.(procedure.name, before);
      hv.concurrency.now++;
      hv.concurrency.max = Math.max(hv.concurrency.max, hv.concurrency.now);
      try {
        if (hv.callDelay > 0) await new Promise((resolve) => setTimeout(resolve, hv.callDelay));
        const d = find(args.dom);
        return d === undefined ? notFound(args.dom) : act(d, args);
      } finally {
        hv.concurrency.now--;
      }
    });
  }
  /** A read: found by UUID. */
  function read<A extends { dom: DomainRef }, R>(procedure: Procedure<A, R>, answer: (d: FakeDomain, args: A) => FakeReply<R>): void {
    daemon.handle(procedure, (args) => {
      const d = find(args.dom);
      return d === undefined ? notFound(args.dom) : answer(d, args);
    });
  }
  const active = (d: FakeDomain): boolean => d.state !== 'shutoff';

  daemon.handle(P.DOMAIN_LOOKUP_BY_NAME, ({ name }) => byName(name));
  daemon.handle(P.DOMAIN_LOOKUP_BY_UUID, ({ uuid }) => {
    const d = [...hv.domains.values()].find((x) => x.uuid === uuid);
    return d === undefined ? fakeError(42, `Domain not found: no domain with matching uuid '${uuid}'`, VIR_FROM_DOMAIN) : ok(d);
  });
  daemon.handle(P.DOMAIN_LOOKUP_BY_ID, ({ id }) => {
    const d = [...hv.domains.values()].find((x) => x.id === id && active(x));
    return d === undefined ? fakeError(42, `Domain not found: no domain with matching id ${id}`, VIR_FROM_DOMAIN) : ok(d);
  });
  // virConnectListAllDomainsFlags: ACTIVE 1, INACTIVE 2, PERSISTENT 4, TRANSIENT 8 (others ignored).
  daemon.handle(P.CONNECT_LIST_ALL_DOMAINS, ({ flags }) => {
    const has = (bit: number): boolean => (flags & bit) !== 0;
    const keep = (d: FakeDomain): boolean =>
      (!has(3) || (has(1) && active(d)) || (has(2) && !active(d))) && (!has(12) || (has(4) && d.persistent) || (has(8) && !d.persistent));
    const domains = [...hv.domains.values()].filter((d) => keep(d)).map((d) => hv.ref(d));
    return { ok: { domains, ret: domains.length } };
  });

  // Only the `state` group (state.state, state.reason), whatever `stats` asks for: what a resync reads.
  daemon.handle(P.CONNECT_GET_ALL_DOMAIN_STATS, ({ doms }) => {
    const chosen = doms.length === 0 ? [...hv.domains.values()] : doms.flatMap((dom) => find(dom) ?? []);
    const retStats = chosen.map((d) => ({
      dom: hv.ref(d),
      params: [
        { field: 'state.state', type: 'int' as const, value: STATE_CODE[d.state] },
        { field: 'state.reason', type: 'int' as const, value: d.reason },
      ],
    }));
    return { ok: { retStats } };
  });

  daemon.handle(P.DOMAIN_DEFINE_XML_FLAGS, ({ xml }) => {
    const name = xmlElementText(xml, 'name');
    if (name === undefined) return fakeError(27, 'XML error: missing domain name', VIR_FROM_DOMAIN);
    const uuid = xmlElementText(xml, 'uuid') ?? hv.domains.get(name)?.uuid ?? randomUUID();
    const clash = [...hv.domains.values()].find((d) => (d.name === name) !== (d.uuid === uuid));
    if (clash !== undefined)
      return fakeError(9, `operation failed: domain '${clash.name}' already exists with uuid ${clash.uuid}`, VIR_FROM_DOMAIN);
    const existing = hv.domains.get(name);
    if (existing !== undefined) {
      existing.xml = xml;
      existing.persistent = true;
      hv.emitLifecycle(existing, [0, 1]); // DEFINED_UPDATED
      return ok(existing);
    }
    const d = hv.addDomain({ name, uuid, xml });
    hv.emitLifecycle(d, FAKE_EVENT.DEFINED);
    return ok(d);
  });
  read(P.DOMAIN_UNDEFINE_FLAGS, (d, { flags }) => {
    if (flags & ~UNDEFINE_FLAGS) return badFlags(flags, 'virDomainUndefineFlags');
    if (d.managedSave && !(flags & UNDEFINE_MANAGED_SAVE)) return invalid('Refusing to undefine while domain managed save image exists');
    if (flags & UNDEFINE_MANAGED_SAVE) d.managedSave = false;
    hv.emitLifecycle(d, FAKE_EVENT.UNDEFINED);
    if (active(d)) d.persistent = false;
    else hv.domains.delete(d.name);
    return { ok: undefined };
  });

  read(P.DOMAIN_GET_STATE, (d) => ({ ok: { state: STATE_CODE[d.state], reason: d.reason } }));
  read(P.DOMAIN_GET_XML_DESC, (d) => ({ ok: { xml: d.xml } }));
  read(P.DOMAIN_GET_AUTOSTART, (d) => ({ ok: { autostart: d.autostart ? 1 : 0 } }));
  read(P.DOMAIN_SET_AUTOSTART, (d, { autostart }) => {
    if (!d.persistent) return invalid('cannot set autostart for transient domain');
    d.autostart = autostart !== 0;
    return { ok: undefined };
  });
  read(P.DOMAIN_HAS_MANAGED_SAVE_IMAGE, (d) => ({ ok: { result: d.managedSave ? 1 : 0 } }));
  read(P.DOMAIN_IS_ACTIVE, (d) => ({ ok: { active: active(d) ? 1 : 0 } }));
  read(P.DOMAIN_IS_PERSISTENT, (d) => ({ ok: { persistent: d.persistent ? 1 : 0 } }));
  read(P.DOMAIN_DETACH_DEVICE_FLAGS, () => ({ ok: undefined })); // logged in hv.calls; the stored XML is not edited

  control(P.DOMAIN_CREATE_WITH_FLAGS, (d, { flags }) => {
    if (flags & ~START_FLAGS) return badFlags(flags, 'virDomainCreateWithFlags');
    if (active(d)) return invalid('domain is already running');
    const restored = d.managedSave && !(flags & START_FORCE_BOOT);
    d.managedSave = false;
    d.id = hv.nextDomainId();
    change(d, 'running', restored ? RUNNING_RESTORED : RUNNING_BOOTED, restored ? FAKE_EVENT.STARTED_RESTORED : FAKE_EVENT.STARTED_BOOTED);
    if (flags & START_PAUSED) change(d, 'paused', PAUSED_USER, FAKE_EVENT.SUSPENDED_PAUSED);
    return ok(d);
  });
  control(P.DOMAIN_SHUTDOWN_FLAGS, (d, { flags }) => {
    if (hv.refuseShutdownFlags && flags !== 0) return badFlags(flags, 'testDomainShutdownFlags');
    if (d.state !== 'running') return invalid('domain is not running');
    graceful(d, () => change(d, 'shutoff', SHUTOFF_SHUTDOWN, FAKE_EVENT.STOPPED_SHUTDOWN));
    return { ok: undefined };
  });
  control(P.DOMAIN_REBOOT, (d) => {
    if (!hv.rebootSupported)
      return fakeError(3, 'this function is not supported by the connection driver: virDomainReboot', VIR_FROM_DOMAIN);
    if (d.state !== 'running') return invalid('domain is not running');
    graceful(d, () => {
      if (hv.rebootEvents) hv.emitReboot(d);
    });
    return { ok: undefined };
  });
  control(P.DOMAIN_RESET, (d) => (active(d) ? { ok: undefined } : invalid('domain is not running')));
  control(P.DOMAIN_DESTROY_FLAGS, (d) => {
    if (!active(d)) return invalid('domain is not running');
    change(d, 'shutoff', SHUTOFF_DESTROYED, FAKE_EVENT.STOPPED_DESTROYED);
    return { ok: undefined };
  });
  control(P.DOMAIN_SUSPEND, (d) => {
    if (d.state !== 'running') return invalid('domain is not running');
    change(d, 'paused', PAUSED_USER, FAKE_EVENT.SUSPENDED_PAUSED);
    return { ok: undefined };
  });
  control(P.DOMAIN_RESUME, (d) => {
    if (d.state !== 'paused') return invalid('domain is not paused');
    change(d, 'running', RUNNING_UNPAUSED, FAKE_EVENT.RESUMED_UNPAUSED);
    return { ok: undefined };
  });
  control(P.DOMAIN_PM_WAKEUP, (d) => {
    if (d.state !== 'pmsuspended') return invalid('domain is not suspended');
    change(d, 'running', RUNNING_WAKEUP, FAKE_EVENT.STARTED_WAKEUP);
    return { ok: undefined };
  });
  control(P.DOMAIN_MANAGED_SAVE, (d) => {
    if (!active(d)) return invalid('domain is not running');
    d.managedSave = true;
    change(d, 'shutoff', SHUTOFF_SAVED, FAKE_EVENT.STOPPED_SAVED);
    return { ok: undefined };
  });
  control(P.DOMAIN_MANAGED_SAVE_REMOVE, (d) => {
    d.managedSave = false;
    return { ok: undefined };
  });
}
