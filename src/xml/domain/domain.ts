import { ElementReader, compact, withExtras } from '../core/reader.js';
import { ElementWriter, onOff } from '../core/writer.js';
import { readDevices, writeDevices } from '../devices/devices.js';
import { invalidSpec } from '../errors.js';
import { OWNERSHIP_ELEMENT, OWNERSHIP_NAMESPACE, readOwnership, writeOwnership } from '../metadata/ownership.js';
import { parseSize } from '../units.js';
import { normalizeUuid, validateName } from '../validate.js';
import { readClock, writeClock } from './clock.js';
import { readCpu, writeCpu } from './cpu.js';
import { readFeatures, writeFeatures } from './features.js';
import type { BuildDomainOptions, DomainMetadata, DomainModel, DomainVcpu } from './model.js';
import { readOs, writeOs } from './os.js';
import { readCputune, readMemoryBacking, writeCputune, writeMemoryBacking } from './tuning.js';

function kib(bytes: bigint, path: string): bigint {
  const value = parseSize(bytes, { path });
  if (value % 1024n !== 0n) throw invalidSpec(path, 'must be a whole number of KiB (libvirt keeps memory in KiB)');
  return value / 1024n;
}

function writeVcpu(w: ElementWriter, vcpu: DomainVcpu): void {
  const { count, current } = vcpu;
  if (!Number.isSafeInteger(count) || count < 1) throw invalidSpec('vcpu.count', 'must be an integer ≥ 1');
  if (current !== undefined && (!Number.isSafeInteger(current) || current < 1 || current > count)) {
    throw invalidSpec('vcpu.current', 'must be an integer from 1 to vcpu.count');
  }
  w.child('vcpu', { placement: vcpu.placement, cpuset: vcpu.cpuset, current }, 'vcpu').text(count, 'count');
}

function writeMetadata(w: ElementWriter, metadata: DomainMetadata | undefined): void {
  if (metadata === undefined) return;
  if (metadata.ownership === undefined && (metadata.extraElements ?? []).length === 0) return;
  const m = w.child('metadata', {}, 'metadata');
  if (metadata.ownership !== undefined) writeOwnership(new ElementWriter(m.node, 'metadata.ownership'), metadata.ownership);
  m.extras(metadata);
}

/**
 * Build domain XML from a model.
 *
 * Only what the model says is written: no PCI addresses, controllers or
 * default devices are invented (libvirt adds those on define). Unknown content
 * carried in `extraAttributes`/`extraElements` is written back.
 *
 * @example
 * buildDomainXml({
 *   type: 'kvm', name: 'vm1', memory: parseSize('2GiB'), vcpu: { count: 2 },
 *   os: { type: 'hvm', arch: 'x86_64', machine: 'q35', firmware: 'efi' },
 *   devices: { disks: [{ type: 'file', device: 'disk', driver: { name: 'qemu', type: 'qcow2' },
 *     source: { file: '/var/lib/libvirt/images/vm1.qcow2' }, target: { dev: 'vda', bus: 'virtio' } }] },
 * });
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` = the model field) for invalid names, sizes,
 *   MACs, UUIDs, missing required fields, characters XML 1.0 cannot carry, or malformed `extraElements`.
 * @see https://libvirt.org/formatdomain.html
 */
