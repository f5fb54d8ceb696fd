/**
 * Screenshots (`virsh screenshot`) on a real TCG guest with a VGA device, and
 * on the test driver.
 */
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, InvalidArgumentError, LibvirtConnection, LibvirtError, ProtocolError } from '../../../src/connection/internal.js';
import { type RunningGuest, startTransientGuest } from '../../helpers/guest.js';
import { TEST_URI } from '../../helpers/libvirt.js';

let conn: LibvirtConnection;
let vm: DomainRef;
let running: RunningGuest;

beforeAll(async () => {
  running = await startTransientGuest('screenshot', { video: true });
  ({ conn, vm } = running);
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

/** A PNG's size, after checking that every byte arrived: its chunks parse to IEND and the pixels inflate to the size IHDR promises. */
function checkPng(data: Buffer): { width: number; height: number } {
  expect(data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let bytesPerPixel = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    const body = data.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length;
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[body[9]!]!;
      bytesPerPixel = (channels * body[8]!) / 8;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
  }
  expect(offset).toBe(data.length);
  // Each row starts with its filter byte.
  expect(inflateSync(Buffer.concat(idat)).length).toBe(height * (1 + width * bytesPerPixel));
  return { width, height };
}

/** A binary PPM's size, after checking that it holds exactly its pixels. */
function checkPpm(data: Buffer): { width: number; height: number } {
  const match = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(data.subarray(0, 32).toString('latin1'));
  expect(match).not.toBeNull();
  const [width, height] = [Number(match![1]), Number(match![2])];
  expect(data.length).toBe(match![0].length + width * height * 3);
  return { width, height };
}

describe('DomainResource.screenshot', () => {
  it('returns the whole image QEMU took of the VGA screen (PNG on QEMU 7.2+, PPM before)', async () => {
    const shot = await conn.domains.screenshot(vm, { timeout: 30_000 });
    const { width, height } = shot.mime === 'image/png' ? checkPng(shot.data) : checkPpm(shot.data);
    expect(shot.mime).toMatch(/^image\/(png|x-portable-pixmap)$/);
    expect(width).toBeGreaterThanOrEqual(320);
    expect(height).toBeGreaterThanOrEqual(200);
  });

  it('refuses an image over maxBytes, and the connection stays usable', async () => {
    const error = await conn.domains.screenshot(vm, { maxBytes: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((await conn.domains.getState(vm)).state).toBe('running');
    expect((await conn.domains.screenshot(vm)).data.length).toBeGreaterThan(1000);
  });

  it('a screen the device does not have is libvirt’s error', async () => {
    await expect(conn.domains.screenshot(vm, { screen: 7 })).rejects.toBeInstanceOf(LibvirtError);
  });

  it('refuses bad options before anything is sent', async () => {
    for (const options of [{ screen: -1 }, { screen: 1.5 }, { maxBytes: 0 }, { timeout: -1 }, { signal: 'x' as never }]) {
      await expect(conn.domains.screenshot(vm, options), JSON.stringify(options)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe('on the test driver', () => {
  it('answers with its own PNG, whole', async () => {
    await using test = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    const shot = await test.domains.screenshot('test');
    expect(shot.mime).toBe('image/png');
    checkPng(shot.data);
  });
});
