/**
 * A domain's migration bandwidth and downtime limits (`virsh migrate-getspeed`, `migrate-setspeed`,
 * `migrate-getmaxdowntime`) on qemu:///system with a defined, never started domain (no guest boots), and what the
 * test driver answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError, UnsupportedError, type DomainRef } from '../../../src/connection/index.js';
import { QEMU_URI, TEST_URI, uniqueName } from '../../helpers/libvirt.js';

let conn: LibvirtConnection;
let dom: DomainRef;

beforeAll(async () => {
  conn = await LibvirtConnection.connect(QEMU_URI);
  const name = uniqueName('migspeed');
  dom = await conn.domains.control.define(
    `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`,
  );
});

afterAll(async () => {
  await conn.domains.control.undefine(dom).catch(() => undefined);
  await conn.close();
});

describe('migration limits', () => {
  it('reads back the bandwidth it set on a defined domain (MiB/s, bigint)', async () => {
    // libvirt's "unlimited" for QEMU: INT64_MAX bytes/s in MiB/s.
    expect(await conn.domains.migration.getMaxSpeed(dom)).toBe(8_796_093_022_207n);
    await conn.domains.migration.setMaxSpeed(dom, 100);
    expect(await conn.domains.migration.getMaxSpeed(dom)).toBe(100n);
  });

  it('the post-copy bandwidth and the downtime need a running domain: libvirt says so', async () => {
    await expect(conn.domains.migration.getMaxSpeed(dom, { postCopy: true })).rejects.toBeInstanceOf(LibvirtError);
    await expect(conn.domains.migration.getMaxDowntime(dom)).rejects.toThrow(/not running/);
  });

  it('refuses a bandwidth or downtime that is not a whole number from 0 before anything is sent', async () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity, '10' as unknown as number]) {
      await expect(conn.domains.migration.setMaxSpeed(dom, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(conn.domains.migration.setMaxDowntime(dom, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(conn.domains.migration.getMaxSpeed(dom, { postCopy: 'yes' as unknown as boolean })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    expect(await conn.domains.migration.getMaxSpeed(dom)).toBe(100n); // unchanged
  });

  it('the test driver has neither read', async () => {
    await using test = await LibvirtConnection.connect(TEST_URI);
    await expect(test.domains.migration.getMaxSpeed('test')).rejects.toBeInstanceOf(UnsupportedError);
    await expect(test.domains.migration.getMaxDowntime('test')).rejects.toBeInstanceOf(UnsupportedError);
  });
});
