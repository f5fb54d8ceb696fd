import { ElementReader, compact } from '../core/reader.js';

/** A machine type a guest architecture offers. */
export interface GuestMachine {
  /** e.g. `'pc-q35-7.2'` or the alias `'q35'`. */
  name: string;
  /** For an alias: the versioned machine it stands for. */
  canonical?: string;
  maxCpus?: number;
  deprecated?: boolean;
}

/** A `<guest>` of the host capabilities: one OS type + architecture the host can run. */
export interface GuestCapabilities {
  /** `'hvm'` for full virtualisation. */
  osType: string;
  arch: string;
  wordSize?: number;
  emulator?: string;
  loader?: string;
  machines: GuestMachine[];
  /** Domain types (`'qemu'`, `'kvm'`…), each possibly with its own emulator and machines. */
  domains: { type: string; emulator?: string; machines: GuestMachine[] }[];
  /** Guest features, e.g. `{ name: 'acpi', default: true, toggle: true }`. */
  features: { name: string; default?: boolean; toggle?: boolean }[];
}

/** A NUMA cell of the host. */
export interface NumaCell {
  id: number;
  /** Bytes, when reported. */
  memory?: bigint;
  cpus: number[];
}

/** The `<host>` part of the capabilities. */
export interface HostInfo {
  uuid?: string;
  cpu: {
    arch: string;
    model?: string;
    vendor?: string;
    topology?: { sockets: number; dies?: number; cores: number; threads: number };
    features: string[];
    /** Supported page sizes, in bytes. */
    pageSizes: bigint[];
  };
  /** Supported host suspend targets (`suspend_mem`, `suspend_disk`, `suspend_hybrid`). */
  powerManagement: string[];
  iommu?: boolean;
  migration?: { live: boolean; uriTransports: string[] };
  numaCells: NumaCell[];
  securityModels: { model: string; doi: string; baseLabels: { type: string; label: string }[] }[];
}

/**
 * The host's capabilities (`virConnectGetCapabilities`, `virsh capabilities`).
 *
 * @see https://libvirt.org/formatcaps.html
 */
export interface HostCapabilities {
  host: HostInfo;
  guests: GuestCapabilities[];
}

function readMachines(r: ElementReader): GuestMachine[] {
  return r
    .children('machine')
    .map((m) =>
      compact({ name: m.text().trim(), canonical: m.attr('canonical'), maxCpus: m.int('maxCpus'), deprecated: m.bool('deprecated') }),
    );
}

function readGuest(g: ElementReader): GuestCapabilities {
  const arch = g.child('arch') ?? g.fail('missing <arch>');
  const wordSize = arch.child('wordsize');
  const features = (g.child('features')?.allChildren() ?? []).map((f) =>
    compact({ name: f.name, default: f.bool('default'), toggle: f.bool('toggle') }),
  );
  return compact({
    osType: g.childText('os_type')?.trim() ?? g.fail('missing <os_type>'),
    arch: arch.requiredAttr('name'),
    wordSize: wordSize?.intText(),
    emulator: arch.childText('emulator')?.trim(),
    loader: arch.childText('loader')?.trim(),
    machines: readMachines(arch),
    domains: arch
      .children('domain')
      .map((d) => compact({ type: d.requiredAttr('type'), emulator: d.childText('emulator')?.trim(), machines: readMachines(d) })),
    features,
  });
}

function readHost(h: ElementReader): HostInfo {
  const cpu = h.child('cpu') ?? h.fail('missing <cpu>');
  const topology = cpu.child('topology');
  const migration = h.child('migration_features');
  const cells = h.child('topology')?.child('cells')?.children('cell') ?? [];
  return compact({
    uuid: h.childText('uuid')?.trim(),
    cpu: compact({
      arch: cpu.childText('arch')?.trim() ?? cpu.fail('missing <arch>'),
      model: cpu.childText('model')?.trim(),
      vendor: cpu.childText('vendor')?.trim(),
      topology:
        topology &&
        compact({
          sockets: topology.int('sockets') ?? 1,
          dies: topology.int('dies'),
          cores: topology.int('cores') ?? 1,
          threads: topology.int('threads') ?? 1,
        }),
      // `<feature name='x'/>` (QEMU driver) or `<features><x/></features>` (older drivers, the test driver).
      features: [
        ...cpu.children('feature').map((f) => f.requiredAttr('name')),
        ...(cpu.child('features')?.allChildren() ?? []).map((f) => f.name),
      ],
      pageSizes: cpu.children('pages').map((p) => p.size('KiB', 'size')),
    }),
    powerManagement: (h.child('power_management')?.allChildren() ?? []).map((p) => p.name),
    iommu: h.child('iommu')?.bool('support'),
    migration: migration && {
      live: migration.child('live') !== undefined,
      uriTransports: (migration.child('uri_transports')?.children('uri_transport') ?? []).map((t) => t.text().trim()),
    },
    numaCells: cells.map((c) =>
      compact({
        id: c.int('id') ?? c.fail('missing id'),
        memory: c.child('memory')?.size('KiB'),
        cpus: (c.child('cpus')?.children('cpu') ?? []).map((x) => x.int('id') ?? x.fail('missing id')),
      }),
    ),
    securityModels: h.children('secmodel').map((s) => ({
      model: s.childText('model')?.trim() ?? '',
      doi: s.childText('doi')?.trim() ?? '',
      baseLabels: s.children('baselabel').map((b) => ({ type: b.attr('type') ?? '', label: b.text().trim() })),
    })),
  });
}

/**
 * Parse the host capabilities XML.
 *
 * @example const caps = parseCapabilitiesXml(xml); caps.guests.filter((g) => g.arch === 'x86_64')
 * @throws XmlParseError when malformed or not a `<capabilities>` document.
 * @see https://libvirt.org/formatcaps.html
 */
export function parseCapabilitiesXml(xml: string): HostCapabilities {
  const r = ElementReader.root(xml, 'capabilities');
  return { host: readHost(r.child('host') ?? r.fail('missing <host>')), guests: r.children('guest').map(readGuest) };
}
