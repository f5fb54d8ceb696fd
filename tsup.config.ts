import { defineConfig } from 'tsup';

/**
 * One entry per public subpath. `splitting` is on for both formats so that the
 * modules share one copy of the connection and error classes inside each format
 * (errors additionally carry a `Symbol.for` brand, so `instanceof` works even
 * across the ESM and CJS copies).
 *
 * Source maps ship without `sourcesContent`: embedding every source file in
 * every map made the maps 60 % of the tarball. A map that only points at
 * `../src/...` still gives stack traces with our file names and line numbers,
 * which is what a user reading an error needs; a debugger wanting the text can
 * find it in the repository at the released tag.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    connection: 'src/connection/index.ts',
    lifecycle: 'src/lifecycle/index.ts',
    destroyer: 'src/destroyer/index.ts',
    creator: 'src/creator/index.ts',
    devices: 'src/devices/index.ts',
    'disk-state': 'src/disk-state/index.ts',
    observability: 'src/observability/index.ts',
    agent: 'src/agent/index.ts',
    migration: 'src/migration/index.ts',
    fleet: 'src/fleet/index.ts',
    state: 'src/state/index.ts',
    protocol: 'src/rpc/protocol/index.ts',
    xml: 'src/xml/index.ts',
    testing: 'src/testing/index.ts',
    // The `libvirt-manager` bin (package.json "bin"): ESM, sharing the SDK's chunks. Not a public import path.
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false;
  },
  clean: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
});
