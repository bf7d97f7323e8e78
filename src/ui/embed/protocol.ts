// The embed message protocol (issue 8; README "Embed"): what an embedded Stepscope figure posts to the page
// around it, and the commands it accepts from that page. Pure: builders and a strict parser, no DOM.
//
// Origin policy (why it is asymmetric):
// - Outgoing messages go to `window.parent` with targetOrigin '*'. They carry only numbers anyone can reproduce
//   by opening the same public link (metrics, steps, time, field statistics), never the spec of an uploaded file,
//   stored runs or anything else from the visitor's browser; and an embed cannot know its host's origin in
//   advance (course pages live anywhere), so naming one would only break embeds.
// - Incoming commands are acted on only when they come from `window.parent` (the page that placed the iframe;
//   other frames and pop-ups are ignored), and only in this exact shape. They are not restricted by origin: each
//   one (play, pause, reset, step) is something the embedded figure's own buttons do, touches no data and
//   navigates nowhere, and whoever controls the parent page already chose to show the figure. Nothing in a
//   message is evaluated or inserted into the page; a malformed one is logged and changes nothing.

import type { EmbedLab, PanelId } from './params.ts';

export const PROTOCOL_VERSION = 1;
export const OUTGOING_SOURCE = 'stepscope';
export const INCOMING_SOURCE = 'stepscope-host';
export const HOST_COMMANDS = ['play', 'pause', 'reset', 'step'] as const;
export type HostCommandType = (typeof HOST_COMMANDS)[number];

export interface HostCommand {
  source: typeof INCOMING_SOURCE;
  type: HostCommandType;
  /** optional; when present it must be PROTOCOL_VERSION */
  version?: number;
}

interface Envelope {
  source: typeof OUTGOING_SOURCE;
  version: typeof PROTOCOL_VERSION;
  lab: EmbedLab;
}

/** posted once, when the figure has mounted and its GPU status is known */
export interface ReadyMessage extends Envelope {
  type: 'ready';
  /** the panels not shown */
  hidden: PanelId[];
  /** the commands this lab acts on */
  commands: HostCommandType[];
  /** where runs execute: a hardware GPU, a software adapter, or the CPU */
  gpu: 'ok' | 'software' | 'none';
}

export interface FieldStatsMessage {
  /** one entry per field channel (u and v of Gray–Scott; real part first for complex fields) */
  min: number[];
  max: number[];
  mean: number[];
  meanSquare: number[];
  maxAbs: number[];
}

export interface PdeRunMetrics {
  role: 'primary' | 'compare';
  stepper: string;
  backend: 'gpu' | 'cpu';
  steps: number;
  time: number;
  diverged: boolean;
  stats: FieldStatsMessage | null;
}

export interface SamplerSolverMetrics {
  solver: string;
  backend: 'gpu' | 'cpu';
  nfe: number;
  /** particles of the run */
  n: number;
  wallMs: number;
  mmd2: number;
  energy: number;
  rmse: number;
  sw2: number;
  modeMass: number;
  /** null when the target has no density at the end time (point masses) */
  nll: number | null;
}

/** PDE lab: the primary run's step, time and field statistics (and each run's, with a side-by-side stepper) */
export interface PdeMetricsMessage extends Envelope, Omit<PdeRunMetrics, 'role'> {
  type: 'metrics';
  lab: 'pde';
  equation: string;
  runs: PdeRunMetrics[];
}

/** sampler lab: the quality metrics of the latest run, one entry per solver shown */
export interface SamplerMetricsMessage extends Envelope {
  type: 'metrics';
  lab: 'samplers';
  solvers: SamplerSolverMetrics[];
}

export type MetricsMessage = PdeMetricsMessage | SamplerMetricsMessage;

/** after every command (and when playback starts or stops): what the figure is doing now */
export interface StateMessage extends Envelope {
  type: 'state';
  playing: boolean;
  /** PDE lab: the primary run's step count and time */
  steps?: number;
  time?: number;
  /** the command this answers, if any */
  command?: HostCommandType;
  /** why that command did nothing (e.g. `step` while playing) */
  ignored?: string;
}

export type EmbedMessage = ReadyMessage | MetricsMessage | StateMessage;

export function envelope<L extends EmbedLab>(lab: L): Envelope & { lab: L } {
  return { source: OUTGOING_SOURCE, version: PROTOCOL_VERSION, lab };
}

export type ParsedCommand = { ok: true; command: HostCommand } | { ok: false; problem: string };

/** a short, safe description of a value for a log line (never the value itself run or rendered) */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

const ALLOWED_KEYS = new Set(['source', 'type', 'version']);

/**
 * Strict parse of a host message: a plain object with exactly `source: 'stepscope-host'`, `type` one of
 * HOST_COMMANDS, and optionally `version: 1`; any other key, type or value is refused with the reason.
 */
export function parseHostCommand(data: unknown): ParsedCommand {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { ok: false, problem: `message: expected an object, got ${describe(data)}` };
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null) return { ok: false, problem: 'message: expected a plain object' };
  const record = data as Record<string, unknown>;
  if (record.source !== INCOMING_SOURCE) return { ok: false, problem: `source: ${describe(record.source)} is not ${JSON.stringify(INCOMING_SOURCE)}` };
  const extra = Object.keys(record).filter((k) => !ALLOWED_KEYS.has(k));
  if (extra.length > 0) return { ok: false, problem: `message: unexpected field${extra.length > 1 ? 's' : ''} ${extra.map((k) => describe(k)).join(', ')}; allowed: source, type, version` };
  if (!(HOST_COMMANDS as readonly unknown[]).includes(record.type)) return { ok: false, problem: `type: ${describe(record.type)} is not a command; allowed: ${HOST_COMMANDS.join(', ')}` };
  if ('version' in record && record.version !== PROTOCOL_VERSION) return { ok: false, problem: `version: ${describe(record.version)} is not supported; allowed: ${PROTOCOL_VERSION}` };
  return { ok: true, command: { source: INCOMING_SOURCE, type: record.type as HostCommandType, ...('version' in record ? { version: PROTOCOL_VERSION } : {}) } };
}
