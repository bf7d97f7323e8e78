// From a validated spec to what a run needs: process, prepared target, time grid and solver program.
// One place, used by the CPU interpreter, the GPU engine, the CLI and the UI.

import type { SampleSpec } from '../spec/spec.ts';
import { type PreparedMixture, mixtureDenoise, prepareMixture, type GaussianMixture } from './gmm.ts';
import type { DenoiserModel } from './interpreter.ts';
import { type NoiseProcess, VpLinearProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import type { SamplerProgram } from './program.ts';
import { buildTimeGrid } from './schedules.ts';
import { type SolverName, buildProgram, stepsForNfe } from './solvers.ts';

export interface ResolvedExperiment {
  process: NoiseProcess;
  mixture: PreparedMixture;
  program: SamplerProgram;
  dim: number;
}

export function makeProcess(spec: SampleSpec['process']): NoiseProcess {
  return new VpLinearProcess(spec.beta0, spec.beta1);
}

export function targetMixture(target: SampleSpec['target']): GaussianMixture {
  return target.type === 'preset' ? targetPreset(target.name) : { weights: target.weights, means: target.means, covs: target.covs };
}

export function mixtureModel(mixture: PreparedMixture): DenoiserModel {
  return { dim: mixture.dim, denoise: (x, n, _t, alpha, sigma, out) => mixtureDenoise(mixture, x, n, alpha, sigma, out) };
}

/** number of solver steps the spec asks for (steps, or the steps that spend its nfe) */
export function specSteps(spec: SampleSpec): number {
  if (spec.schedule.type === 'custom') return spec.schedule.times.length - 1;
  if (spec.steps !== undefined) return spec.steps;
  return stepsForNfe(spec.solver.name as SolverName, spec.nfe ?? 10);
}

export function buildSpecProgram(spec: SampleSpec, process: NoiseProcess = makeProcess(spec.process)): SamplerProgram {
  const times = buildTimeGrid(spec.schedule, process, spec.tStart, spec.tEnd, specSteps(spec));
  return buildProgram(spec.solver.name, process, times);
}

export function resolveExperiment(spec: SampleSpec): ResolvedExperiment {
  const process = makeProcess(spec.process);
  const mixture = prepareMixture(targetMixture(spec.target));
  return { process, mixture, program: buildSpecProgram(spec, process), dim: mixture.dim };
}
