import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidUriError } from '../../../src/errors/index.js';
import {
  type UriEnvironment,
  buildRemoteCommand,
  buildSshArgs,
  createDialer,
  parseLibvirtUri,
  shellQuote,
} from '../../../src/rpc/transport/index.js';

const ROOT: UriEnvironment = { uid: 0, existsSync: () => false };
const uri = (text: string) => parseLibvirtUri(text, ROOT);

const AUTO =
  "sh -c 'if command -v virt-ssh-helper >/dev/null 2>&1; then exec virt-ssh-helper '\\''qemu:///system'\\''; fi; " +
  "ARG=; if '\\''nc'\\'' -q 2>&1 | grep '\\''requires an argument'\\'' >/dev/null 2>&1; then ARG=-q0; fi; " +
  "exec '\\''nc'\\'' $ARG -U '\\''/var/run/libvirt/libvirt-sock'\\'''";

describe('buildSshArgs', () => {
  it('builds the minimal command: no -p, no -l, host after --', () => {
    expect(buildSshArgs(uri('qemu+ssh://kvm1/system'))).toEqual(['-T', '-e', 'none', '--', 'kvm1', AUTO]);
  });

  it('uses localhost when the URI has no host', () => {
    expect(buildSshArgs(uri('qemu+ssh:///system')).at(-2)).toBe('localhost');
  });

  it('passes -p only for an explicit port, and -l for the user', () => {
    expect(buildSshArgs(uri('qemu+ssh://root@kvm1:2222/system')).slice(0, 7)).toEqual(['-T', '-e', 'none', '-p', '2222', '-l', 'root']);
    expect(buildSshArgs(uri('qemu+ssh://root@kvm1/system'))).not.toContain('-p');
  });

  it('maps keyfile, no_tty, no_verify, known_hosts, known_hosts_verify and sshauth', () => {
    const args = buildSshArgs(
      uri(
        'qemu+ssh://kvm1/system?keyfile=/k/id_ed25519&no_tty=1&known_hosts=/my%20dir/kh%25&known_hosts_verify=auto&sshauth=agent,privkey,password',
      ),
      { connectTimeoutMs: 10_000 },
    );
    expect(args.slice(0, -3)).toEqual([
      '-T',
      '-e',
      'none',
      '-i',
      '/k/id_ed25519',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=accept-new',
      '-o',
      'UserKnownHostsFile="/my dir/kh%%"',
      '-o',
      'PreferredAuthentications=publickey,password',
      '-o',
      'ConnectTimeout=10',
    ]);
    expect(args.at(-3)).toBe('--');
  });

  it.each([
    ['known_hosts_verify=normal', 'StrictHostKeyChecking=yes'],
    ['known_hosts_verify=ignore', 'StrictHostKeyChecking=no'],
    ['no_verify=1', 'StrictHostKeyChecking=no'],
    ['known_hosts_verify=normal&no_verify=1', 'StrictHostKeyChecking=yes'],
  ])('host-key policy %s → %s', (query, option) => {
    expect(buildSshArgs(uri(`qemu+ssh://kvm1/system?${query}`))).toContain(option);
  });

  it('leaves host-key checking to ssh by default (it is on unless configured off)', () => {
    expect(buildSshArgs(uri('qemu+ssh://kvm1/system')).join(' ')).not.toContain('StrictHostKeyChecking');
  });

  it('a keyfile that looks like an option stays the value of -i', () => {
    const args = buildSshArgs(uri('qemu+ssh://kvm1/system?keyfile=-oProxyCommand=touch%20x'));
    expect(args.slice(3, 5)).toEqual(['-i', '-oProxyCommand=touch x']);
    expect(args.slice(-3, -1)).toEqual(['--', 'kvm1']);
  });

  it('puts extraArgs first so their -o values win', () => {
    const args = buildSshArgs(uri('qemu+ssh://kvm1/system'), { extraArgs: ['-F', '/etc/app/ssh_config'] });
    expect(args.slice(0, 3)).toEqual(['-F', '/etc/app/ssh_config', '-T']);
  });

  it('rounds the connect timeout up to whole seconds', () => {
    expect(buildSshArgs(uri('qemu+ssh://kvm1/system'), { connectTimeoutMs: 1500 })).toContain('ConnectTimeout=2');
  });

  it('refuses a known_hosts path ssh cannot quote', () => {
    expect(() => buildSshArgs(uri('qemu+ssh://kvm1/system?known_hosts=/a%22b'))).toThrow(InvalidUriError);
  });
});

describe('buildRemoteCommand', () => {
  it('auto: virt-ssh-helper when installed, else nc -U', () => {
    expect(buildRemoteCommand(uri('qemu+ssh://kvm1/system'))).toBe(AUTO);
  });

  it('native: only virt-ssh-helper, with -r when read-only', () => {
    expect(buildRemoteCommand(uri('qemu+ssh://kvm1/system?proxy=native'), { readonly: true })).toBe(
      "sh -c 'exec virt-ssh-helper -r '\\''qemu:///system'\\'''",
    );
  });

  it('netcat: the -ro socket when read-only, and a custom netcat binary', () => {
    expect(buildRemoteCommand(uri('qemu+ssh://kvm1/system?netcat=/opt/nc'), { readonly: true })).toBe(
      "sh -c 'ARG=; if '\\''/opt/nc'\\'' -q 2>&1 | grep '\\''requires an argument'\\'' >/dev/null 2>&1; then ARG=-q0; fi; " +
        "exec '\\''/opt/nc'\\'' $ARG -U '\\''/var/run/libvirt/libvirt-sock-ro'\\'''",
    );
  });

  it('keeps mode= for virt-ssh-helper', () => {
    expect(buildRemoteCommand(uri('qemu+ssh://kvm1/system?mode=legacy&proxy=native'))).toContain(
      "virt-ssh-helper '\\''qemu:///system?mode=legacy'\\''",
    );
  });

  it('refuses raw control characters, which a csh login shell would split on', () => {
    expect(() => buildRemoteCommand(uri('qemu+ssh://kvm1/system?socket=/a%0Ab'))).toThrow(InvalidUriError);
    expect(() => buildRemoteCommand(uri('qemu+ssh://kvm1/system?netcat=nc%09x'))).toThrow(InvalidUriError);
    // in the URI handed to virt-ssh-helper a newline stays percent-encoded, so it is harmless
    expect(buildRemoteCommand(uri('qemu+ssh://kvm1/sys%0Atem?proxy=native'))).toBe(
      "sh -c 'exec virt-ssh-helper '\\''qemu:///sys%0Atem'\\'''",
    );
  });

  it('shellQuote survives quotes', () => {
    expect(shellQuote("a'b")).toBe("'a'\\''b'");
    expect(shellQuote('')).toBe("''");
  });
});

