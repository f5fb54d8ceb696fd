import { describe, expect, it } from 'vitest';
import { createDialer, parseLibvirtUri } from '../../../src/rpc/transport/index.js';
import { AUTH_LIST_REPLY, authListRoundTrip } from './helpers.js';

describe('unix transport against the real libvirtd', () => {
  it.each(['qemu:///system', 'test+unix:///default', 'qemu+unix:///system?socket=/run/libvirt/libvirt-sock'])(
    '%s reaches the daemon',
    async (text) => {
      const uri = parseLibvirtUri(text);
      const stream = await createDialer(uri)({ timeout: 5000 });
      try {
        expect(await authListRoundTrip(stream)).toMatchObject(AUTH_LIST_REPLY);
      } finally {
        stream.destroy();
      }
    },
  );

  it('the read-only socket answers too', async () => {
    const uri = parseLibvirtUri('qemu:///system?mode=legacy');
    expect(uri.readonlySocketPath).toBe('/run/libvirt/libvirt-sock-ro');
    const stream = await createDialer(uri, { readonly: true })({});
    try {
      expect(await authListRoundTrip(stream)).toMatchObject(AUTH_LIST_REPLY);
    } finally {
      stream.destroy();
    }
  });
});
