/**
 * The agent API's error paths against the fake daemon, which plays libvirt
 * and the agent behind it (the QEMU program's DOMAIN_AGENT_COMMAND): an agent
 * that is not connected or too slow (libvirt 9.0 says VIR_ERR_AGENT_UNRESPONSIVE
 * for both; the channel's state tells them apart), a VM without the channel,
 * a connection lost mid-command, malformed agent JSON, agent-side errors, and
 * bad input refused before anything is sent. The real-agent paths are in
 * tests/integration/agent/agent-qemu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_CHANNEL_XML, AgentManager, GuestAgentError, GuestExecError } from '../../../src/agent/index.js';
import { ConnectionClosedError, InvalidArgumentError, TimeoutError } from '../../../src/errors/index.js';
import { QEMU_DOMAIN_AGENT_COMMAND } from '../../../src/rpc/protocol/index.js';
import type { FakeReply } from '../../../src/testing/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

type AgentReply = FakeReply<{ result: string | null }>;

function domainXml(name: string, channel: 'connected' | 'disconnected' | 'none'): string {
  const dev =
    channel === 'none'
      ? ''
      : `<channel type='unix'><source mode='bind' path='/run/x.sock'/><target type='virtio' name='org.qemu.guest_agent.0' state='${channel}'/></channel>`;
  return `<domain type='kvm'><name>${name}</name><memory>65536</memory><os><type>hvm</type></os><devices>${dev}</devices></domain>`;
}

/** A running VM `vm1` whose agent channel is in `channel`; `agent` answers each agent command JSON. */
async function setup(
  channel: 'connected' | 'disconnected' | 'none',
  agent: (cmd: { execute: string; arguments?: Record<string, unknown> }) => AgentReply | Promise<AgentReply>,
): Promise<{ fake: FakeHost; manager: AgentManager; sent: string[] }> {
  const fake = await fakeHost({ setup: (hv) => hv.addDomain({ name: 'vm1', state: 'running', xml: domainXml('vm1', channel) }) });
  const sent: string[] = [];
  fake.daemon.handle(QEMU_DOMAIN_AGENT_COMMAND, (args) => {
    sent.push(args.cmd);
    return agent(JSON.parse(args.cmd) as { execute: string });
  });
  return { fake, manager: new AgentManager(fake.conn, { pollInterval: 50 }), sent };
}

const ok = (value: unknown): AgentReply => ({ ok: { result: JSON.stringify({ return: value }) } });
const unresponsive: AgentReply = {
  error: { code: 86, domain: 10, message: 'Guest agent is not responding: QEMU guest agent is not connected' },
};

