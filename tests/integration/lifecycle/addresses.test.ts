/**
 * waitForAddresses on the test driver, whose running domains report a made-up
 * address per interface from every source (lease, agent, arp): an address at
 * once, an address once the VM starts (woken by its lifecycle event), a
 * timeout when there is none, and bad options refused before anything is sent.
 * A real guest is not used: its DHCP would send traffic on a bridge, and our
 * tests only ever send traffic to loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, TimeoutError, UnsupportedError } from '../../../src/connection/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';

let conn: LibvirtConnection;
let lifecycle: VmLifecycleManager;
const names: string[] = [];

const define = async (withNic: boolean): Promise<string> => {
  const name = uniqueName('addr');
  names.push(name);
  const nic = withNic ? "<interface type='network'><source network='default'/><mac address='52:54:00:12:34:56'/></interface>" : '';
  await conn.domains.control.define(
    `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices>${nic}</devices></domain>`,
  );
  return name;
};

beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
  lifecycle = new VmLifecycleManager(conn);
});

afterAll(async () => {
  for (const name of names) {
    await conn.domains.control.forceOff(name).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
  }
  await conn.close();
});

describe('VmLifecycleManager.waitForAddresses', () => {
  it('a running VM with an address: at once, from the first source asked', async () => {
    const result = await lifecycle.waitForAddresses('test', { timeout: 10_000 });
    expect(result).toMatchObject({ domain: { name: 'test' }, source: 'lease', addresses: ['192.168.122.3'] });
    expect(result.interfaces[0]).toMatchObject({ hwaddr: 'aa:bb:cc:dd:ee:ff' });
    expect((await lifecycle.waitForAddresses('test', { sources: ['arp'] })).source).toBe('arp');
  });

  it('a VM that is not running yet: waits, and has its address as soon as it starts', async () => {
    const name = await define(true);
    const waiting = lifecycle.waitForAddresses(name, { timeout: 30_000, pollInterval: 10_000 });
    setTimeout(() => void conn.domains.control.start(name), 300);
    const result = await waiting;
    expect(result.addresses).toHaveLength(1);
    expect(result.interfaces[0]!.hwaddr).toBe('52:54:00:12:34:56');
    // Woken by the start event, not by the 10 s poll.
    expect(result.elapsedMs).toBeLessThan(5_000);
  });

  it('no address of the family asked for, or no interface: TimeoutError', async () => {
    await expect(lifecycle.waitForAddresses('test', { family: 'ipv6', timeout: 300, pollInterval: 50 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    const name = await define(false);
    await conn.domains.control.start(name);
    await expect(lifecycle.waitForAddresses(name, { timeout: 300, pollInterval: 50 })).rejects.toBeInstanceOf(TimeoutError);
  });

  it('refuses bad options before anything is sent', async () => {
    for (const options of [
      { sources: [] },
      { sources: ['dhcp'] },
      { sources: ['lease', 'lease'] },
      { family: 'ipx' },
      { pollInterval: 1 },
      { timeout: -1 },
    ]) {
      await expect(lifecycle.waitForAddresses('test', options as never), JSON.stringify(options)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
    }
  });
});

describe('VmLifecycleManager.waitForAgent on the test driver', () => {
  it('a domain without the guest agent channel: UnsupportedError at once, not a timeout', async () => {
    const error = await lifecycle.waitForAgent('test', { timeout: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('org.qemu.guest_agent.0');
  });

  it('refuses bad options before anything is sent', async () => {
    for (const options of [{ pollInterval: 1 }, { pollInterval: 'fast' }, { timeout: -1 }, { signal: 'stop' }]) {
      await expect(lifecycle.waitForAgent('test', options as never), JSON.stringify(options)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});
