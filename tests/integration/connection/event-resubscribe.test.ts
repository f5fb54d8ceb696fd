import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { TEST_URI } from '../../helpers/libvirt.js';

// libvirtd refuses a second callback for the same event on one connection ("event callback already tracked",
// VIR_ERR_INVALID_ARG) and runs a client's calls on several workers, so a registration sent right behind the
// deregistration of the same type could overtake it (observed on libvirt 9.0.0: 16 of 200 subscriptions).

let conn: LibvirtConnection;
beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI);
});
afterAll(async () => {
  await conn.close();
});

describe('subscribing again to a type just left', () => {
  it('registers every time, never overtaking the deregistration', async () => {
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const events = conn.events({ types: ['domain.lifecycle'] });
      await events.ready.catch((error: unknown) => failures.push(String(error)));
      await events.return();
    }
    expect(failures).toEqual([]);
  });

  it('registers every time when the last subscription left before its registration was answered', async () => {
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const left = conn.events({ types: ['domain.lifecycle'] });
      await left.return();
      const events = conn.events({ types: ['domain.lifecycle'] });
      await events.ready.catch((error: unknown) => failures.push(String(error)));
      await events.return();
    }
    expect(failures).toEqual([]);
  });
});
