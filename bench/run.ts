// `npm run bench`: figures as ratios against a reference measured in the same run (never a test assertion).
// Case (issue 3): particle evaluations per second of the GMM eval + combine step, n = 65 536, K = 8 (ring8), d = 2,
// on the GPU path (float32, WebGPU through the `webgpu` package) and on the float64 CPU interpreter.
// Writes bench/results.json and prints a table. On SwiftShader the "GPU" is a CPU emulation: say so.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { prepareMixture } from '../src/core/sampling/gmm.ts';
import { mixtureModel } from '../src/core/sampling/experiment.ts';
import { runProgramCpu } from '../src/core/sampling/interpreter.ts';
import { VpLinearProcess } from '../src/core/sampling/process.ts';
import { targetPreset } from '../src/core/sampling/presets.ts';
import { scheduleLogSnrUniform } from '../src/core/sampling/schedules.ts';
import { programOnGrid } from '../src/core/sampling/solvers.ts';
import { fillNormal } from '../src/core/util/rng.ts';
import { GpuSampler } from '../src/engine/gpuSampler.ts';
import { acquireNodeGpu } from '../src/gpu/node.ts';

const n = 65_536;
const steps = 20;
const vp = new VpLinearProcess();
const mixture = prepareMixture(targetPreset('ring8'));
const program = programOnGrid({ name: 'ddim' }, vp, scheduleLogSnrUniform(vp, 1, 1e-3, steps));
const evaluations = n * program.nfe;

async function timeIt(label: string, repeats: number, body: () => Promise<void> | void): Promise<number> {
  await body(); // warm-up (pipeline compilation, JIT)
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    await body();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.error(`${label}: median ${median.toFixed(1)} ms over ${repeats}`);
  return median;
}

const gpu = await acquireNodeGpu('stepscope-bench');
if (!gpu.device) {
  console.error(`no WebGPU device: ${gpu.reason}`);
  globalThis.process.exit(1);
}
const sampler = new GpuSampler(gpu.device!, 'bench');
sampler.setTarget(mixture);
const gpuMs = await timeIt('gpu', 5, async () => {
  await sampler.run(program, { n, seed: 0 });
});
const x = fillNormal(new Float64Array(n * 2), n, 2, 0, 0);
const cpuMs = await timeIt('cpu float64', 3, () => {
  runProgramCpu(program, mixtureModel(mixture), x);
});

const results = {
  date: new Date().toISOString(),
  machine: { node: globalThis.process.version, adapter: gpu.adapterInfo, status: gpu.status },
  cases: [
    {
      name: 'gmm eval+combine, ring8 (K = 8, d = 2), n = 65536, DDIM 20 steps',
      figure: { label: 'GPU particle evaluations per second', value: evaluations / (gpuMs / 1000) },
      reference: { label: 'float64 CPU particle evaluations per second', value: evaluations / (cpuMs / 1000) },
      ratio: cpuMs / gpuMs,
      note: gpu.status === 'software' ? 'software adapter (SwiftShader): the "GPU" path is itself running on the CPU' : undefined,
    },
  ],
};
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json.tmp', `${JSON.stringify(results, null, 2)}\n`);
renameSync('bench/results.json.tmp', 'bench/results.json');
for (const c of results.cases) {
  console.log(`${c.name}\n  ${c.figure.label}: ${c.figure.value.toExponential(3)}\n  ${c.reference.label}: ${c.reference.value.toExponential(3)}\n  ratio GPU/CPU: ${c.ratio.toFixed(2)}${c.note ? `  (${c.note})` : ''}`);
}
globalThis.process.exit(0);
