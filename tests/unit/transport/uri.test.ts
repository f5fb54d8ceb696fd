import { describe, expect, it } from 'vitest';
import { InvalidUriError } from '../../../src/errors/index.js';
import {
  CLIENT_SIDE_URI_PARAMS,
  type LibvirtUri,
  MAX_URI_LENGTH,
  type UriEnvironment,
  parseLibvirtUri,
  redactUri,
} from '../../../src/rpc/transport/index.js';

/** Root on a host with only the monolithic daemon's sockets. */
const ROOT: UriEnvironment = { uid: 0, existsSync: () => false, home: '/root' };
/** Root on a host running modular daemons (virtqemud, virtnetworkd…) next to virtproxyd. */
const MODULAR: UriEnvironment = {
  uid: 0,
  home: '/root',
  existsSync: (p) => /\/virt(qemu|network|test)d-sock(-ro)?$/.test(p),
};
const USER: UriEnvironment = { uid: 1000, xdgRuntimeDir: '/run/user/1000', home: '/home/u', existsSync: () => false };

type Expect = Partial<
  Pick<
    LibvirtUri,
    | 'transport'
    | 'host'
    | 'port'
    | 'portExplicit'
    | 'user'
    | 'socketPath'
    | 'readonlySocketPath'
    | 'name'
    | 'sshHelperUri'
    | 'sshProxy'
    | 'session'
    | 'driver'
    | 'path'
  >
>;

