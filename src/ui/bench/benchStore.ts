// The benchmark page's state (issue #9): a small vanilla zustand store, read by the page and the test hook.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { BenchCaseResult, BenchFailure, BenchProgress, BenchReport, CopyResult } from '../../engine/bench/gpuBench.ts';

export type BenchStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface BenchState {
  status: BenchStatus;
  progress: BenchProgress | null;
  /** filled in as the run goes: the copy first, then each case */
  copy: CopyResult | null;
  cases: BenchCaseResult[];
  failures: BenchFailure[];
  /** the finished run's report (null while running, after a cancel or an error) */
  report: BenchReport | null;
  /** why the run stopped, when it failed */
  error: string | null;
}

export type BenchStore = StoreApi<BenchState>;

export const INITIAL_BENCH_STATE: BenchState = { status: 'idle', progress: null, copy: null, cases: [], failures: [], report: null, error: null };

export function createBenchStore(): BenchStore {
  return createStore<BenchState>()(() => ({ ...INITIAL_BENCH_STATE }));
}
