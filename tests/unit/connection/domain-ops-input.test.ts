/**
 * The single-call domain resources refuse bad input before anything is
 * sent, and encode what they send as libvirt expects (key codes, flags,
 * signal numbers): checked against a recording call, no daemon.
 */
import { describe, expect, it } from 'vitest';
import {
  DomainAdminResource,
  DomainGuestResource,
  DomainInputResource,
  DomainInspectResource,
  DomainSaveResource,
  InvalidArgumentError,
  type ResourceCall,
} from '../../../src/connection/internal.js';
import { linuxKeyCode } from '../../../src/connection/resources/linux-keys.js';

const REF = { name: 'vm1', uuid: '6f0c4bb4-2a57-4c0e-9d63-9e1d0a5b3d11', id: 1 };

/** A call that answers lookups with REF and records every other procedure with its arguments. */
function recorder(): { call: ResourceCall; sent: { name: string; args: Record<string, unknown> }[] } {
  const sent: { name: string; args: Record<string, unknown> }[] = [];
  const call = (async (procedure: { name: string }, args: Record<string, unknown>) => {
    if (procedure.name.startsWith('DOMAIN_LOOKUP')) return { dom: REF };
    sent.push({ name: procedure.name, args });
    return { labels: [], ret: 0, msgs: [], buffer: Buffer.alloc(0), keys: [], updated: 0, params: [], result: 0, retcode: 0, autostart: 0 };
  }) as unknown as ResourceCall;
  return { call, sent };
}

describe('linux key names', () => {
  it('match virsh send-key names with or without KEY_, in any case, and a few aliases', () => {
    expect(linuxKeyCode('KEY_ENTER')).toBe(28);
    expect(linuxKeyCode('enter')).toBe(28);
    expect(linuxKeyCode('Return')).toBe(28);
    expect(linuxKeyCode('KEY_A')).toBe(30);
    expect(linuxKeyCode('q')).toBe(16);
    expect(linuxKeyCode('m')).toBe(50);
    expect(linuxKeyCode('1')).toBe(2);
    expect(linuxKeyCode('0')).toBe(11);
    expect(linuxKeyCode('f10')).toBe(68);
    expect(linuxKeyCode('KEY_F12')).toBe(88);
    expect(linuxKeyCode('ctrl')).toBe(29);
    expect(linuxKeyCode('KEY_LEFTALT')).toBe(56);
    expect(linuxKeyCode('delete')).toBe(111);
    expect(linuxKeyCode('sysrq')).toBe(99);
    expect(linuxKeyCode('KEY_NOPE')).toBeUndefined();
    expect(linuxKeyCode('toString')).toBeUndefined();
  });
});

describe('what is sent', () => {
  it('sendKey: codes in the linux codeset, hold time in ms', async () => {
    const { call, sent } = recorder();
    await new DomainInputResource(call).sendKey(REF, ['ctrl', 'alt', 'f2'], { holdTimeMs: 200 });
    expect(sent[0]).toMatchObject({ name: 'DOMAIN_SEND_KEY', args: { codeset: 0, holdtime: 200, keycodes: [29, 56, 60], flags: 0 } });
  });

  it('sendProcessSignal: names to Linux numbers, real-time ones from 32', async () => {
    const { call, sent } = recorder();
    const input = new DomainInputResource(call);
    await input.sendProcessSignal(REF, 42, 'SIGKILL');
    await input.sendProcessSignal(REF, 42, 'hup');
    await input.sendProcessSignal(REF, 42, 'SIGRT2');
    expect(sent.map((s) => s.args['signum'])).toEqual([9, 1, 34]);
    expect(sent[0]!.args['pid_value']).toBe(42n);
  });

  it('save/restore/dump flags from named options', async () => {
    const { call, sent } = recorder();
    const saves = new DomainSaveResource(call);
    await saves.save(REF, '/s/a', { bypassCache: true, startAs: 'paused' });
    await saves.restore('/s/a', { startAs: 'running', resetNvram: true });
    await saves.coreDump(REF, '/s/c', { format: 'kdump-lzo', memoryOnly: true, live: true });
    expect(sent.map((s) => s.args['flags'])).toEqual([5, 10, 18]);
    expect(sent[2]!.args['dumpformat']).toBe(2);
  });

  it('guest, inspect and admin flags', async () => {
    const { call, sent } = recorder();
    await new DomainGuestResource(call).setAuthorizedKeys(REF, 'root', ['ssh-ed25519 AAAA a'], { mode: 'remove' });
    await new DomainGuestResource(call).setAgentResponseTimeout(REF, 'block');
    await new DomainGuestResource(call).pmSuspend(REF, 'hybrid');
    await new DomainInspectResource(call).getMessages(REF, { tainting: true });
    await new DomainInspectResource(call).peekMemory(REF, 4096, 8, { addressing: 'virtual' });
    await new DomainAdminResource(call).startDirtyRateCalc(REF, 2, { mode: 'dirty-ring' });
    expect(sent.map((s) => [s.name, s.args['flags'] ?? s.args['timeout'] ?? s.args['target']])).toEqual([
      ['DOMAIN_AUTHORIZED_SSH_KEYS_SET', 2],
      ['DOMAIN_AGENT_SET_RESPONSE_TIMEOUT', 0],
      ['DOMAIN_PM_SUSPEND_FOR_DURATION', 0],
      ['DOMAIN_GET_MESSAGES', 2],
      ['DOMAIN_MEMORY_PEEK', 1],
      ['DOMAIN_START_DIRTY_RATE_CALC', 2],
    ]);
    expect(sent[1]!.args['timeout']).toBe(-2);
    expect(sent[2]!.args['target']).toBe(2);
  });
});

