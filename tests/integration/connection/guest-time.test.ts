/**
 * The guest's clock (`virsh domtime`) through the typed API: read and set on
 * the test driver, which keeps a value per running domain; on a real QEMU
 * guest without a guest agent, libvirt's refusal arrives as a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError } from '../../../src/connection/internal.js';
import { type RunningGuest, startTransientGuest } from '../../helpers/guest.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';

describe('on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('time');
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>128</memory><os><type>hvm</type></os></domain>`,
    );
  });
  afterAll(async () => {
    await conn.domains.control.forceOff(name).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
    await conn.close();
  });

  it('a shut-off domain has no clock to read or set: OPERATION_INVALID', async () => {
    await expect(conn.domains.getTime(name)).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
    await expect(conn.domains.setTime(name, new Date())).rejects.toMatchObject({ codeName: 'VIR_ERR_OPERATION_INVALID' });
  });

  it('sets a Date (to the millisecond) and exact seconds + nanoseconds, and reads each back', async () => {
    await conn.domains.control.start(name);
    const when = new Date('2031-05-06T07:08:09.123Z');
    await conn.domains.setTime(name, when);
    expect(await conn.domains.getTime(name)).toEqual({ seconds: Math.floor(when.getTime() / 1000), nseconds: 123_000_000, date: when });
    await conn.domains.setTime(name, { seconds: 4_102_444_800, nseconds: 999_999_999 }); // 2100-01-01, past 2^31 s
    expect(await conn.domains.getTime(name)).toMatchObject({
      seconds: 4_102_444_800,
      nseconds: 999_999_999,
      date: new Date('2100-01-01T00:00:00.999Z'),
    });
  });

  it("'rtc' sends VIR_DOMAIN_TIME_SYNC, which the test driver accepts", async () => {
    await expect(conn.domains.setTime(name, 'rtc')).resolves.toBeUndefined();
  });

  it('refuses bad times before anything is sent', async () => {
    const bad: unknown[] = [
      new Date(Number.NaN),
      new Date(-1),
      { seconds: -1 },
      { seconds: 1.5 },
      { seconds: 2 ** 60 },
      { seconds: 0, nseconds: 1e9 },
      { seconds: 0, nseconds: -1 },
      'now',
      42,
      null,
      undefined,
    ];
    for (const time of bad)
      await expect(conn.domains.setTime(name, time as never), String(time)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('on a real QEMU guest without a guest agent', () => {
  let guest: RunningGuest;
  beforeAll(async () => {
    guest = await startTransientGuest('time');
  }, 120_000);
  afterAll(async () => {
    await guest?.stop();
  });

  it('reading or setting the clock is refused by libvirt with a typed error naming the agent', async () => {
    for (const attempt of [() => guest.conn.domains.getTime(guest.vm), () => guest.conn.domains.setTime(guest.vm, new Date())]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LibvirtError);
      expect(error).toMatchObject({
        codeName: 'VIR_ERR_ARGUMENT_UNSUPPORTED',
        libvirtMessage: expect.stringMatching(/guest agent is not configured/),
      });
    }
  });
});
