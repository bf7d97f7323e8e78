import { defineConfig } from 'vitest/config';

// Two layers (DESIGN §5): `core` is pure float64 TypeScript; `gpu` runs every kernel through the npm
// package `webgpu` (Dawn), on SwiftShader when the machine has no GPU. One device per test file, forks pool.
export default defineConfig({
  test: {
    projects: [
      // generous timeouts: the CLI tests spawn processes and a loaded 2-core machine is slow; a timeout is not a result
      { test: { name: 'core', include: ['src/**/*.test.ts'], exclude: ['src/**/*.gpu.test.ts'], environment: 'node', testTimeout: 120_000 } },
      {
        test: {
          name: 'gpu',
          include: ['src/**/*.gpu.test.ts'],
          environment: 'node',
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
