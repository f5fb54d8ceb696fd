/**
 * Snapshots against libvirt's test driver: the API (create, list as a tree,
 * revert, delete), the checks made before anything is sent, and the
 * registry's view (`changingDisks`) and per-VM queue. The test driver keeps
 * snapshot metadata only (no disk data, no external files: its
 * `virDomainSnapshotCreateXML` refuses DISK_ONLY); what a guest and the
 * disk chain see is proven on real QEMU (snapshots-qemu.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  type DomainRef,
  InvalidArgumentError,
  InvalidStateError,
  UnsupportedError,
} from '../../../src/connection/internal.js';
import { LibvirtManager } from '../../../src/index.js';
import type { SnapshotManager } from '../../../src/disk-state/index.js';
import { TEST_URI } from '../../helpers/libvirt.js';
import { type TestDriverVms, testDriverVms } from '../../helpers/test-driver-vms.js';
import { holdVmTurn, watchVmChanges } from '../../helpers/vm-turn.js';

let manager: LibvirtManager;
let snapshots: SnapshotManager;
let vms: TestDriverVms;

beforeAll(async () => {
  manager = await LibvirtManager.connect(TEST_URI);
  snapshots = manager.snapshots;
  vms = testDriverVms(manager);
});

afterAll(async () => {
  await vms?.cleanup();
  await manager.close();
});

/** A test-driver VM with one owned qcow2 disk (`vda`), shut off unless `start`. */
function vm(prefix: string, options: { start?: boolean } = {}): Promise<DomainRef> {
  return vms.create(prefix, { ...options, format: 'qcow2' });
}

describe('create, list, revert, delete', () => {
  it('an internal snapshot of a running VM (decided: qcow2 disk, no UEFI → internal with memory), listed as a tree', async () => {
    const domain = await vm('snap-api', { start: true });
    const first = await snapshots.create(domain, { name: 'one', description: 'first' });
    expect(first).toMatchObject({
      change: 'createSnapshot',
      quiesced: false,
      files: [],
      snapshot: {
        name: 'one',
        description: 'first',
        kind: 'internal',
        memory: 'internal',
        state: 'running',
        current: true,
        parent: undefined,
      },
    });
    expect(first.snapshot.disks).toEqual([{ target: 'vda', mode: 'internal', file: undefined }]);
    expect(first.snapshot.createdAt).toBeInstanceOf(Date);
    await snapshots.create(domain, { name: 'two' });
    await snapshots.revert(domain, 'one');
    await snapshots.create(domain, { name: 'three' });
    const tree = await snapshots.list(domain);
    // Depth-first: the root, then its children (oldest first; creation times are whole seconds, so two and three may tie and go by name).
    expect(tree.map((s) => s.name)[0]).toBe('one');
    expect(tree.slice(1).map((s) => [s.name, s.parent, s.children])).toEqual(
      expect.arrayContaining([
        ['two', 'one', []],
        ['three', 'one', []],
      ]),
    );
    expect(tree.filter((s) => s.current).map((s) => s.name)).toEqual(['three']);
    expect(new Set(tree[0]?.children)).toEqual(new Set(['two', 'three']));
    expect(await manager.listSnapshots(domain)).toEqual(tree);
  });

  it('a shut-off VM: no memory; revert reports the state libvirt left; delete with children takes the subtree', async () => {
    const domain = await vm('snap-off');
    const r = await snapshots.create(domain, { name: 'base' });
    expect(r.snapshot).toMatchObject({ kind: 'internal', memory: 'no', state: 'shutoff' });
    await snapshots.create(domain, { name: 'child' });
    const reverted = await snapshots.revert(domain, 'base', { running: true });
    // The result says the state libvirt reports (the test driver leaves this VM shut off even with RUNNING, as `virsh snapshot-revert --running` shows).
    expect(reverted).toMatchObject({
      change: 'revertSnapshot',
      name: 'base',
      state: (await manager.connection.domains.getState(domain)).state,
    });
    const deleted = await snapshots.delete(domain, 'base', { children: true });
    expect(deleted).toMatchObject({ change: 'deleteSnapshot', deleted: ['base', 'child'], committed: [], filesDeleted: [] });
    expect(await snapshots.list(domain)).toEqual([]);
  });

  it('deleting a snapshot re-parents its children', async () => {
    const domain = await vm('snap-reparent');
    await snapshots.create(domain, { name: 'a' });
    await snapshots.create(domain, { name: 'b' });
    await snapshots.create(domain, { name: 'c' });
    await snapshots.delete(domain, 'b');
    expect((await snapshots.list(domain)).map((s) => [s.name, s.parent])).toEqual([
      ['a', undefined],
      ['c', 'a'],
    ]);
  });
});

