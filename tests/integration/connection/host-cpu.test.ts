/**
 * CPU models, CPU comparison and baselines (`conn.host.cpu`), a domain XML as
 * QEMU's command line (`conn.host.native`) and the connection identity
 * (`conn.host.setIdentity`). All read-only on the daemon: nothing is defined
 * or started. The test driver knows CPU model names and baselines but cannot
 * compare; qemu:///system does all of it.
 */
import { describe, expect, it } from 'vitest';
import { LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { expectRefusedPaths } from '../../helpers/errors.js';
import { sharedConnection } from '../../helpers/connection-fixtures.js';

const pentium = `<cpu><arch>x86_64</arch><model>pentium</model></cpu>`;
/** A CPU no TCG host or small KVM host of this kind provides: AVX-512 and more. */
const icelake = `<cpu mode='custom' match='exact'><model>Icelake-Server</model></cpu>`;
const code = (name: string) => expect.objectContaining({ codeName: name });

describe('on the test driver', () => {
  const conn = sharedConnection(TEST_URI);

  it('lists CPU model names and computes a baseline', async () => {
    const models = await conn.host.cpu.listModels('x86_64');
    expect(models).toEqual(expect.arrayContaining(['486', 'pentium', 'qemu64']));
    await expect(conn.host.cpu.listModels('nope')).rejects.toEqual(code('VIR_ERR_INVALID_ARG'));
    expect(await conn.host.cpu.baseline([pentium])).toContain("<model fallback='forbid'>pentium</model>");
  });

  it('comparison, hypervisor baselines and native config are UnsupportedError', async () => {
    await expect(conn.host.cpu.compareWithHost(pentium)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.host.cpu.compareWithHypervisor(pentium)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.host.cpu.baselineForHypervisor([pentium])).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.host.native.fromDomainXml('<domain/>')).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('sets the connection identity; a read-only connection may too, and stays read-only', async () => {
    await conn.host.setIdentity({ userName: 'lvm-alice', unixUserId: 1000, groupName: 'users', unixGroupId: 100, processId: process.pid });
    expect(await conn.host.getType()).toBe('TEST');
    const ro = await LibvirtConnection.connect(TEST_URI, { reconnect: false, readonly: true });
    try {
      await ro.host.setIdentity({ userName: 'root', unixUserId: 0, processTime: 1n });
      await expect(ro.interfaces.define(`<interface type='ethernet' name='lvm-ro0'/>`)).rejects.toEqual(code('VIR_ERR_OPERATION_DENIED'));
    } finally {
      await ro.close();
    }
  });

  it('refuses bad input before anything is sent', async () => {
    const bad: [() => Promise<unknown>, string][] = [
      [() => conn.host.cpu.listModels(''), 'arch'],
      [() => conn.host.cpu.listModels('x86 64'), 'arch'],
      [() => conn.host.cpu.compareWithHost(''), 'cpu'],
      [() => conn.host.cpu.compareWithHost(pentium, { validate: 'yes' } as never), 'validate'],
      [() => conn.host.cpu.compareWithHypervisor(pentium, { virttype: 'kvm' } as never), 'virttype'],
      [() => conn.host.cpu.compareWithHypervisor(pentium, { virtType: '' }), 'virtType'],
      [() => conn.host.cpu.baseline([]), 'cpus'],
      [() => conn.host.cpu.baseline(Array.from({ length: 257 }, () => pentium)), 'cpus'],
      [() => conn.host.cpu.baseline([pentium, '  ']), 'cpus[1]'],
      [() => conn.host.cpu.baseline([pentium], { migratable: 1 } as never), 'migratable'],
      [() => conn.host.cpu.baselineForHypervisor([pentium], { machine: 5 } as never), 'machine'],
      [() => conn.host.native.fromDomainXml(''), 'domainXml'],
      [() => conn.host.native.fromDomainXml('<domain/>', { format: 'qemu' as never }), 'format'],
      [() => conn.host.native.toDomainXml('qemu-system-x86_64', { fromat: 'qemu-argv' } as never), 'fromat'],
      [() => conn.host.setIdentity({ username: 'x' } as never), 'identity.username'],
      [() => conn.host.setIdentity({ unixUserId: -1 }), 'unixUserId'],
      [() => conn.host.setIdentity({ processId: 2 ** 63 }), 'processId'],
      [() => conn.host.setIdentity({ userName: '' }), 'userName'],
      [() => conn.host.setIdentity(null as never), 'identity'],
    ];
    await expectRefusedPaths(bad);
  });
});

describe('on qemu:///system (read-only calls)', () => {
  const conn = sharedConnection(QEMU_URI);

  it('lists the CPU models QEMU knows for x86_64', async () => {
    const models = await conn.host.cpu.listModels('x86_64');
    expect(models).toEqual(expect.arrayContaining(['qemu64', 'Haswell', 'Skylake-Server']));
  });

  it('an old model is a subset of the host CPU and of what QEMU can give a guest', async () => {
    expect(await conn.host.cpu.compareWithHost(pentium)).toEqual({ result: 'superset' });
    expect(await conn.host.cpu.compareWithHypervisor(pentium, { arch: 'x86_64' })).toEqual({ result: 'superset' });
  });

  it('the host’s own <cpu> (from its capabilities) is identical to the host CPU, and is its own baseline', async () => {
    const caps = await conn.host.getCapabilitiesXml();
    const hostCpu = /<host>[\s\S]*?(<cpu>[\s\S]*?<\/cpu>)/.exec(caps)?.[1];
    expect(hostCpu).toBeDefined();
    expect(await conn.host.cpu.compareWithHost(hostCpu!)).toEqual({ result: 'identical' });
    const model = /<model>([^<]+)<\/model>/.exec(hostCpu!)?.[1];
    expect(await conn.host.cpu.baseline([hostCpu!, hostCpu!])).toContain(`<model fallback='forbid'>${model}</model>`);
    // The whole capabilities document is not a CPU description for the daemon (virsh extracts the element itself).
    await expect(conn.host.cpu.compareWithHost(caps)).rejects.toEqual(code('VIR_ERR_XML_ERROR'));
  });

  it('an incompatible CPU comes back as a result with libvirt’s reason, not an error', async () => {
    const host = await conn.host.cpu.compareWithHost(icelake);
    expect(host.result).toBe('incompatible');
    expect(host.reason).toMatch(/does not provide required features: .+/);
    const hypervisor = await conn.host.cpu.compareWithHypervisor(icelake, { validate: true });
    expect(hypervisor.result).toBe('incompatible');
    expect(hypervisor.reason).toMatch(/avx512f/);
  });

  it('malformed CPU XML is the daemon’s VIR_ERR_XML_ERROR', async () => {
    const bad = `<cpu match='exact'><arch>x86_64</arch><model>pentium</model></cpu>`;
    await expect(conn.host.cpu.compareWithHost(bad)).rejects.toEqual(code('VIR_ERR_XML_ERROR'));
  });

  it('baselines: plain, and for the hypervisor with every feature expanded', async () => {
    expect(await conn.host.cpu.baseline([pentium, pentium])).toContain('pentium');
    const expanded = await conn.host.cpu.baselineForHypervisor([pentium], { expandFeatures: true, migratable: true });
    expect(expanded).toContain("<model fallback='forbid'>pentium</model>");
    expect(expanded).toContain("<feature policy='require' name='fpu'/>");
  });

  it('turns a domain XML into the QEMU command line it would run with, defining nothing', async () => {
    const name = uniqueName('native');
    const xml = `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;
    const argv = await conn.host.native.fromDomainXml(xml);
    expect(argv).toContain('qemu-system-x86_64');
    expect(argv).toContain(`-name guest=${name}`);
    expect(argv).toMatch(/-m 64\b/);
    expect(await conn.domains.exists(name)).toBe(false);
    await expect(conn.host.native.fromDomainXml(xml, { format: 'xen-xl' })).rejects.toEqual(code('VIR_ERR_INVALID_ARG'));
  });

  it('libvirt 9.0 no longer parses qemu-argv back into XML: UnsupportedError', async () => {
    await expect(conn.host.native.toDomainXml('qemu-system-x86_64 -m 64')).rejects.toBeInstanceOf(UnsupportedError);
  });
});
