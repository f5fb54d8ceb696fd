/**
 * Save images and dumps (`conn.domains.saves`) on the test driver: save to a
 * file and restore from it with the lifecycle events lifecycle watchers see,
 * the image's XML, core dumps, and what libvirt itself leaves behind when a
 * call fails. The files live in a temp dir removed afterwards.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DomainLifecycleEvent,
  InvalidArgumentError,
  LibvirtConnection,
  LibvirtError,
  UnsupportedError,
} from '../../../src/connection/internal.js';
import { TEST_URI, testDomainXml, uniqueName } from '../../helpers/libvirt.js';

describe('conn.domains.saves on the test driver', () => {
  let conn: LibvirtConnection;
  let dir: string;
  const name = uniqueName('saves');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lvm-saves-'));
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(testDomainXml(name));
    await conn.domains.control.start(name);
  });
  afterAll(async () => {
    await conn.domains.control.forceOff(name).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves to a file (the domain stops: STOPPED/saved), reads and rewrites its XML, restores (STARTED/restored)', async () => {
    const path = join(dir, 'one.save');
    const events = conn.events({ types: ['domain.lifecycle'] });
    await events.ready;
    const seen: string[] = [];
    const collect = (async () => {
      for await (const e of events) {
        const ev = e as DomainLifecycleEvent;
        if (ev.domain.name === name) seen.push(`${ev.event}/${ev.detail}`);
        if (seen.length === 2) break;
      }
    })();
    await conn.domains.saves.save(name, path);
    expect(statSync(path).size).toBeGreaterThan(0);
    expect(await conn.domains.getState(name)).toMatchObject({ state: 'shutoff', reason: 'saved' });
    const xml = await conn.domains.saves.getImageXml(path);
    expect(xml).toContain(`<name>${name}</name>`);
    await conn.domains.saves.defineImageXml(path, xml);
    await conn.domains.saves.restore(path);
    expect(await conn.domains.getState(name)).toMatchObject({ state: 'running', reason: 'restored' });
    await collect;
    expect(seen).toEqual(['stopped/saved', 'started/restored']);
    // The image stays: it is the caller's.
    expect(existsSync(path)).toBe(true);
    // Restoring while the domain runs: libvirt refuses.
    await expect(conn.domains.saves.restore(path)).rejects.toBeInstanceOf(LibvirtError);
  });

  it('a failed save leaves no file: libvirt checks the XML and opens the file before writing', async () => {
    const bad = join(dir, 'bad.save');
    await expect(conn.domains.saves.save(name, bad, { xml: '<domain/>' })).rejects.toBeInstanceOf(LibvirtError);
    expect(existsSync(bad)).toBe(false);
    await expect(conn.domains.saves.save(name, join(dir, 'missing-dir', 'x.save'))).rejects.toMatchObject({
      codeName: 'VIR_ERR_SYSTEM_ERROR',
    });
    // The test driver takes no save flags (9.0: flags must be 0): libvirt says so; still no file.
    await expect(conn.domains.saves.save(name, bad, { startAs: 'paused' })).rejects.toMatchObject({ codeName: 'VIR_ERR_INVALID_ARG' });
    expect(existsSync(bad)).toBe(false);
    expect((await conn.domains.getState(name)).state).toBe('running');
  });

  it('core dump: raw works; a kdump format needs memoryOnly (refused by the SDK), which the test driver refuses before any file', async () => {
    const raw = join(dir, 'raw.core');
    await conn.domains.saves.coreDump(name, raw);
    expect(existsSync(raw)).toBe(true);
    expect((await conn.domains.getState(name)).state).toBe('running');
    const kdump = join(dir, 'kdump.core');
    // Sent as is, testDomainCoreDumpWithFormat would write its 15-byte header, then refuse the format: the SDK stops it first.
    await expect(conn.domains.saves.coreDump(name, kdump, { format: 'kdump-zlib' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.saves.coreDump(name, kdump, { format: 'kdump-zlib', memoryOnly: true })).rejects.toMatchObject({
      codeName: 'VIR_ERR_INVALID_ARG',
    });
    expect(existsSync(kdump)).toBe(false);
    await conn.domains.saves.coreDump(name, join(dir, 'crash.core'), { crash: true });
    expect(await conn.domains.getState(name)).toMatchObject({ state: 'shutoff', reason: 'crashed' });
    await conn.domains.control.start(name);
  });

  it('managed save XML: the test driver lacks both calls', async () => {
    await expect(conn.domains.saves.getManagedSaveXml(name)).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.domains.saves.defineManagedSaveXml(name, null, { startAs: 'paused' })).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('refuses bad input before anything is sent', async () => {
    const bad: [string, () => Promise<unknown>][] = [
      ['relative path', () => conn.domains.saves.save(name, 'x.save')],
      ['NUL in path', () => conn.domains.saves.save(name, '/tmp/a\0b')],
      ['empty xml', () => conn.domains.saves.save(name, '/tmp/x', { xml: ' ' })],
      ['bad startAs', () => conn.domains.saves.save(name, '/tmp/x', { startAs: 'stopped' as never })],
      ['bypassCache not boolean', () => conn.domains.saves.restore('/tmp/x', { bypassCache: 1 as never })],
      ['unknown option', () => conn.domains.saves.restore('/tmp/x', { resetNvarm: true } as never)],
      ['null xml without startAs', () => conn.domains.saves.defineManagedSaveXml(name, null)],
      ['unknown dump format', () => conn.domains.saves.coreDump(name, '/tmp/x', { format: 'elf' as never })],
      ['crash and live', () => conn.domains.saves.coreDump(name, '/tmp/x', { crash: true, live: true })],
      ['live and reset', () => conn.domains.saves.coreDump(name, '/tmp/x', { live: true, reset: true })],
      ['bad timeout', () => conn.domains.saves.getImageXml('/tmp/x', { timeout: -1 })],
    ];
    for (const [label, call] of bad) await expect(call(), label).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
