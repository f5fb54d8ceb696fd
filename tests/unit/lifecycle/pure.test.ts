import { describe, expect, it } from 'vitest';
import type { DomainStateName } from '../../../src/connection/internal.js';
import { InvalidStateError } from '../../../src/errors/index.js';
import {
  type VmOperation as LifecycleOperation,
  agentChannelState,
  verdict as guard,
  managedSaveFlags,
  nextResendAt,
  powerFacts,
  powerFlags,
  selectPowerMethod,
  startFlags,
} from '../../../src/lifecycle/internal.js';
import { refusal } from '../../../src/runtime/index.js';
import { startFlagNames } from '../../../src/lifecycle/flags.js';

const domain = (inner: string): string =>
  `<domain type='kvm'><name>v</name><memory>65536</memory><os><type>hvm</type></os>${inner}</domain>`;
const AGENT = "<devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel></devices>";

describe('power mode selection', () => {
  it('reads <acpi/> and the guest-agent channel from domain XML', () => {
    expect(powerFacts(domain('<features><acpi/><apic/></features>'))).toEqual({ acpi: true, agentChannel: false });
    expect(powerFacts(domain(AGENT))).toEqual({ acpi: false, agentChannel: true });
    expect(powerFacts(domain(`<features><acpi/></features>${AGENT}`))).toEqual({ acpi: true, agentChannel: true });
    expect(
      powerFacts(domain("<devices><channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel></devices>")),
    ).toEqual({
      acpi: false,
      agentChannel: false,
    });
  });

  it("reads the agent channel's state from live XML (connected once qemu-ga opened the port)", () => {
    const live = (state: string): string =>
      domain(
        `<devices><channel type='unix'><source mode='bind' path='/run/x.agent'/><target type='virtio' name='org.qemu.guest_agent.0' ${state}/></channel></devices>`,
      );
    expect(agentChannelState(live("state='connected'"))).toBe('connected');
    expect(agentChannelState(live("state='disconnected'"))).toBe('disconnected');
    expect(agentChannelState(live(''))).toBe('disconnected'); // inactive XML has no state
    expect(agentChannelState(domain(''))).toBe('none');
  });

  it('yields no facts for XML it cannot parse', () => {
    expect(powerFacts('not xml')).toEqual({ acpi: false, agentChannel: false });
    expect(powerFacts('<network/>')).toEqual({ acpi: false, agentChannel: false });
  });

  it("'auto' prefers ACPI, then the agent, then the hypervisor default; explicit modes are kept", () => {
    expect(selectPowerMethod('auto', { acpi: true, agentChannel: true })).toBe('acpi');
    expect(selectPowerMethod('auto', { acpi: false, agentChannel: true })).toBe('agent');
    expect(selectPowerMethod('auto', { acpi: false, agentChannel: false })).toBe('default');
    expect(selectPowerMethod('agent', { acpi: true, agentChannel: false })).toBe('agent');
    expect(selectPowerMethod('acpi', { acpi: false, agentChannel: true })).toBe('acpi');
  });

  it('maps methods to virDomainShutdownFlagValues', () => {
    expect(powerFlags('default')).toBe(0);
    expect(powerFlags('acpi')).toBe(1);
    expect(powerFlags('agent')).toBe(2);
  });
});

describe('resend schedule', () => {
  it('re-sends every resendEvery ms and never past the deadline', () => {
    expect(nextResendAt(1_000, 5_000, 60_000)).toBe(6_000);
    expect(nextResendAt(58_000, 5_000, 60_000)).toBe(60_000);
    expect(nextResendAt(1_000, 5_000, Number.POSITIVE_INFINITY)).toBe(6_000);
  });

  it('resendEvery 0 disables re-sending', () => {
    expect(nextResendAt(1_000, 0, 60_000)).toBe(60_000);
  });

  it('a shutdown right after start gets its press through after the guest starts listening', () => {
    // Presses before ~2.3 s are lost (docs/test-environment.md); with the default 5 s the second press lands.
    const sent = [0];
    while (sent.length < 20) {
      const next = nextResendAt(sent.at(-1)!, 5_000, 60_000);
      if (next >= 60_000) break;
      sent.push(next);
    }
    expect(sent.slice(0, 3)).toEqual([0, 5_000, 10_000]);
    expect(sent.find((t) => t >= 2_300)).toBe(5_000);
    expect(sent.length).toBe(12);
  });
});

describe('start and save flags', () => {
  it('builds virDomainCreateFlags', () => {
    expect(startFlags({})).toBe(0);
    expect(startFlags({ paused: true })).toBe(1);
    expect(startFlags({ autodestroy: true, bypassCache: true, forceBoot: true })).toBe(2 | 4 | 8);
    expect(startFlags({ validate: true, resetNvram: true })).toBe(16 | 32);
    expect(startFlags({ paused: false })).toBe(0);
    expect(startFlagNames(1 | 8)).toEqual(['paused', 'forceBoot']);
  });

  it('builds virDomainSaveRestoreFlags', () => {
    expect(managedSaveFlags({})).toBe(0);
    expect(managedSaveFlags({ bypassCache: true, startAs: 'paused' })).toBe(1 | 4);
    expect(managedSaveFlags({ startAs: 'running' })).toBe(2);
  });
});

describe('state guards', () => {
  const STATES: DomainStateName[] = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];
  const cell = (op: LifecycleOperation, s: DomainStateName): string => {
    const v = guard(op, s);
    return typeof v === 'string' ? v : 'noop' in v ? `noop: ${v.noop}` : 'refuse';
  };

  it('matches the idempotency table of docs/lifecycle.md', () => {
    const table = Object.fromEntries(
      (['start', 'shutdown', 'forceOff', 'reboot', 'reset', 'pause', 'resume', 'managedSave'] as const).map((op) => [
        op,
        STATES.map((s) => cell(op, s)),
      ]),
    );
    expect(table).toEqual({
      //           nostate    running                     blocked                     paused                               shutdown   shutoff                       crashed    pmsuspended
      start: [
        'refuse',
        'noop: already running',
        'noop: already running',
        'noop: already running (paused)',
        'refuse',
        'run',
        'refuse',
        'noop: already running (pmsuspended)',
      ],
      shutdown: ['refuse', 'run', 'run', 'refuse', 'wait', 'noop: already shut off', 'refuse', 'refuse'],
      forceOff: ['run', 'run', 'run', 'run', 'run', 'noop: already shut off', 'run', 'run'],
      reboot: ['refuse', 'run', 'run', 'refuse', 'refuse', 'refuse', 'refuse', 'refuse'],
      reset: ['refuse', 'run', 'run', 'run', 'refuse', 'refuse', 'refuse', 'refuse'],
      pause: ['refuse', 'run', 'run', 'noop: already paused', 'refuse', 'refuse', 'refuse', 'refuse'],
      resume: ['refuse', 'noop: already running', 'noop: already running', 'run', 'refuse', 'refuse', 'refuse', 'wake'],
      managedSave: ['refuse', 'run', 'run', 'run', 'refuse', 'refuse', 'refuse', 'refuse'],
    });
  });

  it('refusals are InvalidStateError with the operation, the state and a hint', () => {
    const verdict = guard('pause', 'shutoff');
    expect(verdict).toEqual({ refuse: 'only a running VM can be paused' });
    const error = refusal('pause', 'shutoff', 'web1', 'only a running VM can be paused');
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_STATE', operation: 'pause', state: 'shutoff' });
    expect(error.message).toBe('cannot pause VM "web1": it is shutoff (only a running VM can be paused)');
  });
});