const table: Array<[string, UriEnvironment, Expect]> = [
  // The examples libvirt documents, and the brief's must-haves.
  [
    'qemu:///system',
    ROOT,
    {
      transport: 'unix',
      host: undefined,
      port: undefined,
      socketPath: '/run/libvirt/libvirt-sock',
      readonlySocketPath: '/run/libvirt/libvirt-sock-ro',
      name: 'qemu:///system',
    },
  ],
  [
    'qemu:///system',
    MODULAR,
    { socketPath: '/run/libvirt/virtqemud-sock', readonlySocketPath: '/run/libvirt/virtqemud-sock-ro', name: 'qemu:///system' },
  ],
  ['qemu:///system?mode=legacy', MODULAR, { socketPath: '/run/libvirt/libvirt-sock', name: 'qemu:///system' }],
  ['qemu:///system?mode=direct', ROOT, { socketPath: '/run/libvirt/virtqemud-sock', name: 'qemu:///system' }],
  ['network:///system', MODULAR, { driver: 'network', socketPath: '/run/libvirt/virtnetworkd-sock', name: 'network:///system' }],
  ['qemu+unix:///system', ROOT, { transport: 'unix', socketPath: '/run/libvirt/libvirt-sock', name: 'qemu:///system' }],
  ['qemu+unix:///system?socket=/x/y', MODULAR, { socketPath: '/x/y', readonlySocketPath: '/x/y', name: 'qemu:///system' }],
  ['test+unix:///default', ROOT, { transport: 'unix', socketPath: '/run/libvirt/libvirt-sock', name: 'test:///default' }],
  // there is no virttestd: even if such a file existed, auto mode uses libvirt-sock
  ['test+unix:///default', MODULAR, { socketPath: '/run/libvirt/libvirt-sock', name: 'test:///default' }],
  ['test:///default', ROOT, { transport: 'unix', socketPath: '/run/libvirt/libvirt-sock', name: 'test:///default' }],
  [
    'qemu+ssh://user@host/system',
    ROOT,
    {
      transport: 'ssh',
      host: 'host',
      port: 22,
      portExplicit: false,
      user: 'user',
      socketPath: '/var/run/libvirt/libvirt-sock',
      readonlySocketPath: '/var/run/libvirt/libvirt-sock-ro',
      name: 'qemu:///system',
      sshHelperUri: 'qemu:///system',
      sshProxy: 'auto',
    },
  ],
  ['qemu+ssh://host:2222/system', ROOT, { port: 2222, portExplicit: true, user: undefined }],
  ['qemu+tls://host/system?pkipath=/p&foo=bar', ROOT, { transport: 'tls', host: 'host', port: 16514, name: 'qemu:///system?foo=bar' }],
  ['qemu://host/system', ROOT, { transport: 'tls', host: 'host', port: 16514, socketPath: undefined, name: 'qemu:///system' }],
  ['qemu+tls://host:16600/system', ROOT, { port: 16600, portExplicit: true }],
  ['qemu+tcp://host/system', ROOT, { transport: 'tcp', port: 16509, portExplicit: false, name: 'qemu:///system' }],
  ['qemu+tcp:///system', ROOT, { transport: 'tcp', host: undefined, port: 16509 }],
  ['qemu+tcp://host:0/system', ROOT, { port: 16509, portExplicit: false }],
  ['qemu+tcp://host:00016600/system', ROOT, { port: 16600, portExplicit: true }],
  ['qemu+tcp://[::1]:16600/system', ROOT, { host: '::1', port: 16600 }],
  ['qemu+tls://[fe80::1%25eth0]/system', ROOT, { host: 'fe80::1%eth0' }],
  ['qemu+tcp://127.0.0.1/system', ROOT, { host: '127.0.0.1' }],
  ['remote:///', ROOT, { transport: 'unix', name: '', socketPath: '/run/libvirt/libvirt-sock' }],
  ['remote+ssh://h/', ROOT, { transport: 'ssh', name: '', sshHelperUri: '' }],
  ['qemu:/system', ROOT, { path: '/system', name: 'qemu:///system' }],
  ['QEMU:///system', ROOT, { driver: 'QEMU', name: 'QEMU:///system' }],
  ['qemu+SSH://h/system', ROOT, { transport: 'ssh' }],
  ['qemu+libssh://h/system', ROOT, { transport: 'libssh', port: 22, socketPath: '/var/run/libvirt/libvirt-sock' }],
  ['qemu+libssh2://h/system', ROOT, { transport: 'libssh2', port: 22 }],
  ['qemu+ext:///system?command=/bin/tunnel', ROOT, { transport: 'ext', port: undefined, socketPath: undefined, name: 'qemu:///system' }],
  // ?name= overrides everything
  ['qemu+ssh://h/system?name=qemu:///embed', ROOT, { name: 'qemu:///embed', sshHelperUri: 'qemu:///embed' }],
  ['remote:///?name=test:///default', ROOT, { name: 'test:///default' }],
  // client-side parameters are matched case-insensitively and never reach the daemon
  ['qemu:///system?SOCKET=/s&Foo=Bar', ROOT, { socketPath: '/s', name: 'qemu:///system?Foo=Bar' }],
  [
    `qemu:///system?${CLIENT_SIDE_URI_PARAMS.filter((p) => p !== 'name')
      .map((p) => `${p}=${p.startsWith('no_') ? '0' : p === 'mode' ? 'auto' : p === 'proxy' ? 'auto' : 'v'}`)
      .join('&')}&keep=1`,
    ROOT,
    { name: 'qemu:///system?keep=1' },
  ],
  // values are re-encoded the way libvirt writes them (only unreserved characters stay)
  ['qemu:///system?foo=a/b&bar=x%20y&baz=%7e!', ROOT, { name: 'qemu:///system?foo=a%2Fb&bar=x%20y&baz=~%21' }],
  ['qemu:///system?flag', ROOT, { name: 'qemu:///system?flag=' }],
  ['qemu:///system?=dropped&&x=1', ROOT, { name: 'qemu:///system?x=1' }],
  // libvirt splits on ';' only when no '&' follows
  ['qemu:///system?a=1;b=2', ROOT, { name: 'qemu:///system?a=1&b=2' }],
  ['qemu:///system?a=1;b=2&c=3', ROOT, { name: 'qemu:///system?a=1%3Bb%3D2&c=3' }],
  // path and fragment survive, escaped as xmlSaveUri escapes them (':' becomes %3A in a path)
  ['test:///tmp/my%20file.xml', ROOT, { path: '/tmp/my file.xml', name: 'test:///tmp/my%20file.xml' }],
  ['test:///tmp/a:b.xml#frag', ROOT, { name: 'test:///tmp/a%3Ab.xml#frag' }],
  ['test:///', ROOT, { path: '/', name: 'test:///' }], // the daemon rejects it, not us
  // mode and socket are kept for virt-ssh-helper
  ['qemu+ssh://h/system?mode=legacy&foo=1', ROOT, { name: 'qemu:///system?foo=1', sshHelperUri: 'qemu:///system?mode=legacy&foo=1' }],
  ['qemu+ssh://h/system?socket=/s', ROOT, { socketPath: '/s', sshProxy: 'netcat', sshHelperUri: 'qemu:///system?socket=%2Fs' }],
  ['qemu+ssh://h/system?netcat=/opt/nc', ROOT, { sshProxy: 'netcat' }],
  ['qemu+ssh://h/system?proxy=native', ROOT, { sshProxy: 'native' }],
  // session daemons: /session, or test+… as non-root
  [
    'qemu:///session',
    USER,
    { session: true, socketPath: '/run/user/1000/libvirt/libvirt-sock', readonlySocketPath: '/run/user/1000/libvirt/libvirt-sock' },
  ],
  [
    'qemu:///session',
    { ...USER, existsSync: (p) => p.endsWith('/virtqemud-sock') },
    { socketPath: '/run/user/1000/libvirt/virtqemud-sock' },
  ],
  ['qemu:///session', { uid: 1000, home: '/home/u', existsSync: () => false }, { socketPath: '/home/u/.cache/libvirt/libvirt-sock' }],
  [
    'qemu:///session',
    { uid: 1000, home: '/home/u', xdgCacheHome: '/c', existsSync: () => false },
    { socketPath: '/c/libvirt/libvirt-sock' },
  ],
  ['test+unix:///default', USER, { session: true, socketPath: '/run/user/1000/libvirt/libvirt-sock' }],
  ['test:///default', USER, { session: false, socketPath: '/run/libvirt/libvirt-sock' }],
  ['qemu:///session', ROOT, { session: false, socketPath: '/run/libvirt/libvirt-sock' }],
  ['qemu:///system', USER, { session: false, socketPath: '/run/libvirt/libvirt-sock' }],
  ['qemu+ssh://h/session', USER, { session: true, sshProxy: 'native', socketPath: undefined }],
  [
    'qemu+ssh://h/session?socket=/run/user/7/libvirt/libvirt-sock',
    USER,
    { sshProxy: 'netcat', socketPath: '/run/user/7/libvirt/libvirt-sock' },
  ],
];

