/**
 * The facade on the test driver: a VM `createVm` made is in the registry as
 * soon as it resolves (libvirt's DEFINED event may come later), and a failed
 * registry read does not cost the caller the VM it created.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { LibvirtManager } from '../../../src/index.js';
import { TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { destroyAfterAll } from '../../helpers/test-driver-vms.js';

const managers: LibvirtManager[] = [];
const names: string[] = [];

async function connect(logger?: { warn: (fields: unknown, message: string) => void }): Promise<LibvirtManager> {
  const manager = await LibvirtManager.connect(TEST_URI, logger === undefined ? {} : { logger });
  managers.push(manager);
  return manager;
}

function spec(prefix: string) {
  const name = uniqueName(prefix);
  names.push(name);
  return { name, memory: '128MiB', vcpus: 1, virtType: 'test' as const, disks: [] };
}

destroyAfterAll(names);
afterAll(async () => {
  for (const manager of managers) await manager.close();
});

describe('LibvirtManager.createVm', () => {
  it('the registry tracks the new VM as soon as createVm resolves', async () => {
    const manager = await connect();
    for (let i = 0; i < 20; i++) {
      const { domain } = await manager.createVm(spec('facade'));
      expect(manager.getVm(domain), domain.name).toMatchObject({ domain: { name: domain.name, uuid: domain.uuid }, state: 'shutoff' });
    }
  });

  it('when the registry cannot read the VM, createVm still returns it and logs a warning', async () => {
    const warnings: string[] = [];
    const manager = await connect({ warn: (_fields, message) => warnings.push(message) });
    manager.vms.stop(); // the registry now refuses every read
    const { domain } = await manager.createVm(spec('facade-stopped'));
    expect(await manager.connection.domains.exists(domain.name)).toBe(true);
    expect(manager.getVm(domain)).toBeUndefined();
    expect(warnings).toContain('the registry could not read the VM just created');
  });
});

describe('LibvirtManager.events', () => {
  it('an iteration ends quietly when the application closes the manager; the registry changes end too', async () => {
    const manager = await LibvirtManager.connect(TEST_URI);
    const events = manager.events({ types: ['domain.lifecycle'] });
    await events.ready;
    const drain = async (iterable: AsyncIterable<unknown>): Promise<string> => {
      for await (const _ of iterable) void _;
      return 'done';
    };
    const loops = [drain(events), drain(manager.vms.changes())];
    await manager.close();
    await expect(Promise.all(loops)).resolves.toEqual(['done', 'done']);
  });
});

describe('LibvirtManager.destroyVm', () => {
  it('tears a paused VM down (resumed, shut down, undefined) through the registry', async () => {
    const manager = await connect();
    const { domain } = await manager.createVm(spec('facade-paused'));
    await manager.startVm(domain);
    await manager.pauseVm(domain);
    const report = await manager.destroyVm(domain);
    expect(report).toMatchObject({
      complete: true,
      stopped: 'graceful',
      undefined: true,
      stateBefore: { state: 'paused', reason: 'user' },
    });
    expect(await manager.connection.domains.exists(domain.name)).toBe(false);
  });
});
