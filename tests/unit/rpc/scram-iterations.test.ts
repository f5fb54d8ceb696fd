/**
 * A SCRAM server asking for absurd work (issue 13, item 8f): the iteration
 * count comes before the server has proven anything, so past the cap it is
 * refused before any PBKDF2 runs, and no proof is ever sent.
 */
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/errors/index.js';
import {
  AUTH_LIST,
  AUTH_SASL_INIT,
  AUTH_SASL_START,
  AUTH_SASL_STEP,
  SCRAM_MAX_ITERATIONS,
  ScramMechanism,
  connectRpc,
} from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';

describe('a SCRAM server asking for absurd work (issue 13, item 8f)', () => {
  it(`${SCRAM_MAX_ITERATIONS} iterations are accepted, one more is refused before computing`, async () => {
    const first = (i: number): Buffer => Buffer.from(`r=abcdef,s=QSXCR+Q6sek8bf92,i=${i}`);
    const ok = new ScramMechanism('SCRAM-SHA-256', { username: 'u', password: 'p' }, 'abc');
    await ok.start();
    await expect(ok.step(first(SCRAM_MAX_ITERATIONS))).resolves.toBeInstanceOf(Buffer);
    const refused = new ScramMechanism('SCRAM-SHA-256', { username: 'u', password: 'p' }, 'abc');
    await refused.start();
    await expect(refused.step(first(SCRAM_MAX_ITERATIONS + 1))).rejects.toThrow(/PBKDF2 iterations \(1 to 65536 accepted\)/);
  });

  it('a daemon asking for 10 million iterations gets an AuthError, and no proof is ever sent', async () => {
    const fake = await FakeLibvirtDaemon.start();
    try {
      fake.handle(AUTH_LIST, () => ({ ok: { types: [1] } }));
      fake.handle(AUTH_SASL_INIT, () => ({ ok: { mechlist: 'SCRAM-SHA-256' } }));
      fake.handle(AUTH_SASL_START, (args) => {
        const nonce = /r=([^,]+)/.exec(args.data.toString('utf8'))![1]!;
        return { ok: { complete: 0, nil: 0, data: Buffer.from(`r=${nonce}server,s=QSXCR+Q6sek8bf92,i=10000000`) } };
      });
      fake.handle(AUTH_SASL_STEP, () => ({ error: { code: 45, message: 'authentication failed' } }));
      const error = await connectRpc(fake.uri, { sasl: { username: 'alice', password: 'secret' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/10000000 PBKDF2 iterations/);
      expect(fake.clients.flatMap((c) => c.calls.map((h) => h.proc))).not.toContain(AUTH_SASL_STEP.proc);
    } finally {
      await fake.stop();
    }
  });
});
