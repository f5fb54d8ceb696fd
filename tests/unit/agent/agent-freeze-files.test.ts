/**
 * Freeze's thaw triggers and the file streams' handle discipline, against the
 * fake daemon: thaw on dispose, on abort, by the watchdog and after a
 * reconnect; a connection closed for good is reported, never silent; a read
 * or write stream closes the guest's handle at the end, on an error and on
 * abort, and reads only as fast as its consumer. The real guest's side is in
 * tests/integration/agent/agent-qemu.test.ts.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { AgentManager } from '../../../src/agent/index.js';
import { AbortError } from '../../../src/errors/index.js';
import type { Logger } from '../../../src/connection/index.js';
import { DOMAIN_FSFREEZE, DOMAIN_FSTHAW, QEMU_DOMAIN_AGENT_COMMAND } from '../../../src/rpc/protocol/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

const XML = `<domain type='kvm'><name>vm1</name><memory>65536</memory><os><type>hvm</type></os><devices><channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel></devices></domain>`;

async function host(options: { reconnect?: boolean } = {}): Promise<{ fake: FakeHost; thaws: string[][]; log: string[] }> {
  const fake = await fakeHost({
    setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: XML }),
    ...(options.reconnect === true ? { connection: { reconnect: { initialDelay: 10, jitter: 0 } } } : {}),
  });
  const thaws: string[][] = [];
  fake.daemon.handle(DOMAIN_FSFREEZE, (args) => ({ ok: { filesystems: args.mountpoints.length || 3 } }));
  fake.daemon.handle(DOMAIN_FSTHAW, (args) => {
    thaws.push(args.mountpoints);
    return { ok: { filesystems: 1 } };
  });
  return { fake, thaws, log: [] };
}

function capture(log: string[]): Logger {
  return { warn: (_f, m) => log.push(`warn ${m}`), error: (_f, m) => log.push(`error ${m}`), debug: (_f, m) => log.push(`debug ${m}`) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('freeze (fake daemon)', () => {
  it('await using thaws at the end of the block, once; thaw sends no mountpoints', async () => {
    const { fake, thaws } = await host();
    const agent = new AgentManager(fake.conn);
    {
      await using frozen = await agent.freeze('vm1', { mountpoints: ['/data'] });
      expect(frozen.frozen).toBe(1);
      expect(frozen.state).toBe('frozen');
    }
    expect(thaws).toEqual([[]]);
  });

  it('the caller forgetting: the watchdog thaws, and logs it', async () => {
    const { fake, thaws, log } = await host();
    const agent = new AgentManager(fake.conn, { logger: capture(log) });
    const frozen = await agent.freeze('vm1', { watchdog: 50 });
    await until(() => frozen.state === 'thawed');
    expect(frozen.trigger).toBe('watchdog');
    expect(thaws).toHaveLength(1);
    expect(log).toContain('warn filesystems thawed (watchdog)');
    await frozen.thaw(); // shares the first result
    expect(thaws).toHaveLength(1);
  });

  it('the signal firing after the freeze thaws', async () => {
    const { fake, thaws } = await host();
    const controller = new AbortController();
    const frozen = await new AgentManager(fake.conn).freeze('vm1', { signal: controller.signal });
    controller.abort();
    await until(() => frozen.state === 'thawed');
    expect(frozen.trigger).toBe('abort');
    expect(thaws).toHaveLength(1);
  });

  it('the connection coming back after a loss thaws at once', async () => {
    const { fake, thaws } = await host({ reconnect: true });
    const frozen = await new AgentManager(fake.conn).freeze('vm1', { watchdog: 600_000 });
    const back = once(fake.conn, 'reconnected');
    for (const client of fake.daemon.clients) client.close();
    await back;
    await until(() => frozen.state === 'thawed');
    expect(frozen.trigger).toBe('reconnect');
    expect(thaws).toHaveLength(1);
  });

  it('an abort while the freeze call is in flight thaws before reporting (the guest may have frozen)', async () => {
    const { fake, thaws } = await host();
    const controller = new AbortController();
    // libvirt froze the guest, but the reply comes only after the caller gave up.
    fake.hang(DOMAIN_FSFREEZE, { completeAnyway: true, onArrival: () => controller.abort() });
    await expect(new AgentManager(fake.conn).freeze('vm1', { signal: controller.signal })).rejects.toBeInstanceOf(AbortError);
    await until(() => thaws.length === 1);
  });

  it('a freeze call that times out thaws before reporting', async () => {
    const { fake, thaws } = await host();
    fake.hang(DOMAIN_FSFREEZE, { completeAnyway: true });
    await expect(new AgentManager(fake.conn).freeze('vm1', { timeout: 200 })).rejects.toMatchObject({ code: 'ERR_LIBVIRT_TIMEOUT' });
    await until(() => thaws.length === 1);
  });

  it('a freeze refused by libvirt sends no thaw', async () => {
    const { fake, thaws } = await host();
    fake.fail(DOMAIN_FSFREEZE);
    await expect(new AgentManager(fake.conn).freeze('vm1')).rejects.toBeInstanceOf(Error);
    await fake.settledCalls();
    expect(thaws).toEqual([]);
  });

  it('a connection closed for good is logged at error level and thaw() rejects', async () => {
    const { fake, log } = await host();
    const frozen = await new AgentManager(fake.conn, { logger: capture(log) }).freeze('vm1', { watchdog: 600_000 });
    await fake.conn.close();
    expect(log).toContain('error the connection closed while filesystems were frozen; the SDK cannot thaw them');
    await expect(frozen.thaw()).rejects.toBeInstanceOf(Error);
    expect(frozen.state).toBe('thaw-failed');
  });
});

/** A guest file system of one file served by the fake agent; records every command. */
function fileAgent(fake: FakeHost, content: Buffer, options: { failReadAt?: number } = {}): { commands: string[]; written: Buffer[] } {
  const commands: string[] = [];
  const written: Buffer[] = [];
  let at = 0;
  let reads = 0;
  fake.daemon.handle(QEMU_DOMAIN_AGENT_COMMAND, (args) => {
    const cmd = JSON.parse(args.cmd) as { execute: string; arguments?: { count?: number; 'buf-b64'?: string } };
    commands.push(cmd.execute);
    const ok = (value: unknown): { ok: { result: string } } => ({ ok: { result: JSON.stringify({ return: value }) } });
    switch (cmd.execute) {
      case 'guest-file-open':
        return ok(1000);
      case 'guest-file-read': {
        reads++;
        if (reads === options.failReadAt)
          return { error: { code: 1, domain: 10, message: "internal error: unable to execute QEMU agent command 'guest-file-read': EIO" } };
        const piece = content.subarray(at, at + (cmd.arguments?.count ?? 4096));
        at += piece.length;
        return ok({ count: piece.length, 'buf-b64': piece.toString('base64'), eof: at >= content.length });
      }
      case 'guest-file-write': {
        const data = Buffer.from(cmd.arguments?.['buf-b64'] ?? '', 'base64');
        written.push(data);
        return ok({ count: data.length, eof: false });
      }
      case 'guest-info':
        return ok({
          version: '7.2',
          supported_commands: ['guest-file-open', 'guest-file-read', 'guest-file-write', 'guest-file-close'].map((name) => ({
            name,
            enabled: true,
          })),
        });
      default:
        return ok({});
    }
  });
  return { commands, written };
}

