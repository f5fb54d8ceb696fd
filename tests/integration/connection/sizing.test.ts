/**
 * vCPUs and memory (`virsh setvcpus`, `vcpucount`, `setmem`, `setmaxmem`)
 * through the typed API: on the test driver (live and config), and in the
 * persistent config of a QEMU domain, read back from its XML.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError } from '../../../src/connection/internal.js';
import { QEMU_URI, TEST_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';

const MiB = 1024 * 1024;

describe('on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('sizing');
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>128</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>`,
    );
  });
  afterAll(async () => {
    await conn.domains.control.forceOff(name).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
    await conn.close();
  });

  it('raises the maximum, then the count, in the config; reads each back', async () => {
    await conn.domains.setVcpus(name, 4, { config: true, maximum: true });
    await conn.domains.setVcpus(name, 3, { config: true });
    expect(await conn.domains.getVcpus(name, { config: true })).toBe(3);
    expect(await conn.domains.getVcpus(name, { config: true, maximum: true })).toBe(4);
    await conn.domains.setMemory(name, 64 * MiB, { config: true });
    expect(await conn.domains.getInfo(name)).toMatchObject({ memoryBytes: 64 * MiB, maxMemoryBytes: 128 * MiB, vcpus: 3 });
  });

  it('changes the running domain only with live: its config keeps the old values', async () => {
    await conn.domains.control.start(name);
    await conn.domains.setVcpus(name, 1, { live: true });
    await conn.domains.setMemory(name, 32n * BigInt(MiB), { live: true });
    expect(await conn.domains.getVcpus(name)).toBe(1);
    expect(await conn.domains.getVcpus(name, { config: true })).toBe(3);
    expect((await conn.domains.getInfo(name)).memoryBytes).toBe(32 * MiB);
  });

  it("over the maximum: libvirt's error", async () => {
    await expect(conn.domains.setVcpus(name, 5, { config: true })).rejects.toBeInstanceOf(LibvirtError);
  });

  it('refuses bad values before anything is sent', async () => {
    for (const count of [0, -1, 1.5, Number.NaN, 1e9])
      await expect(conn.domains.setVcpus(name, count), String(count)).rejects.toBeInstanceOf(InvalidArgumentError);
    for (const bytes of [0, 1000, 1025, -1024, 2 ** 70, 2n ** 70n, '1GiB' as never])
      await expect(conn.domains.setMemory(name, bytes), String(bytes)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.setVcpus(name, 1, { live: 'yes' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.getVcpus(name, { live: true, config: true })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('in the config of a QEMU domain', () => {
  it('setVcpus and setMemory end up in the domain XML', async () => {
    await using conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    const name = uniqueName('sizing-qemu');
    await conn.domains.control.define(
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>`,
    );
    try {
      await conn.domains.setVcpus(name, 2, { config: true, maximum: true });
      await conn.domains.setVcpus(name, 2, { config: true });
      await conn.domains.setMemory(name, 128 * MiB, { config: true });
      const xml = await conn.domains.getXml(name, { inactive: true });
      expect(xml).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
      expect(xml).toMatch(/<currentMemory unit='KiB'>131072<\/currentMemory>/);
      expect(xml).toMatch(/<memory unit='KiB'>262144<\/memory>/);
    } finally {
      virshQuiet(QEMU_URI, 'undefine', name);
    }
  });
});
