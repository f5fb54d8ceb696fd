import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The test driver through the system daemon: shared state while any connection is open. */
export const TEST_URI = 'test+unix:///default';
/** Real QEMU guests. */
export const QEMU_URI = 'qemu:///system';

/** A unique, valid domain/volume name for one test. */
export function uniqueName(prefix: string): string {
  return `lvm-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Run virsh and return stdout (throws on non-zero exit). */
export function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Run virsh, ignoring failure (cleanup paths). */
export function virshQuiet(uri: string, ...args: string[]): void {
  try {
    virsh(uri, ...args);
  } catch {
    // already gone
  }
}

/** A minimal test-driver domain. */
export function testDomainXml(name: string): string {
  return `<domain type='test'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
}

/** The pid of the libvirtd our setup script started (from its pid file). */
export function libvirtdPid(): number {
  return Number(readFileSync('/run/libvirtd.pid', 'utf8').trim());
}

/** Send a signal to libvirtd. */
export function signalLibvirtd(signal: NodeJS.Signals): number {
  const pid = libvirtdPid();
  process.kill(pid, signal);
  return pid;
}

/** Start libvirtd again with the project's own script (idempotent). */
export function startLibvirtd(): void {
  execFileSync('bash', [join(ROOT, 'scripts/setup-libvirt.sh')], {
    stdio: 'ignore',
    env: { ...process.env, LIBVIRT_SETUP_NO_APT: '1' },
  });
}

/** Resolve after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
