/**
 * `detach-disk --delete-volume` when the disk left the VM but its volume was
 * not deleted (another domain uses it, or the delete failed): the CLI must
 * say so and exit non-zero, as `destroy` does for an incomplete teardown.
 * The command runs with a stand-in manager: the SDK's own reasons for
 * 'not-deleted' are tested in the devices suites.
 */
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../src/cli/command.js';
import { detachDiskCommand } from '../../../src/cli/commands/detach-disk.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import type { DetachedVolume, LibvirtManager } from '../../../src/index.js';

function context(volume: DetachedVolume): CliContext {
  const manager = {
    detachDisk: () => Promise.resolve({ change: 'detachDisk', device: 'vdb', alias: undefined, volume }),
  } as unknown as LibvirtManager;
  return {
    json: false,
    uri: 'test:///default',
    signal: new AbortController().signal,
    interactive: false,
    connect: () => Promise.resolve(manager),
    print: () => undefined,
    note: () => undefined,
  };
}

describe('detach-disk --delete-volume', () => {
  it('a volume that was not deleted is reported and exits 1', async () => {
    const result = await detachDiskCommand.run(
      context({ outcome: 'not-deleted', path: '/pool/vm-vdb.qcow2', reason: 'in-use: used by other-vm' }),
      { args: ['vm', 'vdb'], values: { 'delete-volume': true } },
    );
    expect(result?.exitCode).toBe(ExitCode.GENERIC);
    expect(result?.human).toContain('NOT deleted');
    expect(result?.human).toContain('in-use: used by other-vm');
  });

  it('a deleted volume exits 0', async () => {
    const result = await detachDiskCommand.run(
      context({ outcome: 'deleted', pool: 'p', name: 'vm-vdb.qcow2', path: '/pool/vm-vdb.qcow2' }),
      {
        args: ['vm', 'vdb'],
        values: { 'delete-volume': true },
      },
    );
    expect(result?.exitCode ?? ExitCode.OK).toBe(ExitCode.OK);
  });
});
