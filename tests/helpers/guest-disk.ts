/**
 * Typing commands on the test guest's console and reading their answers from its serial log
 * (scripts/test-guest/commands.sh): write and read a line of data on the guest's disks, start its
 * once-a-second counter. Tests of snapshots, block jobs and backups use them to prove what the
 * guest sees on its disks ("write A, snapshot, write B, revert: the guest reads A").
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { DomainInput, LibvirtConnection } from '../../src/connection/internal.js';
import { type GuestManifest, ensureTestGuest, parseMarkerLine, serialOffset, waitForSerialLine } from './guest.js';

/** Options of the helpers below. */
export interface GuestCommandOptions {
  /** How long to wait for the guest's answer. Generous: TCG guests are slow on a loaded host. @default 60_000 */
  timeoutMs?: number;
}

/** What the guest may write on a disk: one word, as its command line is split on blanks. */
const TEXT = /^[A-Za-z0-9._:-]{1,200}$/;
/** A disk name the guest looks up (serial or device name). */
const DEV = /^[A-Za-z0-9_-]{1,20}$/;

let manifest: GuestManifest | undefined;

/** The manifest, built once per test file (the build script costs ~50 ms even when up to date). */
function guest(): GuestManifest {
  manifest ??= ensureTestGuest();
  return manifest;
}

/** The first bytes of the data block at 1 MiB as the host sees them in the image (qemu-io -U shares the image QEMU holds). */
export function hostRead(path: string): string {
  const out = execFileSync('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', 'read -v 1M 64', path], { encoding: 'utf8' });
  // "00100000:  4c 56 4d 5f 44 ...  LVM.D...": the hex columns, as the ASCII one shows '.' for '_' and ' '.
  const hex = out
    .split('\n')
    .filter((line) => /^[0-9a-f]{8}:/.test(line))
    .flatMap((line) =>
      line
        .slice(10, 10 + 16 * 3)
        .trim()
        .split(/\s+/),
    );
  return Buffer.from(hex.join(''), 'hex').toString('latin1');
}

/**
 * Open the domain's console through the SDK's console stream (`virDomainOpenConsole`), taking it from any other
 * holder (`force`), type `line` on it, run `whileOpen` (e.g. wait for the guest's answer in the serial log), then end
 * the console and wait until it is closed. The guest's output on the stream is discarded: read the serial log.
 */
export async function guestConsoleSend<T>(
  conn: LibvirtConnection,
  domain: DomainInput,
  line: string,
  whileOpen: () => Promise<T> = async () => undefined as T,
): Promise<T> {
  if (line.includes('\n')) throw new Error('one line: no newline inside');
  const console = await conn.domains.openConsole(domain, { force: true });
  const closed = new Promise<void>((resolve, reject) => {
    console.once('close', resolve);
    console.once('error', reject);
  });
  console.resume();
  try {
    console.write(`${line}\n`);
    return await whileOpen();
  } finally {
    console.end();
    await closed;
  }
}

/** A command's answer: the words after `ok` (`['disk-read', 'vdb']`) and its `key=value` fields (`{ data: 'A' }`). */
export interface GuestCommandAnswer {
  words: string[];
  fields: Record<string, string>;
}

/**
 * Run one console command (`LIBVIRT_MANAGER_CMD <id> <words...>`) on a running test guest and wait for its
 * `LIBVIRT_MANAGER_CMD_DONE <id>` line in the serial log. Rejects when the guest answers `error` (with its reason),
 * or when no answer came within the deadline.
 */
