/**
 * The CLI's pure parts, without a daemon: the exit code of every error
 * class, the URI's precedence, JSON output of 64-bit counters and nested
 * errors, and the dispatcher's usage errors (all before any connection).
 * The commands themselves run as subprocesses in tests/integration/cli.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeOf } from '../../../src/cli/exit-codes.js';
import { toJson } from '../../../src/cli/output.js';
import { type CliStreams, resolveUri, runCli } from '../../../src/cli/run.js';
import {
  AbortError,
  AlreadyExistsError,
  AuthError,
  ConnectionClosedError,
  DomainNotFoundError,
  InvalidArgumentError,
  InvalidStateError,
  InvalidUriError,
  LibvirtError,
  ProtocolError,
  TimeoutError,
  TransportError,
  UnsupportedError,
  XmlParseError,
} from '../../../src/index.js';

function remote(code: number): {
  code: number;
  domain: number;
  message: string;
  level: number;
  str1: null;
  str2: null;
  str3: null;
  int1: number;
  int2: number;
} {
  return { code, domain: 10, message: `libvirt error ${code}`, level: 2, str1: null, str2: null, str3: null, int1: 0, int2: 0 };
}

describe('exitCodeOf', () => {
  it.each([
    [new InvalidArgumentError('bad', { path: 'disks[0].size' }), ExitCode.USAGE],
    [new InvalidUriError('x://', 'bad uri'), ExitCode.USAGE],
    [new XmlParseError('bad xml'), ExitCode.USAGE],
    [new DomainNotFoundError(remote(42)), ExitCode.NOT_FOUND],
    [new LibvirtError(remote(50)), ExitCode.NOT_FOUND], // VIR_ERR_NO_STORAGE_VOL
    [new InvalidStateError('start', 'running'), ExitCode.INVALID_STATE],
    [new LibvirtError(remote(55)), ExitCode.INVALID_STATE], // VIR_ERR_OPERATION_INVALID
    [new TimeoutError(1000), ExitCode.TIMEOUT],
    [new TransportError('ENOENT'), ExitCode.CONNECTION],
    [new ConnectionClosedError('eof'), ExitCode.CONNECTION],
    [new ProtocolError('bad frame'), ExitCode.CONNECTION],
    [new AuthError('denied'), ExitCode.AUTH],
    [new LibvirtError(remote(88)), ExitCode.AUTH], // VIR_ERR_ACCESS_DENIED
    [new AlreadyExistsError('domain', 'web1'), ExitCode.ALREADY_EXISTS],
    [new UnsupportedError('no upload'), ExitCode.UNSUPPORTED],
    [new AbortError(), ExitCode.INTERRUPTED],
    [new LibvirtError(remote(1)), ExitCode.GENERIC], // VIR_ERR_INTERNAL_ERROR
    [new Error('a bug'), ExitCode.GENERIC],
  ])('%s → %i', (error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});

describe('resolveUri', () => {
  it('--uri, then $LIBVIRT_URI, then $LIBVIRT_DEFAULT_URI, then qemu:///system', () => {
    const env = { LIBVIRT_URI: 'test:///default', LIBVIRT_DEFAULT_URI: 'qemu:///session' };
    expect(resolveUri('qemu+ssh://h/system', env)).toBe('qemu+ssh://h/system');
    expect(resolveUri(undefined, env)).toBe('test:///default');
    expect(resolveUri(undefined, { LIBVIRT_DEFAULT_URI: 'qemu:///session' })).toBe('qemu:///session');
    expect(resolveUri(undefined, {})).toBe('qemu:///system');
  });
});

describe('toJson', () => {
  it('bigints as numbers when exact, else strings; errors inside results as objects', () => {
    const out = JSON.parse(toJson({ small: 42n, big: 2n ** 64n - 1n, errors: [new TimeoutError(5)] })) as Record<string, unknown>;
    expect(out).toEqual({
      small: 42,
      big: '18446744073709551615',
      errors: [{ name: 'TimeoutError', code: 'ERR_LIBVIRT_TIMEOUT', message: 'timed out after 5 ms', exitCode: ExitCode.TIMEOUT }],
    });
  });
});

describe('runCli usage errors: exit 2 before anything connects', () => {
  function capture(): CliStreams & { out: string; err: string } {
    const streams = {
      out: '',
      err: '',
      stderrIsTty: false,
      stdout: (t: string) => void (streams.out += t),
      stderr: (t: string) => void (streams.err += t),
    };
    return streams;
  }
  const signal = new AbortController().signal;
  const NOWHERE = 'qemu+unix:///system?socket=/nonexistent/libvirt-sock';

  it.each([
    [['nope', '--json'], 'nope'],
    [['get', '--json'], '<vm>'],
    [['get', 'a', 'b', '--json'], 'get'],
    [['list', '--bogus', '--json'], 'list'],
    // Option values are read before connecting: a daemon that is not there would be exit 6.
    [['start', 'web1', '--timeout', 'soon', '--json', '--uri', NOWHERE], '--timeout'],
    [['shutdown', 'web1', '--timeout', '-1', '--json', '--uri', NOWHERE], 'shutdown'], // parseArgs: '-1' looks like an option
    [['destroy', 'web1', '--shutdown-timeout', 'x', '--json', '--uri', NOWHERE], '--shutdown-timeout'],
    [['attach-disk', 'web1', '--json', '--uri', NOWHERE], '--size'],
    [['detach-disk', 'web1', 'vdb', '--timeout', '', '--json', '--uri', NOWHERE], '--timeout'],
    [['wait', 'web1', '--json'], '--state'],
    [['create', 'spec.yaml', '--wait-ip', '--json', '--uri', 'test:///default'], 'spec.yaml'],
  ])('%j names %s', async (argv, path) => {
    const streams = capture();
    expect(await runCli(argv, signal, streams)).toBe(ExitCode.USAGE);
    expect(streams.out).toBe('');
    expect(JSON.parse(streams.err)).toMatchObject({ error: { name: 'InvalidArgumentError', path, exitCode: 2 } });
  });

  it('--help: the commands on stdout, exit 0; no command at all: the same help, exit 2', async () => {
    const help = capture();
    expect(await runCli(['--help'], signal, help)).toBe(ExitCode.OK);
    for (const name of [
      'create',
      'list',
      'get',
      'start',
      'shutdown',
      'force-off',
      'destroy',
      'wait',
      'events',
      'attach-disk',
      'detach-disk',
    ]) {
      expect(help.out).toContain(`  ${name} `);
    }
    expect(await runCli([], signal, capture())).toBe(ExitCode.USAGE);
    const one = capture();
    expect(await runCli(['destroy', '--help'], signal, one)).toBe(ExitCode.OK);
    expect(one.out).toContain('--storage owned|all-safe|none');
    // The pointer is to a file a package user has (the tarball ships docs/).
    for (const text of [help.out, one.out]) expect(text).toContain('node_modules/libvirt-manager/docs/cli.md');
  });

  it('--version and -V: the package version on stdout, exit 0, without connecting', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const streams = capture();
      expect(await runCli([flag], signal, streams)).toBe(ExitCode.OK);
      expect(streams.out).toBe(`${pkg.version}\n`);
      expect(streams.err).toBe('');
    }
  });
});
