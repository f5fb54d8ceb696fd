/**
 * Guest channels as streams (`virDomainOpenChannel`) on qemu:///system: a transient test guest started paused
 * (QEMU and its chardevs exist, nothing boots), with the guest agent's channel and an application channel.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  LibvirtConnection,
  LibvirtError,
  UnsupportedError,
  type DomainConsole,
  type DomainRef,
} from '../../../src/connection/index.js';
import { ensureTestGuest, guestDomainXml } from '../../helpers/guest.js';
import { QEMU_URI, TEST_URI, uniqueName } from '../../helpers/libvirt.js';

const APP_CHANNEL = 'org.example.lvm.0';
/** VIR_DOMAIN_START_PAUSED. */
const START_PAUSED = 1;

let conn: LibvirtConnection;
let dom: DomainRef;
const open: DomainConsole[] = [];

beforeAll(async () => {
  conn = await LibvirtConnection.connect(QEMU_URI);
  const manifest = ensureTestGuest();
  const name = uniqueName('chan');
  const xml = guestDomainXml(manifest, { name, logPath: `/tmp/${name}.log`, agent: true }).replace(
    '</devices>',
    `<channel type='unix'><target type='virtio' name='${APP_CHANNEL}'/></channel></devices>`,
  );
  dom = await conn.domains.control.createTransient(xml, { flags: START_PAUSED });
});

afterAll(async () => {
  for (const stream of open) stream.destroy();
  await conn.domains.control.forceOff(dom).catch(() => undefined);
  await conn.close();
});

describe('openChannel', () => {
  it('opens a channel by its target name and writes to it; a second client is refused unless it forces, which cuts the first', async () => {
    const first = await conn.domains.openChannel(dom, APP_CHANNEL);
    open.push(first);
    let firstError: unknown;
    first.on('error', (error) => (firstError = error));
    first.resume();
    await new Promise<void>((resolve, reject) => first.write('hello\n', (error) => (error ? reject(error) : resolve())));
    expect(first.bytesSent).toBe(6);

    await expect(conn.domains.openChannel(dom, APP_CHANNEL)).rejects.toThrow(/Active channel stream exists/);
    const closed = new Promise((resolve) => first.once('close', resolve));
    const second = await conn.domains.openChannel(dom, APP_CHANNEL, { force: true });
    open.push(second);
    second.on('error', () => undefined);
    await closed; // the daemon cut the first client's stream
    expect(firstError).toBeInstanceOf(LibvirtError);
    expect(String((firstError as Error).message)).toMatch(/I\/O failure/);
    second.destroy();
    await once(second, 'close');
  });

  it('names what libvirt cannot find', async () => {
    const error = await conn.domains.openChannel(dom, 'org.example.nope.0').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(String((error as Error).message)).toMatch(/cannot find channel/);
  });

  it('refuses a bad name or option before anything is sent', async () => {
    for (const name of ['', 'has space', 'a\0b', 42 as unknown as string]) {
      await expect(conn.domains.openChannel(dom, name)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(conn.domains.openChannel(dom, APP_CHANNEL, { forse: true } as never)).rejects.toThrow(/did you mean 'force'/);
    await expect(conn.domains.openChannel(dom, APP_CHANNEL, { force: 1 as unknown as boolean })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(conn.domains.openChannel(dom, APP_CHANNEL, { highWaterMark: 0 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('the test driver has no channels', async () => {
    await using test = await LibvirtConnection.connect(TEST_URI);
    await expect(test.domains.openChannel('test', null)).rejects.toBeInstanceOf(UnsupportedError);
  });
});
