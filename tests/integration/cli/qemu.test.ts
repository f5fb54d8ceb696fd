/**
 * The CLI on qemu:///system: a real TCG test guest created from a YAML spec
 * with `create --start --wait-ip` (the address comes from the guest agent,
 * on the guest's loopback: nothing goes on any network), then `destroy`
 * deleting its owned volume; and `attach-disk` / `detach-disk
 * --delete-volume` on a shut-off VM (its persistent definition: no guest
 * needed). Run it alone: `flock /tmp/lvm-qemu.lock npx vitest run <this file>`.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type GuestManifest, ensureTestGuest, guestVmSpec, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { cli, cliJson } from './run-cli.js';

const POOL = uniqueName('cli-pool');
const U = ['--uri', QEMU_URI];
let manifest: GuestManifest;
let dir: string;
const names: string[] = [];

function volumes(): string[] {
  virshQuiet(QEMU_URI, 'pool-refresh', POOL);
  return virsh(QEMU_URI, 'vol-list', '--pool', POOL)
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

function domainExists(name: string): boolean {
  try {
    virsh(QEMU_URI, 'dominfo', name);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  manifest = ensureTestGuest();
  dir = mkdtempSync(join(tmpdir(), 'lvm-cli-qemu-'));
  chmodSync(dir, 0o755); // QEMU (another user) writes the serial log here
  execFileSync('virsh', ['-q', '-c', QEMU_URI, 'pool-define-as', POOL, 'dir', '--target', join(dir, 'pool')], { stdio: 'ignore' });
  virsh(QEMU_URI, 'pool-build', POOL);
  virsh(QEMU_URI, 'pool-start', POOL);
}, 600_000);

afterAll(() => {
  for (const n of names) {
    virshQuiet(QEMU_URI, 'destroy', n);
    virshQuiet(QEMU_URI, 'undefine', n);
  }
  if (dir !== undefined) {
    for (const v of existsSync(join(dir, 'pool')) ? volumes() : []) virshQuiet(QEMU_URI, 'vol-delete', '--pool', POOL, v);
    virshQuiet(QEMU_URI, 'pool-destroy', POOL);
    virshQuiet(QEMU_URI, 'pool-undefine', POOL);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('libvirt-manager on QEMU', () => {
  it('create a real guest from YAML with --start --wait-ip (address from its agent), then destroy it with its volume', async () => {
    const name = uniqueName('cli-guest');
    names.push(name);
    const log = join(dir, `${name}.log`);
    const spec = guestVmSpec(manifest, name, 'acpi', {
      // The guest agent's channel: the test guest then runs qemu-ga, which reports the address.
      defaultDevices: { guestAgent: true, rng: false, memballoon: false },
      serialConsole: { logFile: log },
      disks: [{ kind: 'new', pool: POOL, size: '64MiB' }],
    });
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(spec));

    const started = Date.now();
    const created = await cliJson<{
      domain: { name: string };
      started: boolean;
      volumes: { name: string }[];
      addresses: string[];
      addressSource: string;
    }>(['create', file, '--start', '--wait-ip', '--ip-timeout', '180', ...U], { timeoutMs: 240_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(created).toMatchObject({ domain: { name }, started: true, addresses: [manifest.agentAddress], addressSource: 'agent' });
    console.log(`create --start --wait-ip: ${seconds.toFixed(1)} s (CLI start-up included)`);
    // The guest really booted (its ready marker on the serial log), with the CLI's new disk in its pool.
    await waitForSerial(log, manifest.readyMarker, 60_000);
    expect(volumes()).toEqual([created.volumes[0]!.name]);
    expect(await cliJson(['get', name, ...U])).toMatchObject({ name, state: 'running' });

    const destroyed = await cli(['destroy', name, '--storage', 'owned', '--shutdown-timeout', '60', ...U], { timeoutMs: 180_000 });
    expect(destroyed.code, destroyed.stderr).toBe(0);
    expect(destroyed.stdout).toContain(`${name}: destroyed (stop: graceful)`);
    expect(domainExists(name)).toBe(false);
    expect(volumes()).toEqual([]);
  });

  it('attach-disk and detach-disk --delete-volume on a shut-off VM (its definition)', async () => {
    const name = uniqueName('cli-dev');
    names.push(name);
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(guestVmSpec(manifest, name, 'noacpi')));
    expect((await cli(['create', file, ...U])).code).toBe(0);

    const attached = await cliJson<{ target: string; volume: { name: string } }>([
      'attach-disk',
      name,
      '--pool',
      POOL,
      '--size',
      '32MiB',
      ...U,
    ]);
    expect(volumes()).toEqual([attached.volume.name]);
    expect(virsh(QEMU_URI, 'domblklist', name)).toContain(attached.target);

    const detached = await cli(['detach-disk', name, attached.target, '--delete-volume', ...U]);
    expect(detached.code, detached.stderr).toBe(0);
    expect(virsh(QEMU_URI, 'domblklist', name)).not.toContain(attached.target);
    expect(volumes()).toEqual([]);

    // Nothing of the SDK's left to delete: destroy with the default policy removes the definition only.
    expect((await cliJson<{ complete: boolean }>(['destroy', name, ...U])).complete).toBe(true);
    expect(domainExists(name)).toBe(false);
  });
});