export async function guestCommand(
  conn: LibvirtConnection,
  domain: DomainInput,
  logPath: string,
  words: readonly string[],
  options: GuestCommandOptions = {},
): Promise<GuestCommandAnswer> {
  const { commandPrefix, commandDonePrefix } = guest();
  const id = randomBytes(4).toString('hex');
  const from = serialOffset(logPath);
  // The console stays open until the answer is in: input written just before the stream ends may not reach the guest
  // in this session (QEMU's pty holds it until a reader is seen; see docs/connection.md, Consoles).
  const line = await guestConsoleSend(conn, domain, `${commandPrefix}${id} ${words.join(' ')}`, () =>
    waitForSerialLine(logPath, `${commandDonePrefix}${id} `, options.timeoutMs ?? 60_000, () => true, { from }),
  );
  const { words: answer, fields } = parseMarkerLine(line);
  // answer: [id, 'ok' | 'error', ...]
  if (answer[1] !== 'ok') throw new Error(`the guest failed ${words.join(' ')}: ${line}`);
  return { words: answer.slice(2), fields };
}

function checkDev(dev: string): void {
  if (!DEV.test(dev)) throw new Error(`bad disk name ${JSON.stringify(dev)}: a libvirt target (vdb) or a guest name (vda)`);
}

/**
 * Write `text` (one word of `[A-Za-z0-9._:-]`, ≤ 200 characters) on the guest's disk `dev` — its serial, which
 * `GuestXmlOptions.disks` sets to the libvirt target (`vdb`), or else the guest's device name — at 1 MiB, with
 * direct I/O and a flush: when this resolves, the virtual disk holds it.
 *
 * @example
 * await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-A');
 */
export async function guestDiskWrite(
  conn: LibvirtConnection,
  domain: DomainInput,
  logPath: string,
  dev: string,
  text: string,
  options: GuestCommandOptions = {},
): Promise<void> {
  checkDev(dev);
  if (!TEXT.test(text)) throw new Error(`bad text ${JSON.stringify(text)}: one word of [A-Za-z0-9._:-], at most 200 characters`);
  await guestCommand(conn, domain, logPath, ['disk-write', dev, text], options);
}

/**
 * Read what {@link guestDiskWrite} left on the guest's disk `dev` (direct I/O: the disk, not the guest's page
 * cache). Resolves with the text, or `null` when the block is all zeros (never written). Rejects when it holds
 * anything else.
 *
 * @example
 * expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBe('marker-A');
 */
export async function guestDiskRead(
  conn: LibvirtConnection,
  domain: DomainInput,
  logPath: string,
  dev: string,
  options: GuestCommandOptions = {},
): Promise<string | null> {
  checkDev(dev);
  const answer = await guestCommand(conn, domain, logPath, ['disk-read', dev], options);
  if (answer.fields.data !== undefined) return answer.fields.data;
  if (answer.words.includes('empty')) return null;
  throw new Error(`unexpected disk-read answer: ${JSON.stringify(answer)}`);
}

/**
 * Start the guest's counter: from now until the guest stops or reboots, it prints
 * `LIBVIRT_MANAGER_COUNT n=<n> uptime=<s>` once a second (the manifest's `countMarkerPrefix`), e.g. to show it
 * kept running across a migration. Wait for the lines with `waitForSerialLine`.
 */
export async function guestStartCounter(
  conn: LibvirtConnection,
  domain: DomainInput,
  logPath: string,
  options: GuestCommandOptions = {},
): Promise<void> {
  await guestCommand(conn, domain, logPath, ['count'], options);
}

/**
 * Make the guest dirty memory: from now until it stops, it rewrites a `mib`-MiB buffer in its RAM (1..128) with
 * random data, over and over, and prints `LIBVIRT_MANAGER_DIRTY pass=<n> mib=<MiB> uptime=<s>` about once a second
 * (the manifest's `dirtyMarkerPrefix`) — memory a live migration's pre-copy must keep sending again.
 */
export async function guestStartDirtying(
  conn: LibvirtConnection,
  domain: DomainInput,
  logPath: string,
  mib: number,
  options: GuestCommandOptions = {},
): Promise<void> {
  if (!Number.isInteger(mib) || mib < 1 || mib > 128) throw new Error(`bad size ${mib}: whole MiB, 1..128`);
  await guestCommand(conn, domain, logPath, ['dirty', String(mib)], options);
}