/**
 * Run the remote command the way sshd does (`$SHELL -c "<command>"`) with fake
 * virt-ssh-helper / nc programs that record their argv, and check that hostile
 * URI values arrive as single, literal arguments and run nothing.
 */
describe('remote command under a real shell', () => {
  let dir: string;
  let bin: string;
  const record = (name: string): string => join(dir, `${name}.args`);
  // PATH holds only the fakes, sh and grep, so the real virt-ssh-helper/nc of this host never run
  const run = (command: string, withHelper: boolean): void => {
    const tools = `${join(dir, 'nc-bin')}:${join(dir, 'tools')}`;
    const path = withHelper ? `${bin}:${tools}` : tools;
    execFileSync('/bin/sh', ['-c', command], { env: { PATH: path }, cwd: dir, stdio: 'pipe' });
  };
  const args = (name: string): string[] => readFileSync(record(name), 'utf8').split('\0').slice(0, -1);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lvm-ssh-'));
    bin = join(dir, 'bin');
    const fake = (folder: string, name: string, extra = ''): void => {
      execFileSync('mkdir', ['-p', join(dir, folder)]);
      const file = join(dir, folder, name);
      writeFileSync(file, `#!/bin/sh\n${extra}for a in "$@"; do printf '%s\\0' "$a"; done > '${record(name)}'\n`);
      chmodSync(file, 0o755);
    };
    fake('bin', 'virt-ssh-helper');
    execFileSync('mkdir', ['-p', join(dir, 'tools')]);
    for (const tool of ['sh', 'grep']) {
      symlinkSync(
        execFileSync('sh', ['-c', `command -v ${tool}`])
          .toString()
          .trim(),
        join(dir, 'tools', tool),
      );
    }
    // like netcat-openbsd: `nc -q` alone complains that -q needs an argument
    fake('nc-bin', 'nc', 'if [ "$#" = 1 ] && [ "$1" = -q ]; then echo "nc: option requires an argument -- q" >&2; exit 1; fi\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const hostile = '/sys\'tem$(touch pwned)`touch pwned2`;touch pwned3"$HOME\\';

  it('passes a hostile name to virt-ssh-helper as one literal argument', () => {
    const u = uri(`qemu+ssh://kvm1${encodeURI(hostile).replaceAll('#', '%23').replaceAll('?', '%3F')}?proxy=native`);
    run(buildRemoteCommand(u), true);
    expect(args('virt-ssh-helper')).toEqual([u.sshHelperUri]);
    expect(u.sshHelperUri).toContain("sys'tem$(touch");
    expect(['pwned', 'pwned2', 'pwned3'].some((f) => existsSync(join(dir, f)))).toBe(false);
  });

  it('falls back to nc -q0 -U <socket> when virt-ssh-helper is missing', () => {
    const socket = `/tmp/s o'ck$(touch pwned)`;
    const u = uri(`qemu+ssh://kvm1/system?socket=${encodeURIComponent(socket)}`);
    expect(u.sshProxy).toBe('netcat'); // socket= forces netcat, as in libvirt
    run(buildRemoteCommand(u), false);
    expect(args('nc')).toEqual(['-q0', '-U', socket]);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('auto mode prefers virt-ssh-helper when it is on PATH', () => {
    rmSync(record('virt-ssh-helper'), { force: true });
    run(buildRemoteCommand(uri('qemu+ssh://kvm1/system'), { readonly: true }), true);
    expect(args('virt-ssh-helper')).toEqual(['-r', 'qemu:///system']);
  });

  it('auto mode uses nc when virt-ssh-helper is absent', () => {
    run(buildRemoteCommand(uri('qemu+ssh://kvm1/system')), false);
    expect(args('nc')).toEqual(['-q0', '-U', '/var/run/libvirt/libvirt-sock']);
  });

  it('a hostile netcat= value is one program name, not a command line', () => {
    const u = uri(`qemu+ssh://kvm1/system?netcat=${encodeURIComponent('nc;touch pwned;nc')}`);
    expect(() => run(buildRemoteCommand(u), false)).toThrow(); // no such program
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});

describe('createDialer for ssh URIs', () => {
  it('refuses ?command= unless allowCommand is set', () => {
    expect(() => createDialer(uri('qemu+ssh://kvm1/system?command=/tmp/evil'))).toThrow(InvalidUriError);
    expect(() => createDialer(uri('qemu+ssh://kvm1/system?command=/usr/bin/ssh'), { allowCommand: true })).not.toThrow();
  });

  it('validates command-line values when the dialer is created', () => {
    expect(() => createDialer(uri('qemu+ssh://kvm1/system?socket=/a%0Ab'))).toThrow(InvalidUriError);
  });
});
