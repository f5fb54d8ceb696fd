/**
 * Input checks of `conn.interfaces`, `conn.host.cpu`, `conn.host.native`,
 * `conn.host.setIdentity`, the storage discovery calls and volume wipe: every
 * bad argument or option is an InvalidArgumentError naming it, and nothing
 * reaches the call function. Good input is encoded as libvirt expects
 * (flags, lower-cased MAC, typed identity parameters, wipe algorithm numbers).
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import {
  HostCpuResource,
  HostResource,
  InterfaceResource,
  NativeConfigResource,
  StoragePoolResource,
  StorageVolumeResource,
  type ResourceCall,
  type ResourceStream,
} from '../../../src/connection/resources/index.js';
import type { Procedure } from '../../../src/rpc/index.js';

/** A call function that records what would be sent and answers with `reply`. */
function recorder(reply: unknown = {}) {
  const sent: { name: string; args: unknown }[] = [];
  const call = (async (procedure: Procedure<unknown, unknown>, args: unknown) => {
    sent.push({ name: procedure.name, args });
    return reply;
  }) as ResourceCall;
  return { sent, call };
}
const noStream = (async () => {
  throw new Error('no streams here');
}) as ResourceStream;

async function refused(run: () => Promise<unknown>, path: string, sent: unknown[]): Promise<void> {
  const error: unknown = await run().catch((e: unknown) => e);
  expect(error, path).toBeInstanceOf(InvalidArgumentError);
  expect((error as InvalidArgumentError).path, path).toBe(path);
  expect(sent, path).toEqual([]);
}

const ref = { name: 'eth1', mac: 'aa:bb:cc:dd:ee:ff' };
const vol = { pool: 'p', name: 'v', key: '/p/v' };

describe('bad input is refused before anything is sent', () => {
  it('interfaces', async () => {
    const { sent, call } = recorder();
    const ifaces = new InterfaceResource(call);
    await refused(() => ifaces.lookup(42 as never), 'nameOrMac', sent);
    await refused(() => ifaces.lookup('a\u0000b'), 'nameOrMac', sent);
    await refused(() => ifaces.getXml({ name: 'eth1', mac: 1 } as never), 'iface', sent);
    await refused(() => ifaces.getXml('eth/1'), 'iface', sent);
    await refused(() => ifaces.undefine(ref, { force: true } as never), 'force', sent);
    await refused(() => ifaces.stop(ref, 'fast' as never), 'options', sent);
    await refused(() => ifaces.commitChange({ timeout: 2 ** 40 }), 'timeout', sent);
  });

  it('CPU, native config and identity', async () => {
    const { sent, call } = recorder();
    const cpu = new HostCpuResource(call);
    const native = new NativeConfigResource(call);
    const host = new HostResource(call);
    await refused(() => cpu.listModels('x86_64', { arch: 'x' } as never), 'arch', sent);
    await refused(() => cpu.compareWithHost(null as never), 'cpu', sent);
    await refused(() => cpu.baseline('<cpu/>' as never), 'cpus', sent);
    await refused(() => cpu.baselineForHypervisor(['<cpu/>'], { emulator: '' }), 'emulator', sent);
    await refused(() => native.toDomainXml('   '), 'config', sent);
    await refused(() => host.setIdentity({ unixGroupId: 1.5 }), 'unixGroupId', sent);
    await refused(() => host.setIdentity({ processTime: 2n ** 64n }), 'processTime', sent);
    await refused(() => host.setIdentity({ selinuxContext: 7 } as never), 'selinuxContext', sent);
  });

  it('storage', async () => {
    const { sent, call } = recorder();
    const pools = new StoragePoolResource(call);
    const volumes = new StorageVolumeResource(call, noStream);
    await refused(() => pools.findSources('logical', { source: 5 } as never), 'source', sent);
    await refused(() => pools.lookupByTargetPath('/a\u0001'), 'path', sent);
    await refused(() => pools.isPersistent('a/b'), 'pool', sent);
    await refused(() => volumes.wipe(vol, { algorithm: 3 } as never), 'algorithm', sent);
    await refused(() => volumes.wipe(vol, { algorithm: 'constructor' } as never), 'algorithm', sent);
  });
});

