#!/usr/bin/env node
// `stepscope` CLI: the same engine as the app, on Node (WebGPU through the `webgpu` package, or the
// float64 CPU interpreter). TypeScript and WGSL `?raw` imports load through register.mjs.
import './register.mjs';

// `stepscope solvers | head`: a closed pipe ends the listing quietly
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