describe('file streams (fake daemon)', () => {
  it('reads chunk by chunk only as the consumer asks, and closes the handle at the end', async () => {
    const { fake } = await host();
    const content = Buffer.from('x'.repeat(10_000));
    const { commands } = fileAgent(fake, content);
    const stream = new AgentManager(fake.conn).readFile('vm1', '/f', { chunkSize: 1000 });
    await once(stream, 'readable');
    // The stream holds at most its high-water mark (one chunk) ahead of a consumer that reads nothing.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(commands.filter((c) => c === 'guest-file-read').length).toBeLessThanOrEqual(2);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    await until(() => commands.includes('guest-file-close'));
    expect(commands.filter((c) => c === 'guest-file-close')).toHaveLength(1);
  });

  it('a read error and an abort both close the handle', async () => {
    const { fake } = await host();
    const { commands } = fileAgent(fake, Buffer.alloc(10_000), { failReadAt: 2 });
    const agent = new AgentManager(fake.conn);
    const failing = agent.readFile('vm1', '/f', { chunkSize: 1000 });
    await expect(async () => {
      for await (const _ of failing) void _;
    }).rejects.toMatchObject({ reason: 'command-failed', agentMessage: 'EIO' });
    expect(commands.filter((c) => c === 'guest-file-close')).toHaveLength(1);

    const controller = new AbortController();
    const aborted = agent.readFile('vm1', '/f', { chunkSize: 1000, signal: controller.signal });
    await once(aborted, 'readable');
    controller.abort();
    const [error] = (await once(aborted, 'error')) as [unknown];
    expect(error).toBeInstanceOf(AbortError);
    await until(() => commands.filter((c) => c === 'guest-file-close').length === 2);
  });

  it('an abort while guest-file-open is in flight still closes the handle the guest opened', async () => {
    const { fake } = await host();
    const { commands } = fileAgent(fake, Buffer.alloc(10_000));
    const controller = new AbortController();
    // The agent opens the file, but its answer comes only after the caller gave up.
    fake.daemon.once(QEMU_DOMAIN_AGENT_COMMAND, async (_args, _context, next) => {
      controller.abort();
      await new Promise((r) => setTimeout(r, 100));
      return next();
    });
    const stream = new AgentManager(fake.conn).readFile('vm1', '/f', { signal: controller.signal });
    const [error] = (await once(stream, 'error')) as [unknown];
    await until(() => commands.includes('guest-file-close'));
    expect(commands).toEqual(['guest-file-open', 'guest-file-close']);
    expect(error).toBeInstanceOf(AbortError);
  });

  it('writes in chunks of at most chunkSize, closes at finish; more than maxBytes fails and still closes', async () => {
    const { fake } = await host();
    const { commands, written } = fileAgent(fake, Buffer.alloc(0));
    const agent = new AgentManager(fake.conn);
    const data = Buffer.from('y'.repeat(2500));
    await pipeline(Readable.from([data]), agent.writeFile('vm1', '/f', { chunkSize: 1000 }));
    expect(written.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(commands.at(-1)).toBe('guest-file-close');
    await expect(pipeline(Readable.from([data]), agent.writeFile('vm1', '/g', { maxBytes: 100 }))).rejects.toBeInstanceOf(RangeError);
    await until(() => commands.filter((c) => c === 'guest-file-close').length === 2);
  });
});
