import { describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { CONNECT_SUPPORTS_FEATURE, NETWORK_UPDATE, VirDrvFeature } from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// Old libvirt read NETWORK_UPDATE's `command` and `section` swapped; a daemon without the
// NETWORK_UPDATE_HAS_CORRECT_ORDER feature expects them that way. The real daemon here (9.0) has the
// feature, so only a fake one can show the swapped encoding.

const fx = fakeConnection();

const NET = { name: 'lvm-net', uuid: '72fc642e-3b1c-4b3c-84a9-d8660b3e21ef' };

async function sentArgs(
  correctOrder: boolean,
): Promise<{ command: number; section: number; parentIndex: number; xml: string; flags: number }> {
  const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
  daemon.handle(CONNECT_SUPPORTS_FEATURE, ({ feature }) => ({
    ok: { supported: feature === VirDrvFeature.VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER && !correctOrder ? 0 : 1 },
  }));
  let seen: { command: number; section: number; parentIndex: number; xml: string; flags: number } | undefined;
  daemon.handle(NETWORK_UPDATE, (args) => {
    seen = args;
    return { ok: undefined };
  });
  const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { reconnect: false, keepalive: false }));
  await conn.networks.update(
    NET,
    { command: 'add-first', section: 'dns-host', dnsHost: { ip: '10.0.0.2', hostnames: ['a'] } },
    { live: true, config: true },
  );
  return seen!;
}

describe('NETWORK_UPDATE wire order', () => {
  it('sends command then section to a daemon with the feature', async () => {
    expect(await sentArgs(true)).toMatchObject({ command: 4, section: 10, parentIndex: -1, flags: 3 });
  });

  it('swaps them for a daemon without it, as libvirt does', async () => {
    const args = await sentArgs(false);
    expect(args).toMatchObject({ command: 10, section: 4, parentIndex: -1, flags: 3 });
    expect(args.xml).toMatch(/<host ip="10\.0\.0\.2">\s*<hostname>a<\/hostname>\s*<\/host>/);
  });
});