describe('agent errors (fake daemon)', () => {
  it('VIR_ERR_AGENT_UNRESPONSIVE with the channel disconnected is "not-connected"', async () => {
    const { manager } = await setup('disconnected', () => unresponsive);
    await expect(manager.command('vm1', 'guest-ping')).rejects.toMatchObject({ reason: 'not-connected', command: 'guest-ping' });
  });

  it('VIR_ERR_AGENT_UNRESPONSIVE with the channel connected is "timeout"', async () => {
    const { manager } = await setup('connected', () => unresponsive);
    const e = await manager.command('vm1', 'guest-ping').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GuestAgentError);
    expect(e).toMatchObject({ reason: 'timeout', code: 'ERR_LIBVIRT_GUEST_AGENT' });
  });

  it('a VM without the channel is "not-configured", with the <channel> to add', async () => {
    const { manager } = await setup('none', () => ({
      error: { code: 67, domain: 10, message: 'argument unsupported: QEMU guest agent is not configured' },
    }));
    const e = (await manager.exec('vm1', ['/bin/true']).catch((x: unknown) => x)) as GuestAgentError;
    expect(e).toMatchObject({ reason: 'not-configured', channelXml: AGENT_CHANNEL_XML });
    expect(e.message).toContain("name='org.qemu.guest_agent.0'");
  });

  it('waitForAgent: true refuses a VM without the channel at once as "not-configured"', async () => {
    const { manager, sent } = await setup('none', () => ok({}));
    await expect(manager.command('vm1', 'guest-ping', undefined, { waitForAgent: true })).rejects.toMatchObject({
      reason: 'not-configured',
    });
    expect(sent).toEqual([]);
  });

  it('a connection lost mid-command is ConnectionClosedError', async () => {
    const { manager } = await setup('connected', () => ({ close: true }));
    await expect(manager.exec('vm1', ['/bin/true'])).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it.each([
    ['not JSON', '{"return": {'],
    ['not an object', '[1,2]'],
    ['neither return nor error', '{"hello":1}'],
  ])('malformed agent JSON (%s) is "command-failed" naming the reply as malformed', async (_what, text) => {
    const { manager } = await setup('connected', () => ({ ok: { result: text } }));
    const e = (await manager.command('vm1', 'guest-ping').catch((x: unknown) => x)) as GuestAgentError;
    expect(e).toMatchObject({ reason: 'command-failed', command: 'guest-ping' });
    expect(e.agentMessage).toMatch(/^malformed reply/);
  });

  it('an agent "error" reply is "command-failed" with its description', async () => {
    const { manager } = await setup('connected', () => ({ ok: { result: '{"error":{"class":"GenericError","desc":"no such file"}}' } }));
    await expect(manager.command('vm1', 'guest-file-open', { path: '/x' })).rejects.toMatchObject({ agentMessage: 'no such file' });
  });

  it('libvirt 9.0 internal error: "unsupported-command" when guest-info lacks it, else "command-failed" with the agent\'s words', async () => {
    const failing = (cmd: string): AgentReply => ({
      error: { code: 1, domain: 10, message: `internal error: unable to execute QEMU agent command '${cmd}': it broke` },
    });
    const { manager } = await setup('connected', (c) =>
      c.execute === 'guest-info' ? ok({ version: '7.2', supported_commands: [{ name: 'guest-exec', enabled: true }] }) : failing(c.execute),
    );
    await expect(manager.command('vm1', 'guest-exec', { path: '/x' })).rejects.toMatchObject({
      reason: 'command-failed',
      agentMessage: 'it broke',
    });
    await expect(manager.command('vm1', 'guest-nothing')).rejects.toMatchObject({
      reason: 'unsupported-command',
      command: 'guest-nothing',
    });
  });

  it('exec polls guest-exec-status until exited; check: true turns exit 2 into GuestExecError', async () => {
    let polls = 0;
    const { manager, sent } = await setup('connected', (c) => {
      if (c.execute === 'guest-exec') return ok({ pid: 42 });
      polls++;
      return polls < 3 ? ok({ exited: false }) : ok({ exited: true, exitcode: 2, 'err-data': Buffer.from('bad').toString('base64') });
    });
    const e = (await manager
      .exec('vm1', ['/bin/x', 'a'], { check: true, input: 'in', env: { A: '1' } })
      .catch((x: unknown) => x)) as GuestExecError;
    expect(e).toBeInstanceOf(GuestExecError);
    expect(e).toMatchObject({ exitCode: 2, path: '/bin/x', killed: false });
    expect(e.stderr.toString()).toBe('bad');
    expect(JSON.parse(sent[0] ?? '')).toEqual({
      execute: 'guest-exec',
      arguments: { path: '/bin/x', arg: ['a'], 'capture-output': true, 'input-data': Buffer.from('in').toString('base64'), env: ['A=1'] },
    });
    expect(polls).toBe(3);
  });

  it("exec past its timeout kills the process with the guest's kill and reaps it", async () => {
    const { manager, sent } = await setup('connected', (c) => {
      if (c.execute === 'guest-exec') return ok({ pid: c.arguments?.path === 'kill' ? 7 : 42 });
      const pid = c.arguments?.pid;
      return ok(pid === 7 || sent.some((s) => s.includes('"kill"')) ? { exited: true, signal: 9 } : { exited: false });
    });
    const e = await manager.exec('vm1', ['/bin/sleep', '999'], { timeout: 300 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as Error).message).toContain('killed pid 42 in the guest');
    expect(
      sent.map((s) => JSON.parse(s) as { arguments?: { path?: string; arg?: string[] } }).find((c) => c.arguments?.path === 'kill')
        ?.arguments?.arg,
    ).toEqual(['-KILL', '42']);
  });

  it('an abort while guest-exec is in flight still kills the process the guest started', async () => {
    const controller = new AbortController();
    const { manager, sent } = await setup('connected', async (c) => {
      if (c.execute === 'guest-exec' && c.arguments?.path !== 'kill') {
        // The guest starts the command, but the answer comes only after the caller gave up.
        controller.abort();
        await new Promise((r) => setTimeout(r, 100));
        return ok({ pid: 42 });
      }
      if (c.execute === 'guest-exec') return ok({ pid: 7 });
      return ok({ exited: true, signal: 9 });
    });
    const e = await manager.exec('vm1', ['/bin/sleep', '999'], { signal: controller.signal }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'ERR_LIBVIRT_ABORTED' });
    expect(
      sent.map((s) => JSON.parse(s) as { arguments?: { path?: string; arg?: string[] } }).find((c) => c.arguments?.path === 'kill')
        ?.arguments?.arg,
    ).toEqual(['-KILL', '42']);
  });

  it('execStream: a command the guest cannot start rejects once, with no stray stream error', async () => {
    let handles = 0;
    const { manager } = await setup('connected', (c) => {
      if (c.execute === 'guest-file-open') return ok(100 + ++handles);
      if (c.execute === 'guest-exec' && c.arguments?.path !== 'rm')
        return { ok: { result: JSON.stringify({ error: { class: 'GenericError', desc: 'Failed to execute child process' } }) } };
      if (c.execute === 'guest-exec') return ok({ pid: 8 });
      if (c.execute === 'guest-exec-status') return ok({ exited: true, exitcode: 0 });
      return ok({});
    });
    await expect(manager.execStream('vm1', ['/no/such'])).rejects.toMatchObject({ reason: 'command-failed' });
    // An 'error' emitted on a stream nobody was handed would be an uncaught exception: give it the chance to surface.
    await new Promise((r) => setTimeout(r, 50));
  });

  it('execStream: an abort while an output file opens still closes both handles', async () => {
    const controller = new AbortController();
    let handles = 0;
    const { manager, sent } = await setup('connected', async (c) => {
      if (c.execute === 'guest-file-open') {
        if (++handles === 2) {
          // The guest opens the second file, but the answer comes only after the caller gave up.
          controller.abort();
          await new Promise((r) => setTimeout(r, 100));
        }
        return ok(100 + handles);
      }
      if (c.execute === 'guest-exec') return ok({ pid: 7 });
      if (c.execute === 'guest-exec-status') return ok({ exited: true, exitcode: 0 });
      return ok({});
    });
    await expect(manager.execStream('vm1', ['/bin/true'], { signal: controller.signal })).rejects.toMatchObject({
      code: 'ERR_LIBVIRT_ABORTED',
    });
    const closed = sent
      .map((x) => JSON.parse(x) as { execute: string; arguments?: { handle?: number } })
      .filter((c) => c.execute === 'guest-file-close');
    expect(closed.map((c) => c.arguments?.handle)).toEqual([101, 102]);
  });

  it('bad input is refused before anything is sent; a password never shows in the error', async () => {
    const { manager, fake } = await setup('connected', () => ok({}));
    fake.mark();
    await expect(manager.exec('vm1', [])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(manager.exec('vm1', ['/bin/x'], { input: Buffer.alloc(3 * 1024 * 1024) })).rejects.toMatchObject({ path: 'input' });
    await expect(manager.freeze('vm1', { watchdog: 0 })).rejects.toMatchObject({ path: 'watchdog' });
    await expect(manager.command('vm1', '{"execute":"x"}')).rejects.toMatchObject({ path: 'command' });
    const e = await manager.setUserPassword('vm1', 'root', 'line1\nSecretPw').catch((x: unknown) => x);
    expect(e).toMatchObject({ path: 'password' });
    expect(String(e) + JSON.stringify(e)).not.toContain('SecretPw');
    expect(() => manager.readFile('vm1', '')).toThrow(InvalidArgumentError);
    expect(await fake.settledCalls()).toEqual([]);
  });
});
