/**
 * `libvirt-manager/creator`: create VMs from a small typed spec. The one
 * place in the SDK that creates domains and storage.
 *
 * - {@link VmCreator}: validate → defaults from the host's capabilities →
 *   volumes (new, overlay, clone, upload) → cloud-init seed → define (with
 *   ownership metadata) → autostart → start; any failure rolls back exactly
 *   what the create made ({@link getRollbackReport}).
 * - {@link buildVmXml}: the same XML with nothing made, for previews and tests.
 * - The cloud-init NoCloud builders (`buildNoCloudSeed`, `buildCloudConfig`, …).
 *
 * @example
 * import { VmCreator, getRollbackReport } from 'libvirt-manager/creator';
 * const creator = new VmCreator(conn);
 * try {
 *   await creator.create({ name: 'web-1', memory: '1GiB', disks: [{ kind: 'new', pool: 'default', size: '10GiB' }] });
 * } catch (error) {
 *   console.error(error, getRollbackReport(error));
 * }
 * @module creator
 */

/**
 * The creator and its options and results (see each type's documentation).
 * @throws {InvalidArgumentError} `ERR_LIBVIRT_INVALID_SPEC` with `path` for invalid specs.
 * @see https://libvirt.org/formatdomain.html
 */
export { VmCreator } from './creator.js';
export type {
  VmCreatorOptions,
  CreatorLifecycle,
  CreateOptions,
  CreateProgress,
  CreateResult,
  CreatedVolume,
  CreatedSeed,
} from './options.js';

/**
 * The VM spec (see each type's documentation).
 * @see https://libvirt.org/formatdomain.html
 */
export type {
  VmSpec,
  DiskSpec,
  DiskBus,
  DiskCommonSpec,
  OwnedVolumeSpec,
  NewDiskSpec,
  DiskEncryptionSpec,
  OverlayDiskSpec,
  CloneDiskSpec,
  UploadDiskSpec,
  UploadStreamSource,
  UploadProgress,
  ExistingDiskSpec,
  CdromDiskSpec,
  VolumeLocation,
  NetworkSpec,
  CloudInitSpec,
  SeedDetachPolicy,
  GraphicsSpec,
  VmBootSpec,
  SerialConsoleSpec,
  DefaultDevicesSpec,
  VmOverrides,
} from './spec.js';
export type {
  FirmwareSpec,
  TpmSpec,
  FilesystemSpec,
  MemoryBackingSpec,
  CpuSpec,
  CpuTopologySpec,
  CpuFeatureSpec,
  NumaCellSpec,
  HostdevSpec,
  GraphicsPasswordSecret,
  WatchdogSpec,
  RngSpec,
  VideoSpec,
} from './spec-hardware.js';

/**
 * Presets: ready-made specs (see each export's documentation).
 */
export { windows11Spec, type Windows11Options } from './presets.js';

/**
 * Rollback reports attached to errors of a failed create (see each export's documentation).
 * @see VmCreator.create
 */
export { getRollbackReport, type RollbackReport, type RollbackStep, type RollbackFailure, type UndoOutcome } from './transaction.js';

/**
 * Pure previews: spec + host facts → domain XML (see each export's documentation).
 * @throws {InvalidArgumentError} `ERR_LIBVIRT_INVALID_SPEC` with `path`.
 * @see https://libvirt.org/formatdomaincaps.html
 */
export { buildVmXml, type BuildVmXmlOptions } from './plan.js';
export type { HostFacts } from './defaults.js';
export type { CreatorFacts } from './facts.js';
export { volumeKey, type PoolFacts, type VolumeFacts, type LocalImageFacts, type StorageFacts } from './storage.js';
export { SDK_VERSION } from './domain-model.js';

/**
 * cloud-init NoCloud seeds in pure TypeScript (see `cloud-init/index.ts`).
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 */
export * from './cloud-init/index.js';
