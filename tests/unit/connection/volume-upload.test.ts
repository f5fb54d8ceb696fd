/**
 * StorageVolumeResource.upload's end on the fake host (the shipped fake
 * daemon and hypervisor, a real LibvirtConnection): a caller who gives up
 * just before the finish gets an AbortError, and the daemon is sent the
 * abort, not a finish it would commit.
 */
import { describe, expect, it } from 'vitest';
import { AbortError } from '../../../src/errors/index.js';
import { fakeHost } from '../../helpers/fake-host.js';
import { rejection } from '../../helpers/errors.js';

describe('StorageVolumeResource.upload (fake host)', () => {
  it('a signal that fires after the last chunk, before the finish, aborts the upload: the volume keeps nothing', async () => {
    const { conn, hv } = await fakeHost({ setup: (h) => h.addPool('p', '/srv/p') });
    const vol = await conn.storage.volumes.create('p', "<volume><name>v.img</name><capacity unit='KiB'>4</capacity></volume>");
    const data = Buffer.alloc(1000, 7);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const error = await rejection(
      conn.storage.volumes.upload(vol, data, {
        signal: controller.signal,
        // Every byte is sent: the finish is next.
        onProgress: (bytes) => bytes === data.length && controller.abort(reason),
      }),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(error.cause).toBe(reason);
    // On the old code the finish went out anyway and the fake daemon stored all 1000 bytes.
    expect(hv.volumes.get('p/v.img')?.data.length).toBe(0);
  });
});
