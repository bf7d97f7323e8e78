// The soak harness (issue 10): N consecutive runs of changing specs on one GPU backend in one process, as a long
// session in a page would make them. After a warm-up round it records, after every run, the live GPU buffers (the
// counting wrapper, src/gpu/counting.ts), the pipelines built since, and every 50 runs the JS heap after a full GC.
// Prints one JSON line:
//   node --expose-gc --import ./bin/register.mjs scripts/soak.mts [runs]
// (src/engine/soak.gpu.test.ts runs it and checks the figures.)

import { parseSpec } from '../src/core/spec/spec.ts';
import { GpuSamplerBackend } from '../src/engine/sampling.ts';
import { countGpu } from '../src/gpu/counting.ts';
import { acquireNodeGpu } from '../src/gpu/node.ts';

const runs = Number(process.argv[2] ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const gpu = await acquireNodeGpu('stepscope-soak');
if (!gpu.device) throw new Error(`no WebGPU device: ${gpu.reason}`);
const device = gpu.device;

const base = { version: 1, kind: 'sample', seed: 0 };
const specs = [
  { ...base, process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, nfe: 4, n: 64 },
  { ...base, process: { type: 'flow' }, target: { type: 'preset', name: 'grid25' }, solver: { name: 'flow-heun' }, schedule: { type: 'shift', s: 2 }, nfe: 6, n: 96 },
  { ...base, process: { type: 'edm' }, target: { type: 'preset', name: 'swiss-roll-gmm' }, solver: { name: 'dpmpp-2m-sde' }, schedule: { type: 'karras' }, nfe: 5, n: 32 },
  { ...base, process: { type: 'vp-cosine' }, target: { type: 'glyphs16', components: 2 }, solver: { name: 'dpmpp-3m' }, schedule: { type: 'time-uniform' }, nfe: 4, n: 16 },
].map((s) => parseSpec(s));

const counter = countGpu(device);
const backend = new GpuSamplerBackend(device, { fdReferenceSamples: 64 });
// the seed changes every run (fresh noise and reference sets), the spec every run
const runOne = (i: number) => backend.sample({ ...specs[i % specs.length], seed: i }, { metrics: i % 250 === 0 });
for (let i = 0; i < specs.length; i++) await runOne(i);
// pipelines are cached per device and kernel: none should be built after the warm-up round
counter.reset();
gc();
const baseline = { buffers: counter.counts.liveBuffers, heap: process.memoryUsage().heapUsed };
let maxBuffers = baseline.buffers;
let offBaseline = 0;
const heap: number[] = [];
const started = performance.now();
for (let i = specs.length; i < specs.length + runs; i++) {
  await runOne(i);
  maxBuffers = Math.max(maxBuffers, counter.counts.liveBuffers);
  if (counter.counts.liveBuffers !== baseline.buffers) offBaseline++;
  if ((i - specs.length + 1) % 50 === 0) {
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
}
backend.destroy();
console.log(JSON.stringify({ runs, baseline, maxBuffers, offBaseline, finalBuffers: counter.counts.liveBuffers, pipelinesAfterWarmup: counter.counts.pipelines, heap, seconds: (performance.now() - started) / 1000 }));
process.exit(0);