describe('typed errors before anything is sent', () => {
  it('bad names, a name in use, unknown targets, impossible modes and options', async () => {
    const domain = await vm('snap-err', { start: true });
    await snapshots.create(domain, { name: 'taken' });
    const bad = async (promise: Promise<unknown>, type: new (...args: never[]) => Error, path?: string): Promise<void> => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(type);
      if (path !== undefined) expect(error).toMatchObject({ path });
    };
    await bad(snapshots.create(domain, { name: '' }), InvalidArgumentError, 'name');
    await bad(snapshots.create(domain, { name: 'a/b' }), InvalidArgumentError, 'name');
    await bad(snapshots.create(domain, { name: '..' }), InvalidArgumentError, 'name');
    await bad(snapshots.create(domain, { name: 'x'.repeat(201) }), InvalidArgumentError, 'name');
    await bad(snapshots.create(domain, { name: 'a\nb' }), InvalidArgumentError, 'name');
    await bad(snapshots.create(domain, { name: 'taken' }), AlreadyExistsError);
    await bad(snapshots.create(domain, { name: 's', disks: { vdz: 'internal' } }), InvalidArgumentError, 'disks.vdz');
    await bad(snapshots.create(domain, { name: 's', disks: { vda: 'sideways' as never } }), InvalidArgumentError, 'disks.vda');
    await bad(snapshots.create(domain, { name: 's', disks: { vda: 'no' } }), InvalidArgumentError, 'disks');
    await bad(snapshots.create(domain, { name: 's', memory: false }), InvalidArgumentError, 'memory');
    await bad(snapshots.create(domain, { name: 's', quiesce: 'maybe' as never }), InvalidArgumentError, 'quiesce');
    await bad(snapshots.create(domain, { name: 's', quiesce: 'required' }), InvalidArgumentError, 'quiesce');
    await bad(snapshots.create(domain, { name: 's', disks: 'external', memory: false, quiesce: 'required' }), InvalidStateError);
    await bad(snapshots.revert(domain, 'nope'), InvalidArgumentError, 'name');
    await bad(snapshots.revert(domain, 'taken', { running: true, paused: true }), InvalidArgumentError, 'paused');
    await bad(snapshots.delete(domain, 'nope'), InvalidArgumentError, 'name');
    await bad(snapshots.delete(domain, 'taken', { children: 'yes' as never }), InvalidArgumentError, 'children');
    await bad(snapshots.create(domain, { name: 's', timeout: -1 }), InvalidArgumentError, 'timeout');
    // Nothing was made: only the first snapshot exists.
    expect((await snapshots.list(domain)).map((s) => s.name)).toEqual(['taken']);
  });

  it('a shut-off VM has no memory to save; external overlays need the disk in a pool the daemon can make volumes in', async () => {
    const domain = await vm('snap-err-off');
    await expect(snapshots.create(domain, { name: 's', memory: true })).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      path: 'memory',
    });
    // The test driver's pool volumes carry no backing store: its volume create or the snapshot refuses, and nothing is left.
    const before = (await manager.connection.storage.volumes.list('default-pool')).map((v) => v.name).sort();
    await expect(snapshots.create(domain, { name: 'ext', disks: 'external' })).rejects.toBeInstanceOf(Error);
    expect((await manager.connection.storage.volumes.list('default-pool')).map((v) => v.name).sort()).toEqual(before);
    expect(await snapshots.list(domain)).toEqual([]);
  });
});

describe('the registry and the per-VM queue', () => {
  it('createSnapshot waits for the VM turn, shows as changingDisks while it runs; queue: false refuses', async () => {
    const domain = await vm('snap-queue', { start: true });
    await manager.vms.track(domain);
    const turn = await holdVmTurn(manager.connection, domain);
    const watch = watchVmChanges(manager, domain);
    try {
      let finished = false;
      const created = manager.createSnapshot(domain, { name: 'queued' }).then((r) => {
        finished = true;
        return r;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(finished).toBe(false);
      await expect(manager.deleteSnapshot(domain, 'queued', { queue: false })).rejects.toBeInstanceOf(InvalidStateError);
      turn.release();
      await turn.done;
      expect(await created).toMatchObject({ change: 'createSnapshot', snapshot: { name: 'queued' } });
    } finally {
      turn.release();
    }
    await watch.stop();
    expect(watch.seen).toContain('changingDisks:createSnapshot');
    expect(manager.getVm(domain)).toMatchObject({ state: 'running', inFlight: null });
  });

  it('a power command sent while a snapshot command runs waits for it; a revert that stops the VM is re-read', async () => {
    const domain = await vm('snap-queue2');
    await manager.createSnapshot(domain, { name: 'off' });
    await manager.startVm(domain);
    const order: string[] = [];
    const a = manager.createSnapshot(domain, { name: 'on' }).then(() => order.push('createSnapshot'));
    const b = manager.pauseVm(domain).then(() => order.push('pause'));
    const c = manager.revertSnapshot(domain, 'off').then(() => order.push('revertSnapshot'));
    await Promise.all([a, b, c]);
    expect(order).toEqual(['createSnapshot', 'pause', 'revertSnapshot']);
    expect(manager.getVm(domain)).toMatchObject({ state: 'shutoff' });
    const deleted = await manager.deleteSnapshot(domain, 'on');
    expect(deleted.deleted).toEqual(['on']);
  });

  it('block jobs and backups refuse a shut-off VM from the one state table; an unknown disk-state operation is refused', async () => {
    const domain = await vm('snap-table');
    await expect(manager.diskState.perform(domain, 'nope' as never, {} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(manager.getVm(domain)?.allowed ?? (await manager.vms.track(domain)).allowed).not.toContain('blockCopy');
    await expect(manager.diskState.perform(domain, 'backup', { pool: 'default-pool' })).rejects.toSatisfy(
      (e: unknown) => e instanceof InvalidStateError || e instanceof UnsupportedError,
    );
  });
});
