// The page's test hook (e2e/ drives the app through it; see src/ui/testHook.ts).

import type { SampleSpec } from '../core/spec/spec.ts';
import type { SweepResult } from '../engine/sampling.ts';
import type { GridViewReport, QualityViewReport } from './viewReports.ts';

export interface StepscopeAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface StepscopeRunResult {
  /** unbiased MMD² against exact samples of p_{t_end} (not scaled) */
  mmd2: number;
  /** unbiased energy distance against the same exact samples */
  energy: number;
  /** same-noise RMSE against the RK45 reference (rtol = atol = 1e-7) from the same x_T */
  rmse: number;
  nfe: number;
  /** the time grid t_0 > … > t_N */
  times: number[];
  /** wall time of the sampling itself, ms */
  wallMs: number;
  /** image targets (glyphs16) only: FD-RF and FD-pix of all n samples, and their null values (engine RunMetrics) */
  fdRf?: number;
  fdRfNull?: number;
  fdPix?: number;
  fdPixNull?: number;
  /** exact samples behind FD-RF's reference statistics */
  fdReferenceSamples?: number;
}

export interface StepscopeSweepOptions {
  nfes?: number[];
  solvers?: string[];
  /** particles for this sweep only */
  n?: number;
  /** seeds to repeat over (default: the page's Seeds control) */
  seeds?: number;
}

export interface StepscopeHook {
  /** resolves once the GPU status is known and the UI is mounted */
  ready: Promise<void>;
  readonly status: 'ok' | 'software' | 'none';
  readonly adapterInfo: StepscopeAdapterInfo | null;
  getSpec(): SampleSpec;
  /** validate and apply; throws (changing nothing) with the SpecError message when invalid */
  setSpec(spec: unknown): void;
  /** run the current spec with metrics (GPU when available, else CPU) */
  run(): Promise<StepscopeRunResult>;
  sweep(options?: StepscopeSweepOptions): Promise<SweepResult>;
  /** the final samples (n·dim, row-major) of one fresh run of the current spec with its own solver */
  samples(): Promise<{ spec: SampleSpec; n: number; dim: number; data: number[] }>;
  /** absolute shareable URL of the current spec */
  getUrl(): string;
  /** what the quality chart (view 2) and the grid view (view 3) last drew: null until each has rendered */
  views(): { quality: QualityViewReport | null; grid: GridViewReport | null };
}

declare global {
  interface Window {
    stepscope: StepscopeHook;
  }
}
