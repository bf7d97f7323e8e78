import type { ProcessType } from '../core/sampling/process.ts';
// Words for the controls: what each preset, solver and schedule is, in the user's terms.

import type { TargetPresetName } from '../core/sampling/presets.ts';
import { SCHEDULE_DEFAULTS, type ScheduleType } from '../core/sampling/schedules.ts';

export const PRESET_LABELS: Record<TargetPresetName, string> = {
  ring8: 'Ring of 8 Gaussians',
  grid25: '5 × 5 grid of Gaussians',
  'two-moons-gmm': 'Two moons (mixture of 16)',
  'swiss-roll-gmm': 'Swiss roll (mixture of 12)',
};

const SCHEDULE_NAMES: Partial<Record<ScheduleType, string>> = {
  logsnr: 'Uniform in log-SNR λ',
  'time-uniform': 'Uniform in t',
  'time-quadratic': 'Quadratic in t',
  karras: 'Karras (EDM)',
  exponential: 'Exponential in σ',
  polyexponential: 'Polyexponential',
  'edm-vp': 'EDM VP',
  'edm-ve': 'EDM VE',
  iddpm: 'iDDPM',
  'deis-t': 'DEIS t-quadratic',
  shift: 'Flow shift',
  'flux-shift': 'Flux shift',
  sigmoid: 'Sigmoid spacing',
  custom: 'Custom time grid',
};

const PROCESS_NAMES: Record<ProcessType, string> = {
  'vp-linear': 'VP, linear β (Score-SDE, DPM-Solver)',
  'vp-cosine': 'VP, cosine (iDDPM)',
  'vp-discrete': 'VP, discrete DDPM betas',
  edm: 'EDM / VE (time is σ)',
  flow: 'Flow matching (linear path)',
};

export function processLabel(type: ProcessType): string {
  return PROCESS_NAMES[type];
}

/** one line describing the process for the page footer */
export function describeProcess(process: { type: ProcessType } & Record<string, unknown>): string {
  switch (process.type) {
    case 'vp-linear':
      return `a VP-linear process (β from ${process.beta0} to ${process.beta1})`;
    case 'edm':
      return `an EDM process (σ from ${process.sigmaMin} to ${process.sigmaMax})`;
    case 'flow':
      return 'a flow-matching process (x_t = (1 − t)·x0 + t·ε)';
    default:
      return `a ${PROCESS_NAMES[process.type]} process`;
  }
}

/** the time schedules the UI offers, and how it names them (schedules added to core later show their id) */
export function scheduleLabel(type: string): string {
  return SCHEDULE_NAMES[type as ScheduleType] ?? type;
}

/** symbols of the schedules' parameters in labels (the names are the spec's) */
const SCHEDULE_PARAMETER_SYMBOLS: Record<string, string> = { rho: 'ρ', kappa: 'κ', mu: 'μ', epsilonS: 'ε_s', kMax: 'K_max' };

/**
 * A schedule with the parameters that differ from their defaults (SCHEDULE_DEFAULTS), e.g. "Karras (EDM), ρ = 5" or
 * "Karras (EDM), no σ = 0": two configurations that differ only in a parameter get different labels.
 */
export function scheduleDescription(schedule: { type: string } & Record<string, unknown>): string {
  const defaults = (SCHEDULE_DEFAULTS as Record<string, Record<string, unknown>>)[schedule.type] ?? {};
  const parts = Object.entries(schedule)
    .filter(([key, value]) => key !== 'type' && key !== 'times' && typeof value !== 'object' && value !== undefined && value !== defaults[key])
    .map(([key, value]) => (key === 'appendZero' ? (value ? 'σ = 0 appended' : 'no σ = 0') : `${SCHEDULE_PARAMETER_SYMBOLS[key] ?? key} = ${value}`));
  return [scheduleLabel(schedule.type), ...parts].join(', ');
}

/** particle counts offered by the n control (a spec from a link may hold any other valid n) */
export const PARTICLE_COUNTS = [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];

export function formatNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e4 || abs < 1e-3) return value.toExponential(digits - 1);
  return value.toPrecision(digits);
}