export function buildDomainXml(model: DomainModel, options: BuildDomainOptions = {}): string {
  if (model === null || typeof model !== 'object') throw invalidSpec('domain', 'must be an object');
  if (typeof model.type !== 'string' || model.type === '') throw invalidSpec('type', 'is required');
  validateName(model.name, 'name', options.nameRule ?? 'sdk');
  if (model.title !== undefined && /[\r\n]/.test(model.title)) throw invalidSpec('title', 'must be a single line');
  const memory = kib(model.memory, 'memory');
  const current = model.currentMemory === undefined ? undefined : kib(model.currentMemory, 'currentMemory');
  if (current !== undefined && current > memory) throw invalidSpec('currentMemory', 'must not exceed memory');
  const devices = model.devices ?? {};
  const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
  const perDeviceBoot = [...list(devices.disks), ...list(devices.interfaces)].some((d) => d?.bootOrder !== undefined);
  if (perDeviceBoot && (model.os?.boot ?? []).length > 0) {
    throw invalidSpec('os.boot', 'cannot be combined with per-device bootOrder (libvirt refuses the mix)');
  }

  const w = ElementWriter.document('domain', '');
  w.attrs({ type: model.type, id: model.id });
  w.textChild('name', model.name);
  if (model.uuid !== undefined) w.textChild('uuid', normalizeUuid(model.uuid, 'uuid'));
  w.textChild('title', model.title).textChild('description', model.description);
  writeMetadata(w, model.metadata);
  w.child('memory', { unit: 'KiB', dumpCore: onOff(model.memoryDumpCore) }, 'memory').text(memory, 'memory');
  if (current !== undefined) w.child('currentMemory', { unit: 'KiB' }, 'currentMemory').text(current, 'currentMemory');
  if (model.memoryBacking !== undefined) writeMemoryBacking(w.child('memoryBacking', {}, 'memoryBacking'), model.memoryBacking);
  if (model.vcpu !== undefined) writeVcpu(w, model.vcpu);
  if (model.cputune !== undefined) writeCputune(w.child('cputune', {}, 'cputune'), model.cputune);
  writeOs(w.child('os', {}, 'os'), model.os);
  if (model.features !== undefined) writeFeatures(w.child('features', {}, 'features'), model.features);
  if (model.cpu !== undefined) writeCpu(w.child('cpu', {}, 'cpu'), model.cpu);
  if (model.clock !== undefined) writeClock(w.child('clock', {}, 'clock'), model.clock);
  w.textChild('on_poweroff', model.onPoweroff, 'onPoweroff')
    .textChild('on_reboot', model.onReboot, 'onReboot')
    .textChild('on_crash', model.onCrash, 'onCrash');
  writeDevices(w.child('devices', {}, 'devices'), model.devices);
  w.extras(model);
  return w.toXml();
}

function readMetadata(r: ElementReader): DomainMetadata {
  const record = r.child(OWNERSHIP_ELEMENT, OWNERSHIP_NAMESPACE);
  return withExtras(compact({ ownership: record && readOwnership(record) }), r.extras());
}

/**
 * Parse domain XML (from `virDomainGetXMLDesc`, `virsh dumpxml`, or a file)
 * into a model. Everything the model does not know is kept in
 * `extraAttributes`/`extraElements`, so `buildDomainXml(parseDomainXml(x))`
 * describes the same domain as `x`.
 *
 * Memory in any unit libvirt accepts (`b`, `KiB`, `MiB`, `G`, `KB`…) becomes bytes.
 *
 * @example const model = parseDomainXml(xml); model.devices.disks?.[0]?.source?.file
 * @throws XmlParseError (`ERR_LIBVIRT_XML`) when the XML is malformed, not a `<domain>`, or lacks `<name>`, `<memory>` or `<os>`.
 * @see https://libvirt.org/formatdomain.html
 */
export function parseDomainXml(xml: string): DomainModel {
  const r = ElementReader.root(xml, 'domain');
  const vcpu = r.child('vcpu');
  const memory = r.child('memory') ?? r.fail('missing <memory>');
  const metadata = r.child('metadata');
  const features = r.child('features');
  const cpu = r.child('cpu');
  const clock = r.child('clock');
  const devices = r.child('devices');
  const memoryBacking = r.child('memoryBacking');
  const cputune = r.child('cputune');
  const model: DomainModel = compact({
    type: r.requiredAttr('type'),
    id: r.int('id'),
    name: r.childText('name') ?? r.fail('missing <name>'),
    uuid: r.childText('uuid')?.trim(),
    title: r.childText('title'),
    description: r.childText('description'),
    metadata: metadata && readMetadata(metadata),
    memoryDumpCore: memory.bool('dumpCore'),
    memory: memory.size('KiB'),
    currentMemory: r.child('currentMemory')?.size('KiB'),
    memoryBacking: memoryBacking && readMemoryBacking(memoryBacking),
    cputune: cputune && readCputune(cputune),
    vcpu:
      vcpu &&
      compact({ count: vcpu.intText(), current: vcpu.int('current'), placement: vcpu.attr('placement'), cpuset: vcpu.attr('cpuset') }),
    os: readOs(r.child('os') ?? r.fail('missing <os>')),
    features: features && readFeatures(features),
    cpu: cpu && readCpu(cpu),
    clock: clock && readClock(clock),
    onPoweroff: r.childText('on_poweroff'),
    onReboot: r.childText('on_reboot'),
    onCrash: r.childText('on_crash'),
    devices: devices === undefined ? {} : readDevices(devices),
  });
  return withExtras(model, r.extras());
}
