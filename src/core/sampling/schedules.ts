// Time grids t_0 = tStart > … > t_N = tEnd (specs/samplers.md §3.1, DPM-Solver's "skip types").

import type { NoiseProcess } from './process.ts';

export const SCHEDULE_TYPES = ['time-uniform', 'logsnr', 'time-quadratic', 'custom'] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

export type ScheduleSpec = { type: 'time-uniform' } | { type: 'logsnr' } | { type: 'time-quadratic' } | { type: 'custom'; times: number[] };

/** time_uniform: t_i = T + (i/N)(t_end − T) */
export function scheduleTimeUniform(tStart: number, tEnd: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => (i === steps ? tEnd : tStart + (i / steps) * (tEnd - tStart)));
}

/** logSNR: λ uniform between λ(T) and λ(t_end), mapped back with t(λ); endpoints pinned exactly. */
export function scheduleLogSnrUniform(process: NoiseProcess, tStart: number, tEnd: number, steps: number): number[] {
  const l0 = process.lambda(tStart);
  const l1 = process.lambda(tEnd);
  return Array.from({ length: steps + 1 }, (_, i) =>
    i === 0 ? tStart : i === steps ? tEnd : process.tOfLambda(l0 + (i / steps) * (l1 - l0)),
  );
}

/** time_quadratic: t_i = (√T + (i/N)(√t_end − √T))² */
export function scheduleTimeQuadratic(tStart: number, tEnd: number, steps: number): number[] {
  const a = Math.sqrt(tStart);
  const b = Math.sqrt(tEnd);
  return Array.from({ length: steps + 1 }, (_, i) => (i === 0 ? tStart : i === steps ? tEnd : (a + (i / steps) * (b - a)) ** 2));
}

export function buildTimeGrid(schedule: ScheduleSpec, process: NoiseProcess, tStart: number, tEnd: number, steps: number): number[] {
  switch (schedule.type) {
    case 'time-uniform':
      return scheduleTimeUniform(tStart, tEnd, steps);
    case 'logsnr':
      return scheduleLogSnrUniform(process, tStart, tEnd, steps);
    case 'time-quadratic':
      return scheduleTimeQuadratic(tStart, tEnd, steps);
    case 'custom':
      return schedule.times.slice();
  }
}
