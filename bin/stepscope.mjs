#!/usr/bin/env node
// `stepscope` CLI: the same engine as the app, on Node (WebGPU through the `webgpu` package, or the
// float64 CPU interpreter). TypeScript sources run through tsx; WGSL `?raw` imports through raw-loader.mjs.
import { register } from 'node:module';
import { tsImport } from 'tsx/esm/api';

register('./raw-loader.mjs', import.meta.url);
// `stepscope solvers | head`: a closed pipe ends the listing quietly
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
