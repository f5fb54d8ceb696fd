/**
 * Which UNIX socket a libvirt URI means, following libvirt's
 * `remoteGetURIDaemonInfo` / `remoteGetUNIXSocket` (src/remote/remote_sockets.c).
 *
 * @module
 */
import { join } from 'node:path';

/** How to choose between a per-driver daemon's socket and the monolithic one (`?mode=`). */
export type SocketMode = 'auto' | 'legacy' | 'direct';

/** Facts about the local machine the choice depends on; injectable for tests. */
export interface SocketEnvironment {
  /** Effective uid; `0` means "system" sockets. */
  uid: number;
  /** `$XDG_RUNTIME_DIR`, when set. */
  xdgRuntimeDir: string | undefined;
  /** `$XDG_CACHE_HOME`, when set (fallback when XDG_RUNTIME_DIR is unset). */
  xdgCacheHome: string | undefined;
  /** Home directory. */
  home: string;
  /** `fs.existsSync` or a fake. */
  existsSync: (path: string) => boolean;
}

/**
 * Directory holding system sockets. libvirt's client deliberately uses
 * `$LOCALSTATEDIR/run` (`/var/run`), not `/run`, because the same name is used
 * on remote hosts that may lack `/run`; `/var/run` is a symlink to `/run` on
 * every current distribution. For local dials we use `/run` directly, which is
 * the same file; remote (ssh) paths keep libvirt's `/var/run` spelling.
 */
export const SYSTEM_SOCKET_DIR = '/run/libvirt';
/** Remote-side socket directory, spelled as libvirt's client sends it. */
export const REMOTE_SYSTEM_SOCKET_DIR = '/var/run/libvirt';

/** `g_get_user_runtime_dir()/libvirt`: `$XDG_RUNTIME_DIR/libvirt`, else the cache dir. */
export function userRuntimeDir(env: SocketEnvironment): string {
  if (env.xdgRuntimeDir !== undefined && env.xdgRuntimeDir !== '') return join(env.xdgRuntimeDir, 'libvirt');
  const cache = env.xdgCacheHome !== undefined && env.xdgCacheHome !== '' ? env.xdgCacheHome : join(env.home, '.cache');
  return join(cache, 'libvirt');
}

/** Both candidates for one open: the per-driver ("direct") and the monolithic ("legacy") socket. */
interface Candidates {
  direct: string;
  legacy: string;
}

function candidates(driver: string, session: boolean, readonly: boolean, dir: string, env: SocketEnvironment): Candidates {
  if (session) {
    // Session daemons have no separate read-only socket: libvirt never adds -ro here.
    const userdir = userRuntimeDir(env);
    return { direct: join(userdir, `virt${driver}d-sock`), legacy: join(userdir, 'libvirt-sock') };
  }
  const suffix = readonly ? 'sock-ro' : 'sock';
  return { direct: `${dir}/virt${driver}d-${suffix}`, legacy: `${dir}/libvirt-${suffix}` };
}

/** Input of {@link resolveUnixSocket}. */
export interface UnixSocketRequest {
  /** Driver part of the scheme (`qemu`, `test`, `network`…). */
  driver: string;
  /** `?mode=`; defaults to `auto`. */
  mode: SocketMode;
  /** Session daemon (`/session` path, or a `test+…` scheme) opened by a non-root user. */
  session: boolean;
  /** Open the read-only socket (`-ro`, system daemons only). */
  readonly: boolean;
}

/**
 * The local socket for a `unix` transport.
 *
 * `auto` picks the per-driver daemon's socket (`virtqemud-sock`) when it exists,
 * else the monolithic/proxy socket (`libvirt-sock`). The test driver has no
 * daemon of its own (there is no `virttestd`), and only libvirtd/virtproxyd
 * serve it, so `auto` always picks `libvirt-sock` for it. When neither socket
 * exists libvirt falls back to a build-time default; we pick `libvirt-sock`,
 * so the "is libvirtd running?" error names the socket most setups use.
 */
export function resolveUnixSocket(req: UnixSocketRequest, env: SocketEnvironment): string {
  const c = candidates(req.driver, req.session, req.readonly, SYSTEM_SOCKET_DIR, env);
  switch (req.mode) {
    case 'direct':
      return c.direct;
    case 'legacy':
      return c.legacy;
    case 'auto':
      if (req.driver !== 'test' && env.existsSync(c.direct)) return c.direct;
      return c.legacy;
  }
}

/**
 * The socket the remote end of an ssh tunnel should reach with `nc -U`.
 * libvirt computes it on the client in `legacy` mode (direct mode is refused
 * for remote transports) with `/var/run` spelling.
 */
export function remoteSystemSocket(readonly: boolean): string {
  return `${REMOTE_SYSTEM_SOCKET_DIR}/libvirt-${readonly ? 'sock-ro' : 'sock'}`;
}
