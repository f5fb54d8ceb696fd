/**
 * ext transport (`driver+ext:///path?command=/path/to/program`): libvirt runs
 * the program with no arguments and speaks the protocol over its stdin/stdout.
 *
 * Because a URI would otherwise be able to choose a program to run, this SDK
 * only honours it when the caller opts in with `allowCommand: true`. For a
 * tunnel built in code, prefer `TransportOptions.connect`, which takes any
 * Duplex.
 *
 * @module
 */
import { InvalidUriError } from '../../errors/index.js';
import { type ChildProcessDuplex, spawnDuplex } from './child-duplex.js';
import type { DialOptions } from './dial-util.js';
import type { LibvirtUri } from './uri.js';

/** Options of the ext transport. */
export interface ExtOptions {
  /** Must be `true`: the URI's `?command=` names a program to execute. */
  allowCommand?: boolean;
  /** Environment of the program. @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
  /** Bytes of its stderr kept for error messages. @defaultValue 4096 */
  stderrLimit?: number;
}

/**
 * Check that an ext URI may be dialled with these options.
 *
 * @throws {@link InvalidUriError} when `allowCommand` is not set or the command is empty.
 */
export function checkExt(uri: LibvirtUri, options: ExtOptions): string {
  const command = uri.client.command;
  if (command === undefined || command === '') {
    throw new InvalidUriError(uri.redacted, "the ext transport needs '?command=/path/to/program'");
  }
  if (options.allowCommand !== true) {
    throw new InvalidUriError(
      uri.redacted,
      "the ext transport runs the program named by '?command='; pass { allowCommand: true } to allow it, " +
        'or supply the stream yourself with the `connect` option',
    );
  }
  return command;
}

/**
 * Run the URI's `?command=` (no shell, no arguments, as libvirt does) and wrap
 * its stdio as a Duplex.
 *
 * @throws {@link InvalidUriError} (not allowed), {@link TransportError} (cannot
 *   start), {@link TimeoutError}, {@link AbortError}.
 * @example
 * ```ts
 * const uri = parseLibvirtUri('qemu+ext:///system?command=/usr/local/bin/libvirt-tunnel');
 * const stream = await dialExt(uri, { allowCommand: true });
 * ```
 * @see https://libvirt.org/uri.html#transport-configuration
 */
export async function dialExt(uri: LibvirtUri, options: ExtOptions = {}, dial: DialOptions = {}): Promise<ChildProcessDuplex> {
  const command = checkExt(uri, options);
  return await spawnDuplex(
    {
      command,
      args: [],
      env: options.env ?? process.env,
      label: `external command ${command}`,
      stderrLimit: options.stderrLimit,
    },
    dial,
  );
}
