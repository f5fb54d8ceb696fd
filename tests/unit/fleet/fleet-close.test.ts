/**
 * What a closed fleet leaves running: a host that was down at open is retried
 * in the background; close() must end that retry at once, not leave its
 * pause timer keeping Node alive for `retryInterval`.
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { LibvirtFleet } from '../../../src/fleet/index.js';

const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('LibvirtFleet.close', () => {
  it('ends the background retry of a host that is down, leaving no timer', async () => {
    const fleet = await LibvirtFleet.open(
      { gone: 'qemu+unix:///system?socket=/tmp/lvm-no-such-daemon.sock' },
      { retryInterval: 600_000, openTimeout: 1000 },
    );
    expect(fleet.hosts()[0]?.status).toBe('down');
    // The background retry failed too and is pausing now.
    await new Promise((r) => setTimeout(r, 200));
    const pausing = timers();
    await fleet.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(timers()).toBeLessThan(pausing);
  });
});

describe('LibvirtFleet.open checks before dialing', () => {
  it('a bad URI is an InvalidArgumentError, not a host retried in the background forever', async () => {
    await expect(LibvirtFleet.open({ a: 'not a uri' })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it.each([
    [{ retryInterval: Number.NaN }, 'retryInterval'],
    [{ retryInterval: 0 }, 'retryInterval'],
    [{ retryInterval: -1 }, 'retryInterval'],
    [{ openTimeout: -5 }, 'openTimeout'],
    [{ openTimeout: Number.POSITIVE_INFINITY }, 'openTimeout'],
  ])('%o is an InvalidArgumentError naming %s', async (options, path) => {
    await expect(LibvirtFleet.open({ a: 'qemu:///system?socket=/tmp/lvm-no-such-daemon.sock' }, options)).rejects.toMatchObject({
      name: 'InvalidArgumentError',
      path,
    });
  });
});
