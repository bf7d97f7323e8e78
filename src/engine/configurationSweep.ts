// The quality-vs-NFE sweep of compared configurations (issue #11), shared by the page's quality chart
// (ui/controller.ts) and `stepscope sweep --spec` (cli/main.ts), so that both draw the same curves for the same spec.
// Each configuration is swept as its own single spec (core's configurationSpecs: its solver with its options, its
// schedule, so possibly its own end point σ = 0 or t_end); all share the spec's seeds, x_T and reference sets.

import type { SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import type { SweepOptions, SweepPoint, SweepResult } from './sampling.ts';

/** what the sweep needs of a backend (the engine's CPU and GPU backends, or the page's CPU worker) */
export interface ConfigurationSweeper {
  sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult>;
}

export interface ConfigurationSweepOptions {
  nfes: number[];
  /** replicates (default 1), as SweepOptions.seeds */
  seeds?: number;
  signal?: AbortSignal;
  /** after each (seed, NFE) step of configuration `index` (its position in `specs`); `done`/`total` count over all */
  onProgress?: (index: number, done: number, total: number, point?: SweepPoint & { solver: SolverName }) => void;
  /** when configuration `index` is complete: its own engine result (one curve, its null bands) */
  onConfiguration?: (index: number, result: SweepResult) => void;
}

/**
 * Sweep each configuration spec over the NFE list, one engine sweep each (its own solver, options and schedule).
 * Returns each configuration's own result (one curve each, and the null bands of its end point), in order.
 */
export async function sweepConfigurations(backend: ConfigurationSweeper, specs: readonly SampleSpec[], options: ConfigurationSweepOptions): Promise<SweepResult[]> {
  const perConfiguration = options.nfes.length * (options.seeds ?? 1);
  const total = specs.length * perConfiguration;
  const results: SweepResult[] = [];
  for (const [index, spec] of specs.entries()) {
    const result = await backend.sweep(spec, {
      nfes: options.nfes,
      solvers: [spec.solver.name as SolverName],
      seeds: options.seeds,
      signal: options.signal,
      onProgress: (done, _total, point) => options.onProgress?.(index, index * perConfiguration + done, total, point),
    });
    results.push(result);
    options.onConfiguration?.(index, result);
  }
  return results;
}

/**
 * One result for the whole comparison: each configuration's curve in order, and the seeds and null bands of the first
 * (the spec's own configuration when it is in the list). Configurations that end elsewhere (another schedule's end
 * point) have null bands of their own, in their own results.
 */
export function combineConfigurationSweeps(results: readonly SweepResult[]): SweepResult {
  const [first] = results;
  return { nfes: first.nfes, curves: results.map((r) => r.curves[0]), metricSamples: results[results.length - 1].metricSamples, backend: first.backend, ...sweepExtras(first) };
}

/** what a sweep reports besides its curves: its seeds and null bands (they depend on the end point, not the solver) */
export type SweepExtras = Pick<SweepResult, 'seeds' | 'nullBands' | 'fdRfNull' | 'fdPixNull' | 'fdReferenceSamples'>;

export function sweepExtras(result: SweepResult): SweepExtras {
  const { seeds, nullBands, fdRfNull, fdPixNull, fdReferenceSamples } = result;
  return Object.fromEntries(Object.entries({ seeds, nullBands, fdRfNull, fdPixNull, fdReferenceSamples }).filter(([, v]) => v !== undefined));
}