describe('parseLibvirtUri', () => {
  it.each(table)('%s', (uri, env, expected) => {
    const parsed = parseLibvirtUri(uri, env);
    expect(parsed).toMatchObject(expected);
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('keeps every query parameter, decoded and in order', () => {
    const u = parseLibvirtUri('qemu+ssh://h/system?keyfile=/k%20ey&x=%C3%A9&no_tty=1', ROOT);
    expect(u.params).toEqual([
      { name: 'keyfile', value: '/k ey' },
      { name: 'x', value: 'é' },
      { name: 'no_tty', value: '1' },
    ]);
    expect(u.client).toMatchObject({ keyfile: '/k ey', noTty: true, noVerify: false, mode: 'auto' });
    expect(u.name).toBe('qemu:///system?x=%C3%A9');
  });

  it('reads the typed client-side parameters; the last repeat wins', () => {
    const u = parseLibvirtUri(
      'qemu+libssh://h/system?known_hosts=/kh&known_hosts_verify=AUTO&sshauth=agent,privkey&no_verify=1&no_verify=0&auth=polkit&pkipath=/p&tls_priority=NORMAL',
      ROOT,
    );
    expect(u.client).toMatchObject({
      knownHosts: '/kh',
      knownHostsVerify: 'auto',
      sshauth: ['agent', 'privkey'],
      noVerify: false,
      auth: 'polkit',
      pkipath: '/p',
      tlsPriority: 'NORMAL',
    });
  });

  it('drops the password and keeps it nowhere', () => {
    const u = parseLibvirtUri('qemu+ssh://admin:s3cr%3At@kvm1:2200/system?foo=1', ROOT);
    expect(u.user).toBe('admin');
    expect(u.redacted).toBe('qemu+ssh://admin@kvm1:2200/system?foo=1');
    expect(JSON.stringify(u)).not.toContain('s3cr');
  });

  it('redactUri works on any string', () => {
    expect(redactUri('qemu+ssh://admin:hunter2@kvm1/system')).toBe('qemu+ssh://admin@kvm1/system');
    // Not a URI, but ':x@' may still be a password: dropped all the same.
    expect(redactUri('not a uri :x@y')).toBe('not a uri @y');
    expect(redactUri('not a uri at all')).toBe('not a uri at all');
    expect(redactUri('x://u:p@h:1@bad/x?y=1')).toBe('x://u@bad/x?y=1');
  });

  it('keeps the password out of errors too', () => {
    const err = catchError(() => parseLibvirtUri('qemu+bogus://admin:hunter2@kvm1/system', ROOT));
    expect(err).toBeInstanceOf(InvalidUriError);
    expect((err as InvalidUriError).uri).toBe('qemu+bogus://admin@kvm1/system');
    expect((err as InvalidUriError).message).not.toContain('hunter2');
    const bad = catchError(() => parseLibvirtUri('qemu+ssh://admin:hunter2@kvm 1/system', ROOT));
    expect((bad as InvalidUriError).message).not.toContain('hunter2');
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

const invalid: Array<[string, RegExp]> = [
  ['', /scheme/],
  ['qemu', /scheme/],
  ['/system', /scheme/],
  ['+unix:///system', /scheme/],
  ['qemu+:///system', /unknown transport ''/],
  ['qemu+foo:///system', /unknown transport 'foo'/],
  ['qemu+unix://host/system', /unix transport cannot reach the remote server 'host'/],
  ['qemu+tcp://host:99999/system', /out of range/],
  ['qemu+tcp://host:abc/system', /port must be a number/],
  ['qemu+tcp://[::1/system', /unterminated IPv6/],
  ['qemu+tcp://[zz::1]/system', /malformed IPv6/],
  ['qemu+tcp://[::1]x/system', /after IPv6/],
  ['qemu:// host/system', /U\+0020/],
  ['qemu:///sys tem', /U\+0020/],
  ['qemu:///syst\u00e9m', /U\+00E9/],
  ['qemu:///sys\ntem', /U\+000A/],
  ['qemu:///sys"tem', /'"'/],
  ['qemu:///sys%00tem', /NUL/],
  ['qemu:///sys%FFtem', /UTF-8/],
  ['qemu:///system?x=%00', /NUL/],
  ['qemu:system', /must start with '\/'/],
  ['qemu+ext:///system', /needs '\?command=/],
  ['qemu:///system?mode=fast', /unknown remote mode 'fast'/],
  ['qemu+ssh://h/system?proxy=magic', /unknown proxy type 'magic'/],
  ['qemu+ssh://h/system?proxy=native&netcat=/bin/nc', /cannot be used with proxy=native/],
  ['qemu:///system?no_verify=yes', /must be an integer/],
  ['qemu:///system?no_tty=', /must be an integer/],
  ['qemu:///system?no_sanity=99999999999', /out of range/],
  ['qemu+ssh://h/system?known_hosts_verify=maybe', /unknown known_hosts_verify/],
  ['qemu+ssh://h/system?sshauth=agent,magic', /unknown ssh auth method 'magic'/],
  ['qemu+ssh://h/system?mode=direct', /mode=direct cannot be used with the ssh transport/],
  // hostile values meant for the ssh command line or a shell
  ['qemu+ssh://-oProxyCommand=touch%20x/system', /not a plain host name/],
  ['qemu+ssh://h$(id)/system', /not a plain host name/],
  ['qemu+ssh://%2Dhost/system', /not a plain host name/],
  ['qemu+ssh://h%0Ax/system', /not a plain host name/],
  ['qemu+ssh://a;id@h/system', /user 'a;id'/],
  ['qemu+ssh://%60id%60@h/system', /user '`id`'/],
  ['qemu+ssh://-l@h/system', /user '-l'/],
];

describe('parseLibvirtUri rejects', () => {
  it.each(invalid)('%j', (uri, message) => {
    const err = catchError(() => parseLibvirtUri(uri, ROOT));
    expect(err).toBeInstanceOf(InvalidUriError);
    expect((err as InvalidUriError).code).toBe('ERR_LIBVIRT_INVALID_URI');
    expect((err as Error).message).toMatch(message);
  });

  it('ignores ssh-only values for other transports, as libvirt does', () => {
    expect(parseLibvirtUri('qemu+tcp://h/system?known_hosts_verify=maybe', ROOT).client.knownHostsVerify).toBeUndefined();
  });

  it('refuses absurdly long input before parsing it, with a short message', () => {
    const huge = `qemu:///system?x=${'a'.repeat(MAX_URI_LENGTH)}`;
    const err = catchError(() => parseLibvirtUri(huge, ROOT)) as InvalidUriError;
    expect(err).toBeInstanceOf(InvalidUriError);
    expect(err.message.length).toBeLessThan(600);
    expect(err.uri.length).toBeLessThan(300);
    // just under the limit is fine
    expect(parseLibvirtUri(`qemu:///system?x=${'a'.repeat(MAX_URI_LENGTH - 100)}`, ROOT).transport).toBe('unix');
  });

  it('refuses non-strings from untyped callers', () => {
    expect(() => parseLibvirtUri(undefined as unknown as string)).toThrow(InvalidUriError);
    expect(() => parseLibvirtUri(42 as unknown as string)).toThrow(InvalidUriError);
  });

  it('never throws anything but InvalidUriError, whatever the input', () => {
    // deterministic xorshift so a failure is reproducible
    let seed = 0x2545f491;
    const rnd = (n: number): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const alphabet = 'qemu+sshtcplsunixext:/?#[]@!$&\'()*+,;=%0123456789abcdefABCDEF-._~ "\\\n\u0000\u00e9\ud83d\ude00';
    const prefixes = ['', 'qemu:', 'qemu:///', 'qemu+ssh://', 'test+unix:///', 'qemu+tls://[', 'x://u:p@'];
    for (let i = 0; i < 5000; i++) {
      let s = prefixes[rnd(prefixes.length)] ?? '';
      const len = rnd(40);
      for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)] ?? '';
      try {
        const u = parseLibvirtUri(s, ROOT);
        expect(typeof u.name).toBe('string');
      } catch (err) {
        if (!(err instanceof InvalidUriError)) throw new Error(`unexpected ${String(err)} for ${JSON.stringify(s)}`);
      }
    }
  });
});
