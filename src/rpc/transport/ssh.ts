/**
 * ssh transport through the system `ssh` binary, so `~/.ssh/config`, the agent,
 * ProxyJump, certificates and known_hosts all behave as they do for virsh.
 * On the remote host the tunnel runs `virt-ssh-helper` (libvirt ≥ 6.8) or
 * falls back to `nc -U <socket>`, like libvirt's own client.
 *
 * `libssh` and `libssh2` URIs take this same route: their parameters
 * (`known_hosts`, `known_hosts_verify`, `sshauth`, `keyfile`) are mapped to
 * ssh options; they do not default the user to `root` as libvirt's libssh
 * transports do, ssh's own configuration decides.
 *
 * @module
 */
import { InvalidUriError } from '../../errors/index.js';
import { type ChildProcessDuplex, type ExitHint, spawnDuplex } from './child-duplex.js';
import { type DialOptions, connectTimeout } from './dial-util.js';
import type { LibvirtUri } from './uri.js';

/** Options for the ssh transport, given in code. */
export interface SshOptions {
  /** ssh program. @defaultValue `'ssh'` (or the URI's `?command=` when `allowCommand` is set) */
  binary?: string;
  /**
   * Arguments placed before the ones built from the URI, e.g. `['-F', '/etc/myapp/ssh_config']`.
   * ssh keeps the first value it sees for an option, so `-o Key=value` given here wins.
   */
  extraArgs?: readonly string[];
  /** Environment of the ssh process. @defaultValue `process.env` (keeps SSH_AUTH_SOCK) */
  env?: NodeJS.ProcessEnv;
  /** Bytes of ssh's stderr kept for error messages. @defaultValue 4096 */
  stderrLimit?: number;
}

/**
 * POSIX shell single-quoting: the result is one word whose value is exactly `value`.
 *
 * @example
 * ```ts
 * shellQuote("it's"); // `'it'\''s'`
 * ```
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

// Values that travel inside the remote command line. Control characters are
// refused outright: a newline would end the command for a csh login shell.
function checkRemoteValue(uri: LibvirtUri, what: string, value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidUriError(uri.redacted, `the ${what} contains control characters, which cannot be sent over ssh`);
  }
  return value;
}

/**
 * The command ssh runs on the remote host: a POSIX `sh -c` script that execs
 * `virt-ssh-helper [-r] '<uri>'` or `nc [-q0] -U '<socket>'` depending on
 * `uri.sshProxy`. Every URI-derived value is single-quoted.
 *
 * @throws {@link InvalidUriError} when a value contains control characters.
 * @example
 * ```ts
 * buildRemoteCommand(parseLibvirtUri('qemu+ssh://kvm1/system?proxy=native'));
 * // "sh -c 'exec virt-ssh-helper '\''qemu:///system'\'''"
 * ```
 */
export function buildRemoteCommand(uri: LibvirtUri, options: { readonly?: boolean } = {}): string {
  const readonly = options.readonly === true;
  const helper = `virt-ssh-helper${readonly ? ' -r' : ''} ${shellQuote(checkRemoteValue(uri, 'URI', uri.sshHelperUri))}`;
  const socket = readonly ? uri.readonlySocketPath : uri.socketPath;
  const nc = shellQuote(checkRemoteValue(uri, 'netcat path', uri.client.netcat ?? 'nc'));
  // Debian/SUSE netcat stays alive after stdin closes unless given -q0; other
  // builds lack -q. Probe for it the way libvirt does.
  const netcat =
    socket === undefined
      ? undefined
      : `ARG=; if ${nc} -q 2>&1 | grep 'requires an argument' >/dev/null 2>&1; then ARG=-q0; fi; ` +
        `exec ${nc} $ARG -U ${shellQuote(checkRemoteValue(uri, 'socket path', socket))}`;
  let script: string;
  switch (uri.sshProxy) {
    case 'native':
      script = `exec ${helper}`;
      break;
    case 'netcat':
      if (netcat === undefined) throw new InvalidUriError(uri.redacted, "proxy=netcat needs '?socket='");
      script = netcat;
      break;
    case 'auto':
      script =
        netcat === undefined ? `exec ${helper}` : `if command -v virt-ssh-helper >/dev/null 2>&1; then exec ${helper}; fi; ${netcat}`;
      break;
  }
  return `sh -c ${shellQuote(script)}`;
}

function sshConfigValue(value: string): string {
  // ssh splits -o values on whitespace and honours "…" quoting; it also expands
  // %-tokens in file options, so a literal % is doubled.
  return `"${value.replaceAll('%', '%%')}"`;
}

