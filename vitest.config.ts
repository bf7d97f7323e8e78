import { defineConfig } from 'vitest/config';

// Two layers (DESIGN §5): `core` is pure float64 TypeScript; `gpu` runs every kernel through the npm
// package `webgpu` (Dawn), on SwiftShader when the machine has no GPU. One device per test file, forks pool.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['src/**/*.test.ts'], exclude: ['src/**/*.gpu.test.ts'], environment: 'node' } },
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