describe('refused before anything is sent', () => {
  const { call, sent } = recorder();
  const input = new DomainInputResource(call);
  const guest = new DomainGuestResource(call);
  const inspect = new DomainInspectResource(call);
  const admin = new DomainAdminResource(call);
  const cases: [string, () => Promise<unknown>][] = [
    ['no keys', () => input.sendKey(REF, [])],
    [
      '17 keys',
      () =>
        input.sendKey(
          REF,
          Array.from({ length: 17 }, (_, i) => i + 1),
        ),
    ],
    ['unknown key name', () => input.sendKey(REF, ['KEY_NOPE'])],
    ['a name outside linux', () => input.sendKey(REF, ['enter'], { codeset: 'usb' })],
    ['a key twice', () => input.sendKey(REF, ['a', 'KEY_A'])],
    ['code over KEY_MAX', () => input.sendKey(REF, [0x300])],
    ['fractional code', () => input.sendKey(REF, [1.5])],
    ['unknown codeset', () => input.sendKey(REF, [1], { codeset: 'ebcdic' as never })],
    ['hold time over a minute', () => input.sendKey(REF, ['a'], { holdTimeMs: 60_001 })],
    ['misspelt option', () => input.sendKey(REF, ['a'], { holdtime: 5 } as never)],
    ['pid 0', () => input.sendProcessSignal(REF, 0, 'TERM')],
    ['unknown signal', () => input.sendProcessSignal(REF, 1, 'SIGFOO')],
    ['signal 65', () => input.sendProcessSignal(REF, 1, 65)],
    ['relative mount point', () => guest.fstrim(REF, { mountPoint: 'home' })],
    ['negative minimum', () => guest.fstrim(REF, { minimumBytes: -1 })],
    ['key with a newline', () => guest.setAuthorizedKeys(REF, 'root', ['ssh-ed25519 A\nssh-rsa B'])],
    ['nothing to add', () => guest.setAuthorizedKeys(REF, 'root', [], { mode: 'add' })],
    ['empty user', () => guest.getAuthorizedKeys(REF, '')],
    ['unknown pm target', () => guest.pmSuspend(REF, 'ram' as never)],
    ['agent timeout 0 (use nowait)', () => guest.setAgentResponseTimeout(REF, 0)],
    ['peek over 4 MiB', () => inspect.peekMemory(REF, 0, 4 * 1024 * 1024 + 1)],
    ['peek of 0 bytes', () => inspect.peekBlock(REF, 'vda', 0, 0)],
    ['negative offset', () => inspect.peekBlock(REF, 'vda', -1, 1)],
    ['offset over 2^64', () => inspect.peekMemory(REF, 2n ** 64n, 1)],
    ['unknown addressing', () => inspect.peekMemory(REF, 0, 1, { addressing: 'linear' as never })],
    ['messages flag not boolean', () => inspect.getMessages(REF, { tainting: 'yes' as never })],
    ['rename with a slash', () => admin.rename(REF, 'a/b')],
    ['rename to empty', () => admin.rename(REF, '')],
    ['threshold not whole', () => admin.setBlockThreshold(REF, 'vda', 1.5)],
    ['dirty rate 61 s', () => admin.startDirtyRateCalc(REF, 61)],
    ['autostart once not boolean', () => admin.setAutostartOnce(REF, 'true' as never)],
    ['unknown graphics type', () => admin.reloadGraphics(REF, { type: 'spice' as never })],
    ['signal not an AbortSignal', () => admin.getAutostartOnce(REF, { signal: {} as never })],
  ];
  it.each(cases)('%s', async (_label, run) => {
    await expect(run()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });
});
