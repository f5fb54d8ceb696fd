/**
 * Every host, domain, snapshot and domain-event descriptor against the real
 * daemon's test driver (test+unix:///default). Storage and network
 * descriptors are in procedures-storage.test.ts. Procedures the test driver
 * lacks are checked to fail with UnsupportedError (reference §10).
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionClosedError, LibvirtError, UnsupportedError } from '../../../src/errors/index.js';
import { connectRpc } from '../../../src/rpc/index.js';
import * as P from '../../../src/rpc/protocol/index.js';
import { type ProcedureHarness, TEST_URI, bestEffort, domainXml, openHarness, uniqueName } from './procedure-helpers.js';

let h: ProcedureHarness;
let test: P.DomainRef;
const name = uniqueName('dom');
const transient = uniqueName('transient');
let dom: P.DomainRef;

beforeAll(async () => {
  h = await openHarness();
  test = (await h.call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'test' })).dom;
});

afterAll(async () => {
  await bestEffort(
    async () => h.client.call(P.DOMAIN_DESTROY_FLAGS, { dom: (await h.client.call(P.DOMAIN_LOOKUP_BY_NAME, { name })).dom, flags: 0 }),
    async () => h.client.call(P.DOMAIN_UNDEFINE_FLAGS, { dom: (await h.client.call(P.DOMAIN_LOOKUP_BY_NAME, { name })).dom, flags: 3 }),
    async () => h.client.call(P.DOMAIN_DESTROY, { dom: (await h.client.call(P.DOMAIN_LOOKUP_BY_NAME, { name: transient })).dom }),
  );
  await h.close();
});

describe('connection and host', () => {
  it('auth and connect procedures', async () => {
    expect(await h.call(P.AUTH_LIST, undefined)).toEqual({ types: [P.RemoteAuthType.REMOTE_AUTH_NONE] });
    expect(await h.call(P.CONNECT_SUPPORTS_FEATURE, { feature: 14 })).toEqual({ supported: 1 });
    // Auth on a socket that needs none: SASL → VIR_ERR_AUTH_FAILED (45), polkit → an error; the connection survives.
    await h.fails(P.AUTH_SASL_INIT, undefined, 45);
    await h.fails(P.AUTH_SASL_START, { mech: 'PLAIN', nil: 1, data: Buffer.alloc(0) }, 45);
    await h.fails(P.AUTH_SASL_STEP, { nil: 1, data: Buffer.alloc(0) }, 45);
    h.covered.add(P.AUTH_POLKIT.proc);
    await expect(h.client.call(P.AUTH_POLKIT, undefined)).rejects.toBeInstanceOf(Error);
    expect(await h.call(P.CONNECT_GET_URI, undefined)).toEqual({ uri: 'test:///default' });
  });

  it('a second CONNECT_OPEN fails and also closes the hypervisor connection (libvirt 9.0)', async () => {
    const other = await connectRpc(TEST_URI, { timeout: 10_000 });
    try {
      h.covered.add(P.CONNECT_OPEN.proc);
      await expect(other.call(P.CONNECT_OPEN, { name: 'test:///default', flags: 0 })).rejects.toMatchObject({ code: 1 });
      await expect(other.call(P.CONNECT_GET_URI, undefined)).rejects.toMatchObject({ code: 1 });
    } finally {
      other.destroy();
    }
  });

  it('CONNECT_CLOSE says goodbye on a second connection: the daemon answers, then hangs up on it', async () => {
    const other = await connectRpc(TEST_URI, { timeout: 10_000 });
    try {
      h.covered.add(P.CONNECT_CLOSE.proc);
      // Bounded, so a daemon that never hangs up fails this test in seconds rather than at the file's timeout.
      const hungUp = once(other, 'close', { signal: AbortSignal.timeout(10_000) }) as Promise<[ConnectionClosedError]>;
      await other.call(P.CONNECT_CLOSE, undefined);
      // libvirtd answers CONNECT_CLOSE and then closes the client (virNetServerClientDelayedClose): the
      // socket ending from the daemon's side, with nothing else sent, is the proof that it received it.
      const [closed] = await hungUp;
      expect(closed).toBeInstanceOf(ConnectionClosedError);
      expect(closed.reason).toBe('eof');
      await expect(other.call(P.CONNECT_GET_URI, undefined)).rejects.toBeInstanceOf(ConnectionClosedError);
    } finally {
      other.destroy();
    }
  });

  it('host facts', async () => {
    expect(await h.call(P.CONNECT_GET_TYPE, undefined)).toEqual({ type: 'TEST' });
    expect(await h.call(P.CONNECT_GET_VERSION, undefined)).toEqual({ hv_ver: 2n });
    expect((await h.call(P.CONNECT_GET_LIB_VERSION, undefined)).lib_ver).toBeGreaterThanOrEqual(9_000_000n);
    expect((await h.call(P.CONNECT_GET_MAX_VCPUS, { type: null })).max_vcpus).toBeGreaterThan(0);
    expect(await h.call(P.NODE_GET_INFO, undefined)).toMatchObject({ model: 'i686', cpus: 16, mhz: 1400 });
    expect((await h.call(P.NODE_GET_FREE_MEMORY, undefined)).freeMem).toBeGreaterThan(0n);
    expect((await h.call(P.CONNECT_GET_CAPABILITIES, undefined)).capabilities).toContain('<capabilities>');
    expect((await h.call(P.CONNECT_GET_HOSTNAME, undefined)).hostname.length).toBeGreaterThan(0);
    expect(await h.call(P.CONNECT_IS_SECURE, undefined)).toEqual({ secure: 1 });
    expect((await h.call(P.CONNECT_GET_SYSINFO, { flags: 0 })).sysinfo).toContain('<sysinfo');
    await h.unsupported(P.CONNECT_GET_DOMAIN_CAPABILITIES, { emulatorbin: null, arch: null, machine: null, virttype: null, flags: 0 });
    await h.call(P.CONNECT_REGISTER_CLOSE_CALLBACK, undefined);
    await h.call(P.CONNECT_UNREGISTER_CLOSE_CALLBACK, undefined);
  });

  it('bulk stats come back as typed parameters', async () => {
    const { retStats } = await h.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [test], stats: 1, flags: 0 });
    expect(retStats[0]!.dom).toEqual(test);
    expect(P.typedParamsToRecord(retStats[0]!.params)).toMatchObject({ 'state.state': 1 });
  });
});

describe('domains', () => {
  it('read-only calls on the default "test" domain', async () => {
    expect((await h.call(P.DOMAIN_LOOKUP_BY_ID, { id: test.id })).dom).toEqual(test);
    expect((await h.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: test.uuid })).dom).toEqual(test);
    expect((await h.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })).domains).toContainEqual(test);
    const { ifaces } = await h.call(P.DOMAIN_INTERFACE_ADDRESSES, { dom: test, source: 0, flags: 0 });
    expect(ifaces[0]).toMatchObject({ hwaddr: 'aa:bb:cc:dd:ee:ff' });
    expect((await h.call(P.DOMAIN_GET_HOSTNAME, { dom: test, flags: 0 })).hostname.length).toBeGreaterThan(0);
    const shot = await h.stream(P.DOMAIN_SCREENSHOT, { dom: test, screen: 0, flags: 0 });
    let bytes = 0;
    for await (const chunk of shot) bytes += chunk.length;
    expect(bytes).toBeGreaterThan(0);
    await h.unsupported(P.DOMAIN_OPEN_CONSOLE, { dom: test, dev_name: null, flags: 0 });
    // The test driver's disk is a made-up 1 TiB (capacity a little less: what the guest sees).
    expect(await h.call(P.DOMAIN_GET_BLOCK_INFO, { dom: test, path: 'vda', flags: 0 })).toEqual({
      allocation: 1n << 40n,
      capacity: 1099506450432n,
      physical: 1n << 40n,
    });
    await h.fails(P.DOMAIN_LOOKUP_BY_NAME, { name: uniqueName('missing') }, 42);
  });

  it('define, describe and configure a throwaway domain', async () => {
    const reg = await h.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 0, dom: null });
    dom = (await h.call(P.DOMAIN_DEFINE_XML_FLAGS, { xml: domainXml(name), flags: 0 })).dom;
    expect(dom).toMatchObject({ name, id: -1 });
    const defined = await h.waitForEvent((e) => e.family === 'domain' && e.value.dom.name === name, 'DEFINED');
    expect(defined.value).toMatchObject({ callbackID: reg.callbackID, event: 0, detail: 0 });
    await h.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, reg);
    expect((await h.call(P.DOMAIN_DEFINE_XML, { xml: domainXml(name, dom.uuid) })).dom).toEqual(dom);
    expect((await h.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })).xml).toContain(`<name>${name}</name>`);
    expect(await h.call(P.DOMAIN_IS_ACTIVE, { dom })).toEqual({ active: 0 });
    expect(await h.call(P.DOMAIN_IS_PERSISTENT, { dom })).toEqual({ persistent: 1 });
    await h.call(P.DOMAIN_SET_AUTOSTART, { dom, autostart: 1 });
    expect(await h.call(P.DOMAIN_GET_AUTOSTART, { dom })).toEqual({ autostart: 1 });
    await h.call(P.DOMAIN_SET_METADATA, { dom, type: 1, metadata: 'a title', key: null, uri: null, flags: 0 });
    expect(await h.call(P.DOMAIN_GET_METADATA, { dom, type: 1, uri: null, flags: 0 })).toEqual({ metadata: 'a title' });
    // vCPUs and memory in the config (flags: CONFIG 2, MAXIMUM 4); memory counts in KiB.
    await h.call(P.DOMAIN_SET_VCPUS_FLAGS, { dom, nvcpus: 3, flags: 2 | 4 });
    await h.call(P.DOMAIN_SET_VCPUS_FLAGS, { dom, nvcpus: 2, flags: 2 });
    expect(await h.call(P.DOMAIN_GET_VCPUS_FLAGS, { dom, flags: 2 })).toEqual({ num: 2 });
    expect(await h.call(P.DOMAIN_GET_VCPUS_FLAGS, { dom, flags: 2 | 4 })).toEqual({ num: 3 });
    await h.call(P.DOMAIN_SET_MEMORY_FLAGS, { dom, memory: 512n, flags: 2 });
    expect(await h.call(P.DOMAIN_GET_INFO, { dom })).toMatchObject({ maxMem: 1024n, memory: 512n, nrVirtCpu: 2 });
    await h.call(P.DOMAIN_SET_VCPUS_FLAGS, { dom, nvcpus: 1, flags: 2 });
    await h.call(P.DOMAIN_SET_MEMORY_FLAGS, { dom, memory: 1024n, flags: 2 });
    expect(await h.call(P.DOMAIN_LIST_ALL_CHECKPOINTS, { dom, need_results: 1, flags: 0 })).toEqual({ checkpoints: [], ret: 0 });
    await h.fails(P.DOMAIN_CHECKPOINT_DELETE, { checkpoint: { name: 'none', dom }, flags: 0 }, 103);
    const xml = "<disk type='file' device='disk'><source file='/x.img'/><target dev='vdz'/></disk>";
    for (const d of [P.DOMAIN_ATTACH_DEVICE_FLAGS, P.DOMAIN_DETACH_DEVICE_FLAGS, P.DOMAIN_UPDATE_DEVICE_FLAGS]) {
      await h.unsupported(d, { dom, xml, flags: 2 });
    }
    // The test driver has none of the device calls: each answers "not supported", so its arguments decoded.
    await h.unsupported(P.DOMAIN_DETACH_DEVICE_ALIAS, { dom, alias: 'virtio-disk1', flags: 2 });
    await h.unsupported(P.DOMAIN_BLOCK_RESIZE, { dom, disk: 'vdz', size: 1n << 30n, flags: 1 });
    // Nor block jobs (the QEMU driver's are proven by tests/integration/disk-state/block-jobs*.test.ts).
    await h.unsupported(P.DOMAIN_BLOCK_COPY, {
      dom,
      path: 'vda',
      destxml: "<disk type='file'><source file='/nonexistent.qcow2'/><driver type='qcow2'/></disk>",
      params: [{ field: 'bandwidth', type: 'ullong', value: 1n << 20n }],
      flags: 2,
    });
    await h.unsupported(P.DOMAIN_BLOCK_COMMIT, { dom, disk: 'vda', base: null, top: null, bandwidth: 0n, flags: 4 });
    await h.unsupported(P.DOMAIN_BLOCK_PULL, { dom, path: 'vda', bandwidth: 0n, flags: 0 });
    await h.unsupported(P.DOMAIN_BLOCK_JOB_ABORT, { dom, path: 'vda', flags: 0 });
    await h.unsupported(P.DOMAIN_GET_BLOCK_JOB_INFO, { dom, path: 'vda', flags: 1 });
    await h.unsupported(P.DOMAIN_BLOCK_JOB_SET_SPEED, { dom, path: 'vda', bandwidth: 0n, flags: 1 });
  });

  it('lifecycle: start, pause, resume, reboot, reset, shut down, destroy', async () => {
    const started = (await h.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom, flags: 0 })).dom;
    expect(started.id).toBeGreaterThan(0);
    expect((await h.call(P.DOMAIN_GET_STATE, { dom: started, flags: 0 })).state).toBe(P.VirDomainState.VIR_DOMAIN_RUNNING);
    expect(await h.call(P.DOMAIN_GET_INFO, { dom: started })).toMatchObject({ state: 1, maxMem: 1024n, nrVirtCpu: 1 });
    await h.call(P.DOMAIN_SUSPEND, { dom: started });
    expect((await h.call(P.DOMAIN_GET_STATE, { dom: started, flags: 0 })).state).toBe(P.VirDomainState.VIR_DOMAIN_PAUSED);
    await h.call(P.DOMAIN_RESUME, { dom: started });
    // The guest clock: the test driver keeps what was set (seconds are a signed hyper).
    await h.call(P.DOMAIN_SET_TIME, { dom: started, seconds: 4_102_444_800n, nseconds: 5, flags: 0 });
    expect(await h.call(P.DOMAIN_GET_TIME, { dom: started, flags: 0 })).toEqual({ seconds: 4_102_444_800n, nseconds: 5 });
    await h.call(P.DOMAIN_SET_TIME, { dom: started, seconds: 0n, nseconds: 0, flags: P.VirDomainSetTimeFlags.VIR_DOMAIN_TIME_SYNC });
    await h.call(P.DOMAIN_REBOOT, { dom: started, flags: 0 });
    await h.call(P.DOMAIN_RESET, { dom: started, flags: 0 });
    await h.unsupported(P.DOMAIN_PM_WAKEUP, { dom: started, flags: 0 });
    await h.call(P.DOMAIN_SHUTDOWN_FLAGS, { dom: started, flags: 0 });
    expect((await h.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).state).toBe(P.VirDomainState.VIR_DOMAIN_SHUTOFF);
    await h.call(P.DOMAIN_CREATE, { dom });
    await h.call(P.DOMAIN_SHUTDOWN, { dom });
    await h.call(P.DOMAIN_CREATE, { dom });
    await h.call(P.DOMAIN_DESTROY_FLAGS, { dom, flags: 0 });
    expect(await h.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })).toEqual({ state: 5, reason: 2 });
    await h.call(P.DOMAIN_CREATE, { dom });
    await h.call(P.DOMAIN_DESTROY, { dom });
  });

  it('managed save', async () => {
    await h.call(P.DOMAIN_CREATE, { dom });
    await h.call(P.DOMAIN_MANAGED_SAVE, { dom, flags: 0 });
    expect(await h.call(P.DOMAIN_HAS_MANAGED_SAVE_IMAGE, { dom, flags: 0 })).toEqual({ result: 1 });
    await h.call(P.DOMAIN_MANAGED_SAVE_REMOVE, { dom, flags: 0 });
    expect(await h.call(P.DOMAIN_HAS_MANAGED_SAVE_IMAGE, { dom, flags: 0 })).toEqual({ result: 0 });
  });

  it('snapshots', async () => {
    const snapXml = (n: string) => `<domainsnapshot><name>${n}</name></domainsnapshot>`;
    const s1 = (await h.call(P.DOMAIN_SNAPSHOT_CREATE_XML, { dom, xml_desc: snapXml('s1'), flags: 0 })).snap;
    const s2 = (await h.call(P.DOMAIN_SNAPSHOT_CREATE_XML, { dom, xml_desc: snapXml('s2'), flags: 0 })).snap;
    expect(s1).toEqual({ name: 's1', dom });
    const all = await h.call(P.DOMAIN_LIST_ALL_SNAPSHOTS, { dom, need_results: 1, flags: 0 });
    expect(all.ret).toBe(2);
    expect((await h.call(P.DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, { dom, name: 's2', flags: 0 })).snap).toEqual(s2);
    expect((await h.call(P.DOMAIN_SNAPSHOT_GET_XML_DESC, { snap: s1, flags: 0 })).xml).toContain('<name>s1</name>');
    expect(await h.call(P.DOMAIN_HAS_CURRENT_SNAPSHOT, { dom, flags: 0 })).toEqual({ result: 1 });
    expect((await h.call(P.DOMAIN_SNAPSHOT_CURRENT, { dom, flags: 0 })).snap).toEqual(s2);
    expect((await h.call(P.DOMAIN_SNAPSHOT_GET_PARENT, { snap: s2, flags: 0 })).snap).toEqual(s1);
    await h.call(P.DOMAIN_REVERT_TO_SNAPSHOT, { snap: s1, flags: 0 });
    await h.call(P.DOMAIN_SNAPSHOT_DELETE, { snap: s1, flags: P.VirDomainSnapshotDeleteFlags.VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN });
    expect((await h.call(P.DOMAIN_LIST_ALL_SNAPSHOTS, { dom, need_results: 1, flags: 0 })).ret).toBe(0);
  });

  it('checkpoints, domain jobs and backups', async () => {
    // The test driver keeps checkpoints as metadata of a domain with a disk (the default "test" one: shared, so
    // unique names, deleted at the end); it has no domain jobs or backups.
    const [n1, n2] = [uniqueName('chk1'), uniqueName('chk2')];
    const chk = (n: string) => `<domaincheckpoint><name>${n}</name></domaincheckpoint>`;
    const c1 = (await h.call(P.DOMAIN_CHECKPOINT_CREATE_XML, { dom: test, xml_desc: chk(n1), flags: 0 })).checkpoint;
    const c2 = (await h.call(P.DOMAIN_CHECKPOINT_CREATE_XML, { dom: test, xml_desc: chk(n2), flags: 0 })).checkpoint;
    try {
      expect(c1.name).toBe(n1);
      const all = await h.call(P.DOMAIN_LIST_ALL_CHECKPOINTS, { dom: test, need_results: 1, flags: 0 });
      expect(all.checkpoints.map((c) => c.name)).toEqual(expect.arrayContaining([n1, n2]));
      expect((await h.call(P.DOMAIN_CHECKPOINT_LOOKUP_BY_NAME, { dom: test, name: n2, flags: 0 })).checkpoint.name).toBe(n2);
      expect((await h.call(P.DOMAIN_CHECKPOINT_GET_PARENT, { checkpoint: c2, flags: 0 })).parent.name).toBe(n1);
      expect((await h.call(P.DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN, { checkpoint: c1, need_results: 1, flags: 0 })).checkpoints).toEqual([
        c2,
      ]);
      expect((await h.call(P.DOMAIN_CHECKPOINT_GET_XML_DESC, { checkpoint: c2, flags: 2 /* NO_DOMAIN */ })).xml).toContain(
        `<name>${n1}</name>`,
      );
    } finally {
      await h.call(P.DOMAIN_CHECKPOINT_DELETE, { checkpoint: c1, flags: 1 /* CHILDREN */ });
    }
    await h.fails(P.DOMAIN_CHECKPOINT_LOOKUP_BY_NAME, { dom: test, name: n2, flags: 0 }, 103);
    await h.unsupported(P.DOMAIN_GET_JOB_STATS, { dom: test, flags: 0 });
    await h.unsupported(P.DOMAIN_ABORT_JOB, { dom: test });
    await h.unsupported(P.DOMAIN_BACKUP_BEGIN, { dom: test, backup_xml: '<domainbackup/>', checkpoint_xml: chk('c3'), flags: 1 });
    await h.unsupported(P.DOMAIN_BACKUP_GET_XML_DESC, { dom: test, flags: 0 });
  });

  it('transient domain and undefine', async () => {
    const t = (await h.call(P.DOMAIN_CREATE_XML, { xml_desc: domainXml(transient), flags: 0 })).dom;
    expect(await h.call(P.DOMAIN_IS_PERSISTENT, { dom: t })).toEqual({ persistent: 0 });
    await h.call(P.DOMAIN_DESTROY_FLAGS, { dom: t, flags: 0 });
    await h.call(P.DOMAIN_UNDEFINE_FLAGS, { dom, flags: 0 });
    const again = (await h.call(P.DOMAIN_DEFINE_XML, { xml: domainXml(name) })).dom;
    await h.call(P.DOMAIN_UNDEFINE, { dom: again });
    await h.fails(P.DOMAIN_LOOKUP_BY_NAME, { name }, 42);
  });

  it('guest agent wrappers: the test driver freezes, thaws and sets passwords; it has no guest info and no QEMU program', async () => {
    // The test driver keeps a count of "frozen" filesystems: 2 for all of them (libvirt 9.0).
    expect(await h.call(P.DOMAIN_FSFREEZE, { dom: test, mountpoints: [], flags: 0 })).toEqual({ filesystems: 2 });
    expect(await h.call(P.DOMAIN_FSTHAW, { dom: test, mountpoints: [], flags: 0 })).toEqual({ filesystems: 2 });
    expect(await h.call(P.DOMAIN_SET_USER_PASSWORD, { dom: test, user: 'root', password: 'not-a-secret', flags: 0 })).toBeUndefined();
    await h.unsupported(P.DOMAIN_GET_GUEST_INFO, { dom: test, types: 0, flags: 0 });
    await expect(
      h.client.call(P.QEMU_DOMAIN_AGENT_COMMAND, { dom: test, cmd: '{"execute":"guest-ping"}', timeout: -1, flags: 0 }),
    ).rejects.toMatchObject({
      code: 'ERR_LIBVIRT_UNSUPPORTED',
    });
  });

  it('node devices, secrets, nwfilters and migration: each call encodes, and the daemon answers it (value or its own error)', async () => {
    // The test driver lists node devices but has no secrets, nwfilters or migration: what counts here is that
    // libvirtd decoded the arguments and answered — with a value or a LibvirtError, never a protocol failure.
    const answered = async <A, R>(d: P.Procedure<A, R>, args: A): Promise<R | undefined> => {
      h.covered.add(d.proc);
      try {
        return await h.client.call(d, args, { timeout: 10_000 });
      } catch (error) {
        // libvirt's own error (UnsupportedError for VIR_ERR_NO_SUPPORT and friends).
        expect(error instanceof LibvirtError || error instanceof UnsupportedError, `${d.name}: ${String(error)}`).toBe(true);
        return undefined;
      }
    };
    const { devices } = await h.call(P.CONNECT_LIST_ALL_NODE_DEVICES, { need_results: 1, flags: 0 });
    expect(devices.map((d) => d.name)).toContain('computer');
    const child = devices.find((d) => d.name !== 'computer')!;
    expect((await h.call(P.NODE_DEVICE_LOOKUP_BY_NAME, { name: 'computer' })).dev).toEqual({ name: 'computer' });
    expect((await h.call(P.NODE_DEVICE_GET_XML_DESC, { name: 'computer', flags: 0 })).xml).toContain('<device>');
    expect(devices.map((d) => d.name)).toContain((await h.call(P.NODE_DEVICE_GET_PARENT, { name: child.name })).parentName);
    await answered(P.NODE_DEVICE_DETACH_FLAGS, { name: child.name, driverName: null, flags: 0 });
    await answered(P.NODE_DEVICE_RE_ATTACH, { name: child.name });
    await answered(P.NODE_DEVICE_RESET, { name: child.name });
    const dev = await answered(P.CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY, { eventID: 0, dev: null });
    if (dev !== undefined) await h.call(P.CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY, { callbackID: dev.callbackID });
    else await answered(P.CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY, { callbackID: 0 });

    const secret = { uuid: '0e9f7a36-4b8e-4d0c-9b38-3c7a1a5e2f10', usageType: 0, usageID: '' };
    await answered(P.CONNECT_LIST_ALL_SECRETS, { need_results: 1, flags: 0 });
    await answered(P.SECRET_LOOKUP_BY_UUID, { uuid: secret.uuid });
    await answered(P.SECRET_LOOKUP_BY_USAGE, { usageType: 2, usageID: 'lvm-none' });
    await answered(P.SECRET_DEFINE_XML, { xml: "<secret ephemeral='yes' private='yes'/>", flags: 0 });
    await answered(P.SECRET_GET_XML_DESC, { secret, flags: 0 });
    await answered(P.SECRET_SET_VALUE, { secret, value: Buffer.from('not-a-secret'), flags: 0 });
    await answered(P.SECRET_GET_VALUE, { secret, flags: 0 });
    await answered(P.SECRET_UNDEFINE, { secret });
    const sec = await answered(P.CONNECT_SECRET_EVENT_REGISTER_ANY, { eventID: 0, secret: null });
    if (sec !== undefined) await h.call(P.CONNECT_SECRET_EVENT_DEREGISTER_ANY, { callbackID: sec.callbackID });
    else await answered(P.CONNECT_SECRET_EVENT_DEREGISTER_ANY, { callbackID: 0 });

    const nwfilter = { name: 'lvm-none', uuid: secret.uuid };
    await answered(P.CONNECT_LIST_ALL_NWFILTERS, { need_results: 1, flags: 0 });
    await answered(P.NWFILTER_LOOKUP_BY_NAME, { name: 'lvm-none' });
    await answered(P.NWFILTER_LOOKUP_BY_UUID, { uuid: secret.uuid });
    await answered(P.NWFILTER_DEFINE_XML, { xml: "<filter name='lvm-none'/>" });
    await answered(P.NWFILTER_GET_XML_DESC, { nwfilter, flags: 0 });
    await answered(P.NWFILTER_UNDEFINE, { nwfilter });
    await answered(P.CONNECT_LIST_ALL_NWFILTER_BINDINGS, { need_results: 1, flags: 0 });
    await answered(P.NWFILTER_BINDING_GET_XML_DESC, { nwfilter: { portdev: 'lvm-none', filtername: 'lvm-none' }, flags: 0 });

    const cookie = Buffer.alloc(0);
    await answered(P.DOMAIN_MIGRATE_SET_MAX_DOWNTIME, { dom: test, downtime: 300n, flags: 0 });
    await answered(P.DOMAIN_MIGRATE_SET_MAX_SPEED, { dom: test, bandwidth: 1n, flags: 0 });
    await answered(P.DOMAIN_MIGRATE_START_POST_COPY, { dom: test, flags: 0 });
    await answered(P.DOMAIN_MIGRATE_BEGIN3_PARAMS, { dom: test, params: [], flags: 0 });
    await answered(P.DOMAIN_MIGRATE_PREPARE3_PARAMS, { params: [], cookie_in: cookie, flags: 0 });
    await answered(P.DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom: test, dconnuri: null, params: [], cookie_in: cookie, flags: 0 });
    await answered(P.DOMAIN_MIGRATE_FINISH3_PARAMS, { params: [], cookie_in: cookie, flags: 0, cancelled: 1 });
    await answered(P.DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom: test, params: [], cookie_in: cookie, flags: 0, cancelled: 1 });
    expect(await h.call(P.CONNECT_GET_URI, undefined)).toEqual({ uri: 'test:///default' }); // the connection survived all of it
  });

  it('statistics: the test driver answers the domain and host counters, and refuses what it lacks', async () => {
    // Raw wire level; the typed API over them is tested in tests/integration/connection/{domain,node}-stats.test.ts.
    expect(Object.keys(await h.call(P.DOMAIN_BLOCK_STATS, { dom: test, path: 'vda' }))).toHaveLength(5);
    await h.unsupported(P.DOMAIN_BLOCK_STATS_FLAGS, { dom: test, path: 'vda', nparams: 16, flags: 0 });
    expect((await h.call(P.DOMAIN_INTERFACE_STATS, { dom: test, device: 'testnet0' })).rx_bytes).toBeGreaterThan(0n);
    expect((await h.call(P.DOMAIN_MEMORY_STATS, { dom: test, maxStats: 64, flags: 0 })).stats).toHaveLength(13);
    await h.fails(P.DOMAIN_SET_MEMORY_STATS_PERIOD, { dom: test, period: 0, flags: 3 }, 8); // LIVE|CONFIG: exclusive here
    expect(await h.call(P.DOMAIN_GET_CPU_STATS, { dom: test, nparams: 0, start_cpu: -1, ncpus: 1, flags: 0 })).toEqual({
      params: [],
      nparams: 3,
    });
    expect(await h.call(P.DOMAIN_GET_DISK_ERRORS, { dom: test, maxerrors: 256, flags: 0 })).toEqual({
      errors: [{ disk: 'vda', error: 1 }],
      nerrors: 1,
    });
    expect(await h.call(P.DOMAIN_GET_CONTROL_INFO, { dom: test, flags: 0 })).toEqual({ state: 0, details: 0, stateTime: 0n });
    expect((await h.call(P.DOMAIN_GET_FSINFO, { dom: test, flags: 0 })).ret).toBe(2);
    await h.unsupported(P.DOMAIN_GET_GUEST_VCPUS, { dom: test, flags: 0 });
    await h.unsupported(P.DOMAIN_SET_GUEST_VCPUS, { dom: test, cpumap: '1', state: 1, flags: 0 });
    expect((await h.call(P.NODE_GET_CPU_STATS, { cpuNum: -1, nparams: 0, flags: 0 })).nparams).toBe(4);
    await h.unsupported(P.NODE_GET_MEMORY_STATS, { nparams: 0, cellNum: -1, flags: 0 });
    expect((await h.call(P.NODE_GET_CELLS_FREE_MEMORY, { startCell: 0, maxcells: 8 })).cells).toEqual([2097152n, 4194304n]);
    await h.fails(P.NODE_GET_FREE_PAGES, { pages: [4], startCell: -1, cellCount: 1, flags: 0 }, 1); // libvirt 9.0 test driver
    expect(await h.call(P.NODE_GET_CPU_MAP, { need_map: 1, need_online: 1, flags: 0 })).toEqual({
      cpumap: Buffer.from([0x15]),
      online: 3,
      ret: 8,
    });
    await h.unsupported(P.NODE_GET_MEMORY_PARAMETERS, { nparams: 0, flags: 0 });
    await h.unsupported(P.NODE_SET_MEMORY_PARAMETERS, { params: [{ field: 'shm_pages_to_scan', type: 'uint', value: 100 }], flags: 0 });
    expect((await h.call(P.NODE_GET_SECURITY_MODEL, undefined)).model.toString()).toBe('testSecurity\0');
    await h.unsupported(P.NODE_ALLOC_PAGES, { pageSizes: [2048], pageCounts: [1n], startCell: -1, cellCount: 1, flags: 0 });
    await h.unsupported(P.NODE_GET_SEV_INFO, { nparams: 0, flags: 4 });
  });

  it('covered every non-storage, non-network descriptor', () => {
    const mine = P.ALL_PROCEDURES.filter((d) => !/STORAGE|NETWORK/.test(d.name));
    expect(mine.filter((d) => !h.covered.has(d.proc)).map((d) => d.name)).toEqual([]);
  });
});
