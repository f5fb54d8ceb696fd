import { InvalidArgumentError } from '../../errors/index.js';
import {
  type CallOptions,
  DOMAIN_INJECT_NMI,
  DOMAIN_SEND_KEY,
  DOMAIN_SEND_PROCESS_SIGNAL,
  REMOTE_DOMAIN_SEND_KEY_MAX,
} from '../../rpc/index.js';
import { checkChoice, checkInteger, checkOptions } from './check-options.js';
import { LINUX_KEY_MAX, linuxKeyCode } from './linux-keys.js';
import { type DomainInput, resolveDomain } from './refs.js';
import type { ResourceCall } from './types.js';

/** `virKeycodeSet` by name. */
const CODESETS = { linux: 0, xt: 1, atset1: 2, atset2: 3, atset3: 4, osx: 5, xt_kbd: 6, usb: 7, win32: 8, qnum: 9 } as const;
/** A key code set (`virKeycodeSet`): which numbering the codes use. Names are understood for `linux` only. */
export type KeyCodeset = keyof typeof CODESETS;

/** Options of {@link DomainInputResource.sendKey}. */
export interface SendKeyOptions extends CallOptions {
  /** The numbering of numeric codes; key names need `linux`. @default 'linux' */
  codeset?: KeyCodeset;
  /** How long the keys stay pressed, in ms (0: the hypervisor's default, 100 ms in QEMU); at most 60 000. @default 0 */
  holdTimeMs?: number;
}

/** `virDomainProcessSignal`: Linux signal numbers, 0–31, then the real-time ones 32–64. */
const SIGNALS = [
  'NOP', 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM',
  'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'POLL', 'PWR', 'SYS',
] as const; // prettier-ignore
const SIGNAL_MAX = 64;

function keyCode(key: unknown, index: number, codeset: KeyCodeset): number {
  const path = `keys[${index}]`;
  if (typeof key === 'number') return checkInteger(key, path, 0, codeset === 'linux' ? LINUX_KEY_MAX : 0xffff);
  if (typeof key !== 'string') throw new InvalidArgumentError(`${path} must be a key name or a key code`, { path });
  if (codeset !== 'linux')
    throw new InvalidArgumentError(`${path}: key names are understood in the 'linux' codeset only; give codes`, { path });
  const code = linuxKeyCode(key);
  if (code === undefined)
    throw new InvalidArgumentError(`${path}: unknown key name '${key}' (e.g. 'KEY_ENTER', 'a', 'ctrl', 'f1')`, { path });
  return code;
}

function signalNumber(signal: unknown): number {
  if (typeof signal === 'number') return checkInteger(signal, 'signal', 0, SIGNAL_MAX);
  const name = typeof signal === 'string' ? signal.toUpperCase().replace(/^SIG/, '') : '';
  const index = (SIGNALS as readonly string[]).indexOf(name);
  if (index >= 0) return index;
  const rt = /^RT(\d+)$/.exec(name);
  if (rt !== null && Number(rt[1]) <= 32) return 32 + Number(rt[1]);
  throw new InvalidArgumentError("signal must be a signal number 0–64 or a name like 'SIGTERM', 'TERM', 'SIGRT1'", { path: 'signal' });
}

/**
 * Input to a running guest: key presses, a non-maskable interrupt, a signal
 * to a process of a container guest. One libvirt call each; the guest's
 * reaction is its own.
 */
export class DomainInputResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Press the keys together, then release them (`virsh send-key`): key
   * names of the `linux` codeset (`'KEY_LEFTCTRL'`, `'alt'`, `'f2'`) or codes
   * of any codeset, 1 to 16 of them.
   * @example await conn.domains.input.sendKey('web1', ['ctrl', 'alt', 'delete']);
   * @throws InvalidArgumentError (unknown name, too many keys, a code out of range…; nothing sent) · `LibvirtError`
   * @see virDomainSendKey
   */
  async sendKey(domain: DomainInput, keys: readonly (string | number)[], options: SendKeyOptions = {}): Promise<void> {
    const o = checkOptions(options, { codeset: true, holdTimeMs: true });
    const codeset = checkChoice(o.codeset ?? 'linux', 'codeset', Object.keys(CODESETS) as KeyCodeset[]);
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > REMOTE_DOMAIN_SEND_KEY_MAX) {
      throw new InvalidArgumentError(`keys must be an array of 1 to ${REMOTE_DOMAIN_SEND_KEY_MAX} keys pressed together`, { path: 'keys' });
    }
    const keycodes = keys.map((key, i) => keyCode(key, i, codeset));
    if (new Set(keycodes).size !== keycodes.length) throw new InvalidArgumentError('keys must not name one key twice', { path: 'keys' });
    const holdtime = checkInteger(o.holdTimeMs ?? 0, 'holdTimeMs', 0, 60_000);
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_SEND_KEY, { dom, codeset: CODESETS[codeset], holdtime, keycodes, flags: 0 }, o);
  }

  /**
   * Send a non-maskable interrupt to the guest (`virsh inject-nmi`): Linux
   * logs "NMI received for unknown reason", or panics with
   * `kernel.unknown_nmi_panic`; Windows can be set to write a crash dump.
   * @example await conn.domains.input.injectNmi('web1');
   * @throws `LibvirtError` (`VIR_ERR_OPERATION_INVALID` when the domain is not running)
   * @see virDomainInjectNMI
   */
  async injectNmi(domain: DomainInput, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_INJECT_NMI, { dom, flags: 0 }, o);
  }

  /**
   * Send a signal to a process inside a container guest (`virsh domsignal`);
   * LXC implements it, QEMU does not (`UnsupportedError`).
   * @example await conn.domains.input.sendProcessSignal('ct1', 1, 'SIGTERM');
   * @throws InvalidArgumentError (pid below 1, unknown signal) · `UnsupportedError` · `LibvirtError`
   * @see virDomainSendProcessSignal
   */
  async sendProcessSignal(domain: DomainInput, pid: number, signal: string | number, options: CallOptions = {}): Promise<void> {
    const o = checkOptions(options);
    const pidValue = BigInt(checkInteger(pid, 'pid', 1, Number.MAX_SAFE_INTEGER));
    const signum = signalNumber(signal);
    const dom = await resolveDomain(this.#call, domain, o);
    await this.#call(DOMAIN_SEND_PROCESS_SIGNAL, { dom, pid_value: pidValue, signum, flags: 0 }, o);
  }
}
