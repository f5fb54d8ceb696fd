import { QEMU_GUEST_AGENT_CHANNEL, parseDomainXml } from '../xml/index.js';
import { VirDomainShutdownFlags } from '../connection/internal.js';

/**
 * How a graceful shutdown or reboot is requested:
 * - `'acpi'`: press the virtual ACPI power button (`VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN`);
 * - `'agent'`: ask the QEMU guest agent (`VIR_DOMAIN_SHUTDOWN_GUEST_AGENT`);
 * - `'auto'`: ACPI when the domain has `<features><acpi/>`, else the agent when
 *   its channel is configured, else the hypervisor's default method (flags 0).
 */
export type PowerMode = 'acpi' | 'agent' | 'auto';

/** The method actually used: a {@link PowerMode} other than `'auto'`, or `'default'` (flags 0: the hypervisor chooses). */
export type PowerMethod = 'acpi' | 'agent' | 'default';

/** What a domain's XML says about how it can be asked to power off. */
export interface PowerFacts {
  /** `<features><acpi/></features>` is present. */
  acpi: boolean;
  /** A `<channel>` targeting `org.qemu.guest_agent.0` is configured. */
  agentChannel: boolean;
}

/**
 * Read {@link PowerFacts} from domain XML. XML the parser does not accept
 * yields no facts (the default method is then used).
 * @example powerFacts(await conn.domains.getXml('web1')) // { acpi: true, agentChannel: false }
 */
export function powerFacts(xml: string): PowerFacts {
  try {
    const model = parseDomainXml(xml);
    return {
      acpi: model.features?.acpi === true,
      agentChannel: (model.devices.channels ?? []).some((c) => c.target?.name === QEMU_GUEST_AGENT_CHANNEL),
    };
  } catch {
    return { acpi: false, agentChannel: false };
  }
}

/**
 * Choose the method for `mode`. `'auto'` prefers ACPI over the agent: with no
 * agent running in the guest, an agent request blocks for up to 60 s before
 * libvirt gives up (KubeVirt #18721), while an ACPI press returns at once.
 * @example selectPowerMethod('auto', { acpi: false, agentChannel: true }) // 'agent'
 */
export function selectPowerMethod(mode: PowerMode, facts: PowerFacts): PowerMethod {
  if (mode !== 'auto') return mode;
  if (facts.acpi) return 'acpi';
  if (facts.agentChannel) return 'agent';
  return 'default';
}

/**
 * `virDomainShutdownFlagValues` / `virDomainRebootFlagValues` for a method.
 * @example powerFlags('acpi') // 1 (VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN)
 */
export function powerFlags(method: PowerMethod): number {
  switch (method) {
    case 'acpi':
      return VirDomainShutdownFlags.VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN;
    case 'agent':
      return VirDomainShutdownFlags.VIR_DOMAIN_SHUTDOWN_GUEST_AGENT;
    case 'default':
      return VirDomainShutdownFlags.VIR_DOMAIN_SHUTDOWN_DEFAULT;
  }
}

/**
 * When the next graceful request is due: `resendEvery` after the last one,
 * never past the deadline. `resendEvery` 0 disables resending (returns the
 * deadline). ACPI presses during early boot are lost, so the request is
 * repeated while waiting.
 * @example nextResendAt(1000, 5000, 60_000) // 6000
 */
export function nextResendAt(lastSentAt: number, resendEvery: number, deadlineAt: number): number {
  if (resendEvery <= 0) return deadlineAt;
  return Math.min(lastSentAt + resendEvery, deadlineAt);
}
