/**
 * The wire half of a migration, in one of two shapes:
 *
 * - **p2p**: one PERFORM3_PARAMS on the source with the destination's URI;
 *   the source daemon runs Prepare/Finish on the destination and its own
 *   Confirm (`virDomainMigrateToURI3` with PEER2PEER).
 * - **managed**: this client drives both daemons in libvirt's own order
 *   (`virDomainMigrateVersion3Full`): Begin (S) → Prepare (D) → Perform (S) →
 *   Finish (D) → Confirm (S), each cookie handed on unchanged.
 *
 * Neither call takes the caller's signal: abandoning a call would not stop
 * the migration. Cancelling is ABORT_JOB on the source (the job's owner
 * does that), after which Perform returns with an error.
 *
 * @module
 */
import type { CallOptions, DomainRef, LibvirtConnection, TypedParam } from '../connection/internal.js';
import { AbortError } from '../errors/index.js';
import { MigrateFlag } from './options.js';

/** One transfer's inputs. */
export interface Transfer {
  source: LibvirtConnection;
  dest: LibvirtConnection | undefined;
  ref: DomainRef;
  mode: 'p2p' | 'managed';
  peerUri: string;
  params: TypedParam[];
  flags: number;
  paused: boolean;
  call: CallOptions;
  /** Fires once the caller's abort or timeout cancelled the migration: managed mode then starts no further step. */
  cancelled?: AbortSignal;
}

const replace = (params: TypedParam[], field: string, value: string): TypedParam[] => [
  ...params.filter((p) => p.field !== field),
  { field, type: 'string', value },
];

/** Run the transfer; resolves when the VM runs on the destination (and the source let go of it). */
export async function transfer(t: Transfer): Promise<void> {
  if (t.mode === 'p2p') {
    await t.source.domains.migration.performToUri(t.ref, t.peerUri, t.params, t.flags, t.call);
    return;
  }
  await managed(t);
}

async function managed(t: Transfer): Promise<void> {
  const { source, ref, call } = t;
  const dest = t.dest!;
  // The QEMU driver supports CHANGE_PROTECTION (feature 7): the source's job stays locked from Begin to Confirm.
  const sflags = t.flags | MigrateFlag.CHANGE_PROTECTION;
  const begun = await source.domains.migration.begin(ref, t.params, sflags, call);
  let flags = t.flags;
  if (t.paused) flags |= MigrateFlag.PAUSED;
  const destFlags = flags & ~(MigrateFlag.ABORT_ON_ERROR | MigrateFlag.AUTO_CONVERGE);
  let prepared: { cookie: Buffer; uri: string | null };
  try {
    prepared = await dest.domains.migration.prepare(replace(t.params, 'destination_xml', begun.xml), begun.cookie, destFlags, call);
  } catch (error) {
    // Begin started a job on the source: end it (cancelled) before reporting.
    await source.domains.migration.confirm(ref, t.params, Buffer.alloc(0), sflags, true, call).catch(() => undefined);
    throw error;
  }
  let params = t.params;
  if (prepared.uri !== null) params = replace(params, 'migrate_uri', prepared.uri);
  // Finish finds the incoming domain by name.
  const finishParams = params.some((p) => p.field === 'destination_name') ? params : replace(params, 'destination_name', ref.name);
  if (t.cancelled?.aborted === true) {
    // Cancelled while the destination prepared: no Perform; the incoming domain goes (Finish cancelled), then the
    // source's job ends (Confirm cancelled), as after a failed Prepare.
    await dest.domains.migration.finish(finishParams, Buffer.alloc(0), destFlags, true, call).catch(() => undefined);
    await source.domains.migration.confirm(ref, params, Buffer.alloc(0), sflags, true, call).catch(() => undefined);
    throw new AbortError('the migration was cancelled before its transfer started', { cause: t.cancelled.reason });
  }
  let performError: unknown;
  let cookie: Buffer = Buffer.alloc(0);
  if ((flags & MigrateFlag.OFFLINE) === 0) {
    try {
      cookie = await source.domains.migration.perform(ref, params, prepared.cookie, sflags, call);
    } catch (error) {
      performError = error;
    }
  }
  let finished: { domain: DomainRef | null; cookie: Buffer } = { domain: null, cookie: Buffer.alloc(0) };
  let finishError: unknown;
  try {
    finished = await dest.domains.migration.finish(finishParams, cookie, destFlags, performError !== undefined, call);
  } catch (error) {
    finishError = error;
  }
  // A failed Perform cleaned the source up itself: no Confirm then.
  if (performError !== undefined) throw performError;
  await source.domains.migration.confirm(ref, params, finished.cookie, sflags, finished.domain === null, call);
  if (finished.domain === null) throw finishError ?? new Error('the destination did not start the domain (Finish returned none)');
}
