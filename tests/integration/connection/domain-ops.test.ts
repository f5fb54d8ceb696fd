/**
 * The single-call domain operations (`conn.domains.input`, `.guest`,
 * `.inspect`, `.admin`, `jobs.abort({ postcopy })`) on the test driver: what
 * it implements answers, what it lacks comes back as UnsupportedError, and
 * calls newer than the daemon (libvirt 9.0) as the daemon's unknown-procedure
 * error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import { TEST_URI, testDomainXml, uniqueName } from '../../helpers/libvirt.js';

const OWNERSHIP = 'https://libvirt-manager.dev/xmlns/ownership/1';

describe('single-call domain operations on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('ops');
  const renamed = `${name}-renamed`;

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(testDomainXml(name));
    await conn.domains.control.start(name);
  });
  afterAll(async () => {
    for (const n of [name, renamed]) {
      await conn.domains.control.forceOff(n).catch(() => undefined);
      await conn.domains.control.undefine(n).catch(() => undefined);
    }
    await conn.close();
  });

  it('input: keys by name and by code, NMI, a process signal', async () => {
    await conn.domains.input.sendKey(name, ['ctrl', 'alt', 'KEY_DELETE']);
    await conn.domains.input.sendKey(name, [0x1c], { codeset: 'xt', holdTimeMs: 50 });
    await conn.domains.input.injectNmi(name);
    await conn.domains.input.sendProcessSignal(name, 1, 'SIGTERM');
  });

  it('inspect: messages, isUpdated, a memory peek; security labels and block peeks are not in the test driver', async () => {
    expect(await conn.domains.inspect.getMessages(name)).toEqual([]);
    expect(await conn.domains.inspect.isUpdated(name)).toBe(false);
    // The test driver fills the buffer with its offsets' low bytes.
    const bytes = await conn.domains.inspect.peekMemory(name, 0, 16);
    expect([...bytes]).toEqual([...Array(16).keys()]);
    expect((await conn.domains.inspect.peekMemory(name, 0n, 4 * 1024 * 1024)).length).toBe(4 * 1024 * 1024);
    await expect(conn.domains.inspect.getSecurityLabels(name)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.inspect.peekBlock(name, 'vda', 0, 512)).rejects.toBeInstanceOf(UnsupportedError);
    // The daemon adds VIR_TYPED_PARAM_STRING_OKAY, which the 9.0 test driver refuses: always an error here.
    await expect(conn.domains.inspect.getLaunchSecurityInfo(name)).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
  });

  it('guest: fstrim answers; SSH keys, PM suspend and the agent timeout are not in the test driver', async () => {
    await conn.domains.guest.fstrim(name);
    await expect(conn.domains.guest.getAuthorizedKeys(name, 'root')).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.guest.setAuthorizedKeys(name, 'root', ['ssh-ed25519 AAAA x'], { mode: 'add' })).rejects.toBeInstanceOf(
      UnsupportedError,
    );
    await expect(conn.domains.guest.pmSuspend(name, 'mem')).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.guest.setAgentResponseTimeout(name, 'default')).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('admin and jobs: not in the test driver, or newer than the daemon (unknown procedure)', async () => {
    await expect(conn.domains.admin.setBlockThreshold(name, 'vda', 1024)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.admin.startDirtyRateCalc(name, 1)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.jobs.abort(name, { postcopy: true })).rejects.toBeInstanceOf(UnsupportedError);
    for (const call of [
      () => conn.domains.admin.reloadGraphics(name),
      () => conn.domains.admin.getAutostartOnce(name),
      () => conn.domains.admin.setAutostartOnce(name, true),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toMatch(/unknown procedure/);
    }
  });

  it('rename keeps the UUID and the metadata (the ownership record is keyed by UUID); the new name is found', async () => {
    await conn.domains.control.forceOff(name);
    const before = await conn.domains.lookup(name);
    await conn.domains.control.setMetadataElement(name, OWNERSHIP, 'lvm', '<manager><domain-uuid>x</domain-uuid></manager>', { flags: 2 });
    const events = conn.events({ types: ['domain.lifecycle'] });
    await events.ready;
    const ref = await conn.domains.admin.rename(name, renamed);
    expect(ref).toMatchObject({ name: renamed, uuid: before.uuid });
    expect((await conn.domains.lookup(renamed)).uuid).toBe(before.uuid);
    expect(await conn.domains.control.getMetadataElement(renamed, OWNERSHIP, { flags: 2 })).toContain('domain-uuid');
    const seen: string[] = [];
    for await (const e of events) {
      if (e.type === 'domain.lifecycle') seen.push(`${e.domain.name}:${e.event}/${e.detail}`);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([`${name}:undefined/renamed`, `${renamed}:defined/renamed`]);
  });
});
