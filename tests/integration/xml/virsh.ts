/**
 * Helpers for the XML integration tests: run virsh against the running daemon,
 * keep a cleanup list that runs even when a test fails, make scratch files.
 * Deliberately independent of the SDK's RPC client (written concurrently).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_URI = 'test+unix:///default';
export const QEMU_URI = 'qemu:///system';

/** Unique per run, so parallel runs and leftovers of crashed runs never collide. */
export const PREFIX = `lvm-xmltest-${process.pid}-`;

/** Run virsh; on failure throw an error carrying virsh's stderr. */
export function virsh(uri: string, ...args: string[]): string {
  try {
    return execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`virsh -c ${uri} ${args.join(' ')} failed: ${stderr.trim()}`, { cause: error });
  }
}

/** `true` when the daemon behind `uri` answers. */
export function daemonUp(uri: string): boolean {
  try {
    virsh(uri, 'version');
    return true;
  } catch {
    return false;
  }
}

/** A LIFO list of cleanup steps; each step's failure is collected, not thrown, so every step runs. */
export class Cleanup {
  readonly #steps: { label: string; run: () => void }[] = [];
  add(label: string, run: () => void): void {
    this.#steps.push({ label, run });
  }
  /** Run (and forget) every step, newest first. Returns the failures. */
  runAll(): string[] {
    const failures: string[] = [];
    while (this.#steps.length > 0) {
      const step = this.#steps.pop()!;
      try {
        step.run();
      } catch (error) {
        failures.push(`${step.label}: ${(error as Error).message}`);
      }
    }
    return failures;
  }
}

/** A scratch directory removed by `cleanup`. */
export function scratchDir(cleanup: Cleanup): string {
  const dir = mkdtempSync(join(tmpdir(), 'lvm-xmltest-'));
  cleanup.add(`rm ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write `xml` to a file in `dir` and return its path (virsh takes files). */
export function xmlFile(dir: string, name: string, xml: string): string {
  const path = join(dir, `${name}.xml`);
  writeFileSync(path, xml);
  return path;
}

/** `qemu-img create`, optionally as an overlay of `backing`. */
export function qemuImg(path: string, format: 'qcow2' | 'raw', size: string, backing?: { path: string; format: string }): void {
  const args = ['create', '-q', '-f', format];
  if (backing !== undefined) args.push('-b', backing.path, '-F', backing.format);
  execFileSync('qemu-img', [...args, path, size], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Define a domain and register its removal (undefine with NVRAM; ignore "not found"). */
export function defineDomain(uri: string, cleanup: Cleanup, dir: string, name: string, xml: string): void {
  virsh(uri, 'define', xmlFile(dir, name, xml));
  cleanup.add(`undefine ${name}`, () => undefineDomain(uri, name));
}

export function undefineDomain(uri: string, name: string): void {
  if (!virsh(uri, 'list', '--all', '--name').split('\n').includes(name)) return;
  try {
    virsh(uri, 'undefine', '--nvram', name);
  } catch {
    virsh(uri, 'undefine', name);
  }
}

/**
 * Keep one connection to `uri` open until `cleanup` runs.
 *
 * The test driver (`test+unix:///default`) keeps its state only while some
 * client is connected: when the last connection closes, the next one starts
 * from the pristine default again. Each `virsh` call is its own connection, so
 * without this a domain defined by one call can be gone for the next.
 */
export async function holdConnection(uri: string, cleanup: Cleanup): Promise<void> {
  const child = spawn('virsh', ['-q', '-c', uri], { stdio: ['pipe', 'pipe', 'ignore'] });
  cleanup.add(`close the held ${uri} connection`, () => {
    child.stdin.end('quit\n');
    if (child.exitCode === null) child.kill();
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('lvm-connection-ready')) resolve();
    });
    child.once('exit', () => reject(new Error(`virsh -c ${uri} exited before connecting`)));
    child.stdin.write('echo lvm-connection-ready\n');
  });
}
