/**
 * SASL: the SCRAM mechanisms against the RFCs' own test vectors, and the
 * exchange over the fake daemon (what is sent, what is refused before
 * sending). The real daemon (Cyrus SASL behind libvirtd's TLS listener) is in
 * tests/integration/rpc/sasl.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, InvalidArgumentError } from '../../../src/errors/index.js';
import { AUTH_LIST, AUTH_SASL_INIT, AUTH_SASL_START, AUTH_SASL_STEP, ScramMechanism, connectRpc } from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';

const text = (b: Buffer | null): string => (b === null ? '<null>' : b.toString('utf8'));

describe('ScramMechanism', () => {
  it('SCRAM-SHA-1: the exchange of RFC 5802 §5', async () => {
    const scram = new ScramMechanism('SCRAM-SHA-1', { username: 'user', password: 'pencil' }, 'fyko+d2lbbFgONRv9qkxdawL');
    expect(text(await scram.start())).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    const final = await scram.step(Buffer.from('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'));
    expect(text(final)).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(() => scram.complete(Buffer.from('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='))).not.toThrow();
  });

  it('SCRAM-SHA-256: the exchange of RFC 7677 §3', async () => {
    const scram = new ScramMechanism('SCRAM-SHA-256', { username: 'user', password: 'pencil' }, 'rOprNGfwEbeRWgbNEkqO');
    expect(text(await scram.start())).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await scram.step(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    expect(text(final)).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => scram.complete(Buffer.from('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='))).not.toThrow();
  });

  it('refuses a server that cannot prove it knows the password', async () => {
    const scram = new ScramMechanism('SCRAM-SHA-256', { username: 'user', password: 'pencil' }, 'rOprNGfwEbeRWgbNEkqO');
    await scram.start();
    await scram.step(Buffer.from('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'));
    expect(() => scram.complete(Buffer.from('v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='))).toThrow(AuthError);
    expect(() => scram.complete(null)).toThrow(AuthError);
    expect(() => scram.complete(Buffer.from('e=invalid-proof'))).toThrow(/invalid-proof/);
  });

  it('refuses a bad first server message: foreign nonce, no salt, absurd iterations, an unknown extension, an error', async () => {
    for (const message of [
      'r=someone-else,s=QSXCR+Q6sek8bf92,i=4096',
      'r=abc,s=QSXCR+Q6sek8bf92,i=4096', // the nonce not extended
      'r=abcdef,i=4096',
      'r=abcdef,s=QSXCR+Q6sek8bf92,i=0',
      'r=abcdef,s=QSXCR+Q6sek8bf92,i=99999999999',
      'm=ext,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096',
      'e=unknown-user',
      'garbage',
    ]) {
      const scram = new ScramMechanism('SCRAM-SHA-256', { username: 'u', password: 'p' }, 'abc');
      await scram.start();
      await expect(scram.step(Buffer.from(message)), message).rejects.toBeInstanceOf(AuthError);
    }
  });

  it('escapes "=" and "," in the user name (RFC 5802 saslname)', async () => {
    const scram = new ScramMechanism('SCRAM-SHA-256', { username: 'a=b,c', password: 'p' }, 'n');
    expect(text(await scram.start())).toBe('n,,n=a=3Db=2Cc,r=n');
  });
});

describe('the SASL exchange in the handshake (fake daemon)', () => {
  let daemon: FakeLibvirtDaemon;
  afterEach(async () => {
    await daemon?.stop();
  });

  /** A daemon whose socket asks for SASL and offers `mechlist`; returns the procedures each client called. */
  async function saslDaemon(mechlist: string): Promise<{ starts: { mech: string; data: string }[] }> {
    daemon = await FakeLibvirtDaemon.start();
    daemon.handle(AUTH_LIST, () => ({ ok: { types: [1] } }));
    daemon.handle(AUTH_SASL_INIT, () => ({ ok: { mechlist } }));
    const starts: { mech: string; data: string }[] = [];
    daemon.handle(AUTH_SASL_START, (args) => {
      starts.push({ mech: args.mech, data: args.data.toString('utf8') });
      if (args.data.toString('utf8') === '\0alice\0right') return { ok: { complete: 1, nil: 1, data: Buffer.alloc(0) } };
      return { error: { code: 45, message: 'authentication failed: authentication failed' } };
    });
    daemon.handle(AUTH_SASL_STEP, () => ({ error: { code: 45, message: 'unexpected step' } }));
    return { starts };
  }
  const procs = (): number[] => daemon.clients.flatMap((c) => c.calls.map((h) => h.proc));

  it('PLAIN when allowed: the password goes in the initial response, and the connection opens', async () => {
    const { starts } = await saslDaemon('SCRAM-SHA-256,PLAIN');
    const client = await connectRpc(daemon.uri, {
      sasl: { username: 'alice', password: () => 'right', mechanisms: ['PLAIN'] },
    });
    expect(starts).toEqual([{ mech: 'PLAIN', data: '\0alice\0right' }]);
    client.destroy();
  });

  it('a refused password is an AuthError naming the user, never the password', async () => {
    await saslDaemon('PLAIN');
    const error = await connectRpc(daemon.uri, { sasl: { username: 'alice', password: 'wrong-secret', mechanisms: ['PLAIN'] } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(String((error as Error).message)).toContain('"alice"');
    expect(JSON.stringify(error) + String((error as Error).stack) + String((error as Error).message)).not.toContain('wrong-secret');
  });

  it('no credentials: an AuthError after AUTH_LIST, nothing else sent', async () => {
    await saslDaemon('SCRAM-SHA-256');
    await expect(connectRpc(daemon.uri)).rejects.toBeInstanceOf(AuthError);
    expect(procs()).toEqual([AUTH_LIST.proc]);
  });

  it('no mechanism in common: says which the daemon offers, and how to allow PLAIN', async () => {
    await saslDaemon('PLAIN,DIGEST-MD5');
    const error = await connectRpc(daemon.uri, { sasl: { username: 'alice', password: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toMatch(/offers PLAIN, DIGEST-MD5.*add 'PLAIN'/);
    expect(procs()).toEqual([AUTH_LIST.proc, AUTH_SASL_INIT.proc]);
  });

  it('plain TCP: refused before any credential is sent', async () => {
    daemon = await FakeLibvirtDaemon.start();
    daemon.handle(AUTH_LIST, () => ({ ok: { types: [1] } }));
    // A real TCP link (a loopback proxy to the fake daemon's socket): a custom dialer would not count as plain TCP.
    const { createServer, connect } = await import('node:net');
    const proxy = createServer((s) => {
      const up = connect(daemon.socketPath);
      s.pipe(up).pipe(s);
      s.on('error', () => up.destroy());
      up.on('error', () => s.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const error = await connectRpc(`test+tcp://127.0.0.1:${port}/default`, { sasl: { username: 'alice', password: 'secret' } }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/qemu\+tls/);
      expect(procs()).toEqual([AUTH_LIST.proc]);
    } finally {
      proxy.close();
    }
  });

  it('bad sasl options are refused before dialing', async () => {
    daemon = await FakeLibvirtDaemon.start();
    for (const sasl of [
      null,
      42,
      { password: 42 },
      { username: '', password: 'x' },
      { password: 'x', mechanisms: ['MD5'] },
      { password: 'x', mechanisms: [] },
    ]) {
      await expect(connectRpc(daemon.uri, { sasl: sasl as never }), JSON.stringify(sasl)).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(daemon.clients).toHaveLength(0);
  });
});