describe('good input is encoded as libvirt expects', () => {
  it('interface list filters and flags, MAC lookups lower-cased', async () => {
    const { sent, call } = recorder({ ifaces: [], iface: ref, xml: '', active: 1 });
    const ifaces = new InterfaceResource(call);
    await ifaces.list();
    await ifaces.list({ active: true });
    await ifaces.list({ active: false });
    await ifaces.lookup('AA:BB:CC:DD:EE:FF');
    await ifaces.getXml(ref, { inactive: true });
    await ifaces.define('<interface/>', { validate: true });
    expect(sent).toEqual([
      { name: 'CONNECT_LIST_ALL_INTERFACES', args: { need_results: 1, flags: 0 } },
      { name: 'CONNECT_LIST_ALL_INTERFACES', args: { need_results: 1, flags: 2 } },
      { name: 'CONNECT_LIST_ALL_INTERFACES', args: { need_results: 1, flags: 1 } },
      { name: 'INTERFACE_LOOKUP_BY_MAC_STRING', args: { mac: 'aa:bb:cc:dd:ee:ff' } },
      { name: 'INTERFACE_GET_XML_DESC', args: { iface: ref, flags: 1 } },
      { name: 'INTERFACE_DEFINE_XML', args: { xml: '<interface/>', flags: 1 } },
    ]);
  });

  it('CPU compare asks for the failure reason; baseline flags; hypervisor selector', async () => {
    const { sent, call } = recorder({ result: 1, cpu: '<cpu/>' });
    const cpu = new HostCpuResource(call);
    expect(await cpu.compareWithHost('<cpu/>', { validate: true })).toEqual({ result: 'identical' });
    await cpu.baselineForHypervisor(['<cpu/>'], { virtType: 'kvm', expandFeatures: true, migratable: true });
    expect(sent).toEqual([
      { name: 'CONNECT_COMPARE_CPU', args: { xml: '<cpu/>', flags: 3 } },
      {
        name: 'CONNECT_BASELINE_HYPERVISOR_CPU',
        args: { emulator: null, arch: null, machine: null, virttype: 'kvm', xmlCPUs: ['<cpu/>'], flags: 3 },
      },
    ]);
  });

  it('identity fields become libvirt’s typed parameters', async () => {
    const { sent, call } = recorder(undefined);
    await new HostResource(call).setIdentity({ userName: 'alice', unixUserId: 1000, processId: 42, x509DistinguishedName: 'CN=a' });
    expect(sent).toEqual([
      {
        name: 'CONNECT_SET_IDENTITY',
        args: {
          params: [
            { field: 'user-name', type: 'string', value: 'alice' },
            { field: 'unix-user-id', type: 'ullong', value: 1000n },
            { field: 'process-id', type: 'llong', value: 42n },
            { field: 'x509-distinguished-name', type: 'string', value: 'CN=a' },
          ],
          flags: 0,
        },
      },
    ]);
  });

  it('wipe: no algorithm is virStorageVolWipe; a named one is WIPE_PATTERN with libvirt’s number', async () => {
    const { sent, call } = recorder(undefined);
    const volumes = new StorageVolumeResource(call, noStream);
    await volumes.wipe(vol);
    await volumes.wipe(vol, { algorithm: 'gutmann' });
    await volumes.wipe(vol, { algorithm: 'trim' });
    expect(sent).toEqual([
      { name: 'STORAGE_VOL_WIPE', args: { vol, flags: 0 } },
      { name: 'STORAGE_VOL_WIPE_PATTERN', args: { vol, algorithm: 4, flags: 0 } },
      { name: 'STORAGE_VOL_WIPE_PATTERN', args: { vol, algorithm: 9, flags: 0 } },
    ]);
  });
});
