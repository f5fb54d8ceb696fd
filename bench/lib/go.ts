/**
 * The benchmarks' go-libvirt side (bench/baseline/rpc.go): built on the fly
 * with the system's Go and Debian's golang-github-digitalocean-go-libvirt-dev
 * (GO111MODULE=off against its GOPATH), cached by the source's hash, skipped
 * with a message when either is missing.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { progress, root } from './config.js';

const SOURCE = join(root, 'bench/baseline/rpc.go');
/** Where Debian's golang-*-dev packages put their sources; BENCH_GOPATH overrides. */
const GOPATH = process.env.BENCH_GOPATH ?? '/usr/share/gocode';
const GO = process.env.BENCH_GO ?? 'go';

/** The Go side: the built program and its versions, or why there is none. */
export type GoSide = { binary: string; go: string; goLibvirt: string } | { skipped: string };

let cached: GoSide | undefined;

/** Build (once per source version) and describe the Go side. */
export function goSide(): GoSide {
  cached ??= build();
  return cached;
}

function build(): GoSide {
  if (process.env.BENCH_NO_GO === '1') return { skipped: 'BENCH_NO_GO=1' };
  const version = spawnSync(GO, ['version'], { encoding: 'utf8' });
  if (version.status !== 0)
    return { skipped: `no Go toolchain (${GO}); install golang-go (LIBVIRT_SETUP_BENCH=1 scripts/setup-libvirt.sh)` };
  if (!existsSync(join(GOPATH, 'src/github.com/digitalocean/go-libvirt'))) {
    return { skipped: `go-libvirt not found under ${GOPATH}; install golang-github-digitalocean-go-libvirt-dev` };
  }
  const hash = createHash('sha256').update(readFileSync(SOURCE)).update(version.stdout).digest('hex').slice(0, 16);
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'libvirt-manager-bench');
  const binary = join(dir, `rpc-go-${hash}`);
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    progress(`building the go-libvirt side (${SOURCE})…`);
    const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: join(dir, 'gocache') };
    const built = spawnSync(GO, ['build', '-o', binary, SOURCE], { encoding: 'utf8', env });
    if (built.status !== 0) return { skipped: `go build failed: ${built.stderr.trim()}` };
  }
  const dpkg = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'golang-github-digitalocean-go-libvirt-dev'], { encoding: 'utf8' });
  return {
    binary,
    go: /go\d+(\.\d+)*/.exec(version.stdout)?.[0] ?? version.stdout.trim(),
    goLibvirt: dpkg.status === 0 ? dpkg.stdout.trim() : 'unknown',
  };
}
