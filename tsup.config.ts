import { defineConfig } from 'tsup';

/**
 * One entry per public subpath. `splitting` is on for both formats so that the
 * modules share one copy of the connection and error classes inside each format
 * (errors additionally carry a `Symbol.for` brand, so `instanceof` works even
 * across the ESM and CJS copies).
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    connection: 'src/connection/index.ts',
    lifecycle: 'src/lifecycle/index.ts',
    destroyer: 'src/destroyer/index.ts',
    creator: 'src/creator/index.ts',
    state: 'src/state/index.ts',
    protocol: 'src/rpc/protocol/index.ts',
    xml: 'src/xml/index.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  splitting: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
});
