/**
 * `VmCreator`: a {@link VmSpec} becomes storage volumes, a cloud-init seed and
 * a defined (optionally started) domain, transactionally: every side effect is
 * logged with its undo, and any failure, including an abort, undoes exactly
 * what this create made, newest first.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { detachSeedFromConfig, seedCdrom } from './seed.js';
import type { VmSpec } from './spec.js';
import { checkDomainFree, checkVolumesFree, gatherFacts, type CreatorFacts } from './facts.js';
import { buildVmXml, planCreate, renderDomain, type CreatePlan, type MadeVolume } from './plan.js';
import type { PlannedVolume } from './storage.js';
import { makeVolume } from './storage-ops.js';
import type { CreateOptions, CreateResult, CreatedVolume, CreatorHooks, CreatorLifecycle, VmCreatorOptions } from './options.js';
import { checkCreateOptions } from './options.js';
import { attachRollback, CompensationLog, type UndoOutcome } from './transaction.js';
import { resolveReferences } from './references.js';
import { validateSpec } from './validate.js';
import { describeSeed } from './cloud-init/index.js';
import { undefineDomain } from '../destroyer/undefine.js';
import { VmLifecycleManager } from '../lifecycle/internal.js';
import { VirErrorCode, isLibvirtCode } from '../errors/index.js';
import { Budget, throwIfAborted, traceOperation } from '../runtime/index.js';
import { type CallOptions, type DomainRef, type LibvirtConnection, type Logger, logSafely } from '../connection/internal.js';

/** `VIR_DOMAIN_DEFINE_VALIDATE`: libvirt checks the XML against its schema. */
const DEFINE_VALIDATE = 1;

/**
 * Creates VMs from {@link VmSpec}s: validates, fills in defaults from the
 * host's capabilities, makes the storage (new volumes, overlays, clones,
 * uploads), the cloud-init seed, defines the domain with an ownership record
 * in its metadata, and optionally starts it. A failure rolls back everything
 * this create made.
 *
 * @example
 * const creator = new VmCreator(conn);
 * const { domain, created } = await creator.create({
 *   name: 'web-1', memory: '1GiB', vcpus: 2,
 *   disks: [{ kind: 'overlay', pool: 'default', base: { pool: 'default', volume: 'debian-12.qcow2' } }],
 *   networks: [{ network: 'default' }],
 *   cloudInit: { user: { name: 'ops', sshAuthorizedKeys: [key] } },
 *   start: true,
 * }, { timeout: 120_000 });
 * @see virDomainDefineXMLFlags
 * @see virStorageVolCreateXML
 */
export class VmCreator {
  readonly #connection: LibvirtConnection;
  readonly #logger: Logger | undefined;
  readonly #lifecycle: CreatorLifecycle;
  readonly #rollbackTimeout: number;
  readonly #hooks: CreatorHooks | undefined;

  constructor(connection: LibvirtConnection, options: VmCreatorOptions = {}) {
    this.#connection = connection;
    this.#logger = options.logger;
    this.#lifecycle =
      options.lifecycle ?? new VmLifecycleManager(connection, options.logger === undefined ? {} : { logger: options.logger });
    this.#rollbackTimeout = options.rollbackTimeout ?? 60_000;
    this.#hooks = options.hooks;
  }

