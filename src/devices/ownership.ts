/**
 * The VM's ownership record (`<lvm:manager>` in its metadata) as device
 * operations change it: a volume made for an attached disk is added, a
 * detached disk's volume is taken out. The record is the one the creator
 * writes and the destroyer reads; who may believe it is the destroyer's
 * rule (`planVolumes`).
 *
 * @module
 */
import {
  AFFECT_CONFIG,
  AFFECT_LIVE,
  type CallOptions,
  type DomainRef,
  type LibvirtConnection,
  type Logger,
  logSafely,
} from '../connection/internal.js';
import { SDK_VERSION } from '../creator/internal.js';
import { planVolumes, type VolumeRecord } from '../destroyer/internal.js';
import {
  OWNERSHIP_NAMESPACE,
  OWNERSHIP_PREFIX,
  type DiskDevice,
  type DomainModel,
  type OwnedVolume,
  type Ownership,
  buildOwnershipXml,
  parseOwnership,
} from '../xml/index.js';

/**
 * What the record's readers and writers need of an operation: the
 * connection, a logger and the VM. A device run is one; so is a snapshot's,
 * a block job's or a backup's (the disk-state module records the overlays
 * and copies it makes here too).
 */
export interface OwnershipRun {
  readonly ctx: { readonly connection: LibvirtConnection; readonly logger: Logger | undefined };
  readonly ref: DomainRef;
}

/** The definitions a VM has: its live one when it runs, its persistent one when it has one. */
export function everyDefinition(active: boolean, persistent: boolean): number[] {
  return [...(active ? [AFFECT_LIVE] : []), ...(persistent ? [AFFECT_CONFIG] : [])];
}

/**
 * The record as the definition has it. Read from the domain XML, as the
 * destroyer reads it: `virDomainGetMetadata` strips the element's namespace.
 */
async function readRecord(run: OwnershipRun, flags: number, call: CallOptions): Promise<Ownership | null> {
  return parseOwnership(await run.ctx.connection.domains.getXml(run.ref, { ...call, inactive: flags === AFFECT_CONFIG }));
}

/** Replace the record (`null` removes it). */
async function writeRecord(run: OwnershipRun, flags: number, record: Ownership | null, call: CallOptions): Promise<void> {
  const xml = record === null ? null : buildOwnershipXml(record);
  await run.ctx.connection.domains.control.setMetadataElement(run.ref, OWNERSHIP_NAMESPACE, OWNERSHIP_PREFIX, xml, { ...call, flags });
}

/** What {@link recordOwned} replaced, to put back. */
export type PreviousRecords = ReadonlyMap<number, Ownership | null>;

/** Put back the records {@link recordOwned} replaced (none → removed). */
export async function restoreRecords(run: OwnershipRun, previous: PreviousRecords, call: CallOptions): Promise<void> {
  for (const [flags, record] of previous) await writeRecord(run, flags, record, call);
}

/**
 * The record of each definition in `definitions` as it is now (`null`: that
 * definition has none), in the shape {@link restoreRecords} puts back — to
 * write again what an operation that replaces the whole definition (a
 * snapshot revert) takes away.
 */
export async function readRecords(run: OwnershipRun, definitions: readonly number[], call: CallOptions): Promise<PreviousRecords> {
  const records = new Map<number, Ownership | null>();
  for (const flags of definitions) records.set(flags, await readRecord(run, flags, call));
  return records;
}

/** Whether two record entries name the same volume (same pool and name, or same path). */
export function sameVolume(
  a: { pool?: string; name?: string; path?: string },
  b: { pool?: string; name?: string; path?: string },
): boolean {
  if (a.pool !== undefined && a.name !== undefined && a.pool === b.pool && a.name === b.name) return true;
  return a.path !== undefined && a.path === b.path;
}

/**
 * Add `volume` to the ownership record of each definition in `definitions`
 * (`AFFECT_LIVE`, `AFFECT_CONFIG`), making a record (with the domain's UUID)
 * when the VM has none — a VM defined elsewhere then owns exactly the
 * volumes the SDK made for it.
 */
export async function recordOwned(
  run: OwnershipRun,
  definitions: readonly number[],
  volume: OwnedVolume,
  call: CallOptions,
): Promise<PreviousRecords> {
  const previous = new Map<number, Ownership | null>();
  for (const flags of definitions) {
    const found = await readRecord(run, flags, call);
    previous.set(flags, found === null ? null : { ...found, volumes: [...found.volumes] });
    const record = found ?? newRecord(run.ref);
    if (record.domainUuid !== undefined && record.domainUuid.toLowerCase() !== run.ref.uuid.toLowerCase())
      logSafely(run.ctx.logger, 'warn', "the VM's ownership record was written for another domain: teardown will keep this volume", {
        domain: run.ref.name,
        recordFor: record.domainUuid,
      });
    record.volumes = [...record.volumes.filter((v) => !sameVolume(v, volume)), volume];
    await writeRecord(run, flags, record, call);
  }
  return previous;
}

/** Take the volume out of the ownership record of each definition (no record, or not listed: nothing to do). */
export async function forgetOwned(
  run: OwnershipRun,
  definitions: readonly number[],
  volume: { pool?: string; name?: string; path?: string },
  call: CallOptions,
): Promise<void> {
  for (const flags of definitions) {
    const record = await readRecord(run, flags, call);
    if (record === null || !record.volumes.some((v) => sameVolume(v, volume))) continue;
    record.volumes = record.volumes.filter((v) => !sameVolume(v, volume));
    await writeRecord(run, flags, record, call);
  }
}

function newRecord(ref: DomainRef): Ownership {
  return { createdAt: new Date().toISOString(), sdkVersion: SDK_VERSION, domainUuid: ref.uuid, volumes: [] };
}

/**
 * The volume behind `disk` when the SDK made it for this VM and the record
 * may be believed (the destroyer's own rule: listed, attached, written for
 * this domain); `undefined` otherwise.
 */
export function ownedVolumeOf(model: DomainModel, disk: DiskDevice): VolumeRecord | undefined {
  return planVolumes(model, 'owned').delete.find((v) => v.owned && v.target === disk.target.dev);
}
