import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` runs without any daemon (codec, framer, client edge cases
 * against the in-process fake daemon); `integration` talks to the real libvirtd
 * started by `scripts/setup-libvirt.sh`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration files share one daemon; QEMU guests are CPU-heavy on a
          // 2-core machine, so files run one at a time to keep timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