  /**
   * The domain XML `create` would define, with nothing made: validation,
   * defaults from the host, and predicted volume paths. Pass `facts` to stay
   * off the connection entirely (then a graphics password from a secret and
   * USB host devices by node device name are refused: they are read through
   * the connection). The XML holds a password read from a secret, as the
   * defined domain does.
   *
   * @example console.log(await creator.buildXml({ name: 'web-1', memory: '1GiB' }));
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for an invalid spec, unknown pools or volumes
   * @throws LibvirtError when a lookup fails for another reason
   * @see buildVmXml
   */
  async buildXml(spec: VmSpec, options: CallOptions & { facts?: CreatorFacts; uuid?: string } = {}): Promise<string> {
    if (options.facts !== undefined)
      return buildVmXml(spec, { facts: options.facts, ...(options.uuid === undefined ? {} : { uuid: options.uuid }) });
    const checked = validateSpec(spec, options.uuid === undefined ? {} : { uuid: options.uuid });
    const facts = await gatherFacts(this.#connection, checked, options);
    return renderDomain(planCreate(await resolveReferences(this.#connection, checked, options), facts)).xml;
  }

  /**
   * Create a VM. Everything is checked before anything is made (spec, pools
   * and free space, volume and domain names); then volumes are made, data
   * uploaded, the domain defined (with the SDK's ownership record), autostart
   * set and the VM started, each step logged with its undo.
   *
   * On any failure, including `signal` aborting or `timeout` elapsing between
   * or during steps, the log is rolled back newest first (destroy if this
   * create started the VM, undefine with NVRAM/snapshot/checkpoint metadata,
   * delete the volumes it made) and the original error is thrown with a
   * {@link RollbackReport} attached (`error.rollback`, `getRollbackReport(error)`).
   * A call in flight when the signal fires may still complete in libvirt: the
   * rollback then looks for what it would have made (by the domain's UUID, by
   * the volume's name) and removes it.
   *
   * @example
   * const { domain, created, started } = await creator.create(spec, { signal, timeout: 120_000, onProgress: console.log });
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for an invalid spec; nothing was made
   * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_ARGUMENT`, `path`) for bad options (`timeout`, `signal`, `onProgress`); nothing was sent
   * @throws AlreadyExistsError when the domain name or UUID, or a volume name, is taken; nothing was made
   * @throws UnsupportedError when the driver cannot do a step (e.g. the test driver cannot upload); rolled back
   * @throws AbortError / TimeoutError; rolled back
   * @throws LibvirtError for any other daemon failure; rolled back
   * @see virDomainDefineXMLFlags
   * @see virStorageVolCreateXML
   * @see virStorageVolUpload
   */
  create(spec: VmSpec, options: CreateOptions = {}): Promise<CreateResult> {
    const name = spec !== null && typeof spec === 'object' ? (spec as { name?: unknown }).name : undefined;
    return traceOperation('create', typeof name === 'string' ? name : '', async (message) => {
      const result = await this.#create(spec, options);
      if (message !== undefined) message.domain = { name: result.domain.name, uuid: result.domain.uuid };
      return result;
    });
  }

  async #create(spec: VmSpec, options: CreateOptions): Promise<CreateResult> {
    const run = new Budget(checkCreateOptions(options), options.signal).linked('the create');
    try {
      throwIfAborted(run.signal, 'the create');
      const call: CallOptions = { signal: run.signal };
      const valid = validateSpec(spec, { uuid: randomUUID() });
      await checkDomainFree(this.#connection, valid, call);
      const facts = await gatherFacts(this.#connection, valid, call);
      const plan = planCreate(await resolveReferences(this.#connection, valid, call), facts);
      renderDomain(plan); // Write the XML once with predicted paths: override errors surface before anything is made.
      await checkVolumesFree(this.#connection, plan.volumes, call);
      throwIfAborted(run.signal, 'the create');
      return await this.#execute(plan, run.signal, run.translate, options.onProgress);
    } catch (error) {
      throw run.translate(error);
    } finally {
      run.dispose();
    }
  }

  async #execute(
    plan: CreatePlan,
    signal: AbortSignal,
    translate: (e: unknown) => unknown,
    onProgress: CreateOptions['onProgress'],
  ): Promise<CreateResult> {
    const conn = this.#connection;
    const call: CallOptions = { signal };
    const rb: CallOptions = { timeout: this.#rollbackTimeout };
    const { checked } = plan;
    const log = new CompensationLog({
      signal,
      ...(this.#hooks?.beforeStep === undefined ? {} : { beforeStep: (step: string) => this.#hooks!.beforeStep!(step) }),
      onStep: (step, description) => {
        logSafely(this.#logger, 'debug', description, { domain: checked.name, step });
        onProgress?.({ type: 'step', step, description });
      },
    });
    logSafely(this.#logger, 'info', 'creating VM', {
      domain: checked.name,
      uuid: checked.uuid,
      volumes: plan.volumes.length,
      seed: checked.seed && describeSeed(checked.seed.seed),
    });
    const made = new Map<PlannedVolume, MadeVolume>();
    let started = false;
    try {
      for (const v of plan.volumes) made.set(v, await makeVolume(this.#connection, log, v, { call, rollback: rb, onProgress }));
      const { xml } = renderDomain(plan, made);
      let domain = await log.step(
        'define',
        `define domain ${checked.name}`,
        () => conn.domains.control.define(xml, { ...call, flags: DEFINE_VALIDATE }),
        {
          undo: async (ref) => ((await undefineDomain(conn, ref, rb)).alreadyGone ? 'already-gone' : 'undone'),
          ifUncertain: () => this.#undefineByUuid(checked.uuid!, rb),
        },
      );
      if (checked.spec.autostart === true) {
        const ref = domain;
        await log.step(
          'autostart',
          `start ${checked.name} with the host`,
          () => this.#lifecycle.setAutostart(ref, { ...call, enabled: true }),
          {
            undo: async () => this.#tolerateGone(() => this.#lifecycle.setAutostart(ref, { ...rb, enabled: false })),
          },
        );
      }
      if (checked.spec.start === true) {
        const ref = domain;
        const result = await log.step('start', `start ${checked.name}`, () => this.#start(ref, call), {
          undo: () => this.#forceOff(ref, rb),
          ifUncertain: () => this.#forceOff(ref, rb),
        });
        if (result !== undefined) domain = result;
        started = true;
      }
      const seed = checked.seed;
      const seedVolume = plan.seedVolume;
      const seedPlace = plan.placements.seed;
      let detached = false;
      if (seed !== undefined && seedVolume !== undefined && seedPlace !== undefined && seed.detach === 'after-first-boot') {
        const cdrom = seedCdrom(made.get(seedVolume)!.path, seedPlace.bus, seedPlace.target);
        const ref = domain;
        await log.step('detach-seed', `remove the seed cdrom ${seedPlace.target} from ${checked.name}'s persistent definition`, () =>
          detachSeedFromConfig(conn, ref, cdrom, call),
        );
        detached = true;
      }
      const volumes: CreatedVolume[] = plan.disks.flatMap((d) =>
        d.volume === undefined ? [] : [this.#created(d.volume, made, d.checked.index)],
      );
      const result: CreateResult = { domain, xml, created: { volumes }, started };
      if (seed !== undefined && seedVolume !== undefined && seedPlace !== undefined) {
        result.created.seed = {
          ...this.#created(seedVolume, made),
          sha256: seed.seed.sha256,
          instanceId: seed.seed.instanceId,
          target: seedPlace.target,
          detached,
        };
      }
      logSafely(this.#logger, 'info', 'created VM', { domain: checked.name, uuid: domain.uuid, started });
      return result;
    } catch (error) {
      const original = translate(error);
      const report = await log.rollback();
      const level = report.complete ? 'warn' : 'error';
      logSafely(this.#logger, level, report.complete ? 'create failed; rolled back' : 'create failed; rollback incomplete', {
        domain: checked.name,
        undone: report.undone.map((s) => s.step),
        failed: report.failed.map((f) => f.step),
      });
      throw attachRollback(original, report);
    }
  }

  #created(v: PlannedVolume, made: ReadonlyMap<PlannedVolume, MadeVolume>, disk?: number): CreatedVolume {
    return {
      role: v.role,
      pool: v.pool,
      name: v.name,
      path: made.get(v)?.path ?? v.predictedPath,
      format: v.format,
      ...(disk === undefined ? {} : { disk }),
    };
  }

  /** Start through the lifecycle manager (confirmed by libvirt's event); returns the ref with its new id. */
  async #start(domain: DomainRef, options: CallOptions): Promise<DomainRef | undefined> {
    const result = (await this.#lifecycle.start(domain, options)) as { domain?: unknown } | undefined;
    const ref = result?.domain as DomainRef | undefined;
    if (ref !== undefined && typeof ref.uuid === 'string' && typeof ref.id === 'number') return ref;
    return this.#connection.domains.lookupByUuid(domain.uuid, options).catch(() => undefined);
  }

  /** Power off (and wait until off) through the lifecycle manager; a VM already off or gone is fine. */
  async #forceOff(domain: DomainRef, options: CallOptions): Promise<UndoOutcome> {
    try {
      const result = (await this.#lifecycle.forceOff(domain, options)) as { changed?: unknown } | undefined;
      return result?.changed === false ? 'already-gone' : 'undone';
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN, VirErrorCode.VIR_ERR_OPERATION_INVALID)) return 'already-gone';
      throw error;
    }
  }

  async #undefineByUuid(uuid: string, options: CallOptions): Promise<UndoOutcome> {
    let ref: DomainRef;
    try {
      ref = await this.#connection.domains.lookupByUuid(uuid, options);
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN)) return 'already-gone';
      throw error;
    }
    return (await undefineDomain(this.#connection, ref, options)).alreadyGone ? 'already-gone' : 'undone';
  }

  async #tolerateGone(run: () => Promise<unknown>): Promise<UndoOutcome> {
    try {
      await run();
      return 'undone';
    } catch (error) {
      if (isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_DOMAIN)) return 'already-gone';
      throw error;
    }
  }
}