/**
 * The argv (without the program name) for `ssh`:
 * `[...extraArgs] -T -e none [-p port] [-l user] [-i keyfile] [-o BatchMode=yes]
 * [-o StrictHostKeyChecking=…] [-o UserKnownHostsFile=…] [-o PreferredAuthentications=…]
 * -o ConnectTimeout=<s> -- <host> <remote command>`.
 *
 * `-p` is only passed when the URI names a port, so `~/.ssh/config` can set it.
 * Host-key checking follows `known_hosts_verify` (normal → yes, auto →
 * accept-new, ignore → no), else `no_verify=1` → no, else ssh's own setting.
 *
 * @throws {@link InvalidUriError} for values ssh cannot take safely.
 * @example
 * ```ts
 * buildSshArgs(parseLibvirtUri('qemu+ssh://root@kvm1:2222/system'), { connectTimeoutMs: 10000 });
 * // ['-T', '-e', 'none', '-p', '2222', '-l', 'root', '-o', 'ConnectTimeout=10', '--', 'kvm1', "sh -c '…'"]
 * ```
 */
export function buildSshArgs(
  uri: LibvirtUri,
  options: { readonly?: boolean; extraArgs?: readonly string[]; connectTimeoutMs?: number } = {},
): string[] {
  const args: string[] = [...(options.extraArgs ?? []), '-T', '-e', 'none'];
  if (uri.portExplicit && uri.port !== undefined) args.push('-p', String(uri.port));
  if (uri.user !== undefined) args.push('-l', uri.user);
  const { client } = uri;
  if (client.keyfile !== undefined) args.push('-i', checkRemoteValue(uri, 'keyfile', client.keyfile));
  if (client.noTty) args.push('-o', 'BatchMode=yes');
  const strict =
    client.knownHostsVerify === 'normal'
      ? 'yes'
      : client.knownHostsVerify === 'auto'
        ? 'accept-new'
        : client.knownHostsVerify === 'ignore' || client.noVerify
          ? 'no'
          : undefined;
  if (strict !== undefined) args.push('-o', `StrictHostKeyChecking=${strict}`);
  if (client.knownHosts !== undefined) {
    const file = checkRemoteValue(uri, 'known_hosts path', client.knownHosts);
    if (file.includes('"') || file.includes('\\')) {
      throw new InvalidUriError(uri.redacted, "the known_hosts path cannot contain '\"' or '\\'");
    }
    args.push('-o', `UserKnownHostsFile=${sshConfigValue(file)}`);
  }
  if (client.sshauth !== undefined) {
    const methods = client.sshauth.map((m) => (m === 'agent' || m === 'privkey' ? 'publickey' : m));
    args.push('-o', `PreferredAuthentications=${[...new Set(methods)].join(',')}`);
  }
  if (options.connectTimeoutMs !== undefined && Number.isFinite(options.connectTimeoutMs)) {
    args.push('-o', `ConnectTimeout=${Math.max(1, Math.ceil(options.connectTimeoutMs / 1000))}`);
  }
  args.push('--', uri.host ?? 'localhost', buildRemoteCommand(uri, { readonly: options.readonly === true }));
  return args;
}

/** Advice for the usual ssh and remote-helper exit statuses. */
const sshHint: ExitHint = (code) => {
  if (code === 255) {
    return 'ssh could not connect or authenticate: check host, user, key (?keyfile=), known_hosts, and ~/.ssh/config';
  }
  if (code === 127) {
    return 'neither virt-ssh-helper nor nc was found on the remote host (install libvirt-clients or netcat-openbsd there)';
  }
  if (code === 1) return 'the remote helper could not reach libvirtd: is it running there, and may this user use its socket?';
  return undefined;
};

/**
 * Start `ssh` for a URI of the ssh family and wrap it as a Duplex. Resolves once
 * ssh is running; authentication and remote errors arrive later as a
 * `TransportError` on the stream, with ssh's stderr in the message.
 *
 * @param allowCommand - honour the URI's `?command=` as the ssh program; off by
 *   default because a URI must not be able to pick a program to run.
 * @throws {@link TransportError} (ssh missing), {@link InvalidUriError},
 *   {@link TimeoutError}, {@link AbortError}.
 * @example
 * ```ts
 * const stream = await dialSsh(parseLibvirtUri('qemu+ssh://root@kvm1/system'), {}, { timeout: 15000 });
 * ```
 * @see https://libvirt.org/remote.html#ssh-transport
 */
export async function dialSsh(
  uri: LibvirtUri,
  options: SshOptions & { readonly?: boolean; allowCommand?: boolean } = {},
  dial: DialOptions = {},
): Promise<ChildProcessDuplex> {
  if (uri.client.command !== undefined && options.allowCommand !== true && options.binary === undefined) {
    throw new InvalidUriError(
      uri.redacted,
      "'?command=' picks the ssh program to run; pass { allowCommand: true } to allow it, or set ssh.binary",
    );
  }
  const binary = options.binary ?? uri.client.command ?? 'ssh';
  const args = buildSshArgs(uri, {
    readonly: options.readonly === true,
    extraArgs: options.extraArgs ?? [],
    connectTimeoutMs: connectTimeout(dial),
  });
  return await spawnDuplex(
    {
      command: binary,
      args,
      env: options.env ?? process.env,
      label: `ssh to ${uri.host ?? 'localhost'}`,
      hint: sshHint,
      spawnHint: 'install the OpenSSH client (package openssh-client) or set ssh.binary',
      stderrLimit: options.stderrLimit,
    },
    dial,
  );
}
