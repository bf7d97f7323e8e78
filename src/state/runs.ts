// Saved runs (issue #8 "Links and runs"): the sampler lab's runs kept in the browser's IndexedDB through `idb`
// (a thin promise wrapper, not hand-written IndexedDB), each with its name, spec, metrics per solver and a
// thumbnail; exported and imported as one JSON file. The record is validated with zod (DESIGN §3) at every entry
// point that is not our own write: an imported file, and what a database of an older page left behind.
// An import is all or nothing: one bad run refuses the file with a message naming the run, field, value and what
// is allowed, and the saved runs stay as they were.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { SpecError, formatZodError, parseSpec, type SampleSpec } from '../core/spec/spec.ts';

/** the numbers kept per solver of a run (RunMetrics' scalar fields; FD only for image targets) */
export const METRIC_KEYS = ['mmd2', 'energy', 'rmse', 'sw2', 'modeMass', 'nll', 'fdRf', 'fdPix'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface SavedResult {
  /**
   * its configuration (issue #11; ui/configurations.ts): its index among the run's shown configurations (0: the spec's
   * own) and its label. A record saved before these were kept reads with its position and the solver's name.
   */
  index: number;
  label: string;
  solver: string;
  nfe: number;
  wallMs: number;
  metrics: Partial<Record<MetricKey, number | null>>;
}

export interface SavedRun {
  id: string;
  name: string;
  /** ISO 8601 */
  savedAt: string;
  spec: SampleSpec;
  results: SavedResult[];
  /** a PNG data URL of a chart of the run (absent when none could be drawn) */
  thumbnail?: string;
}

export const RUNS_FILE_FORMAT = 'stepscope-runs';
export const RUNS_FILE_VERSION = 1;
export const MAX_NAME_LENGTH = 120;
/** a thumbnail is small (a 320×180 chart); a larger data URL in a file is refused rather than stored */
export const MAX_THUMBNAIL_LENGTH = 512 * 1024;
export const MAX_RUNS_PER_FILE = 1000;

const finiteOrNull = z.number().refine(Number.isFinite, { message: 'must be a finite number' }).nullable();

const resultSchema = z
  .object({
    // optional: records and files from before configurations were kept lack them (parseSavedRun fills them in)
    index: z.number().int().min(0).max(63).optional(),
    label: z.string().min(1).max(200).optional(),
    solver: z.string().min(1).max(64),
    nfe: z.number().int().min(0).max(100_000),
    wallMs: z.number().min(0).refine(Number.isFinite, { message: 'must be a finite number' }),
    metrics: z.object(Object.fromEntries(METRIC_KEYS.map((k) => [k, finiteOrNull.optional()])) as Record<MetricKey, z.ZodOptional<typeof finiteOrNull>>).strict(),
  })
  .strict();

const runSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: 'allowed: 1 to 64 letters, digits, - or _' }),
    name: z.string().trim().min(1, { message: 'must not be empty' }).max(MAX_NAME_LENGTH),
    savedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be an ISO 8601 date' }),
    // validated by the experiment schema itself below (its messages name the spec's own fields)
    spec: z.unknown(),
    results: z.array(resultSchema).max(64),
    thumbnail: z
      .string()
      .max(MAX_THUMBNAIL_LENGTH)
      .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, { message: 'must be a PNG data URL (data:image/png;base64,…)' })
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({
    format: z.literal(RUNS_FILE_FORMAT),
    version: z.literal(RUNS_FILE_VERSION),
    runs: z.array(z.unknown()).max(MAX_RUNS_PER_FILE),
  })
  .strict();

export class RunsError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'RunsError';
  }
}

/** Validate one run record; throws RunsError whose lines start with `where` (e.g. `runs[2]`). */
export function parseSavedRun(input: unknown, where = 'run'): SavedRun {
  const result = runSchema.safeParse(input);
  if (!result.success) throw new RunsError(formatZodError(result.error, input, `${where}.`).map((p) => p.replace(`${where}.(spec)`, where)));
  let spec: SampleSpec;
  try {
    spec = parseSpec(result.data.spec);
  } catch (error) {
    if (error instanceof SpecError) throw new RunsError(error.problems.map((p) => (p.startsWith('(spec)') ? `${where}.spec${p.slice(6)}` : `${where}.spec.${p}`)));
    throw error;
  }
  // a result saved before configurations were kept: its position (results are saved in the shown order) and its
  // solver's name (then one configuration per solver, each with its defaults on the spec's schedule)
  const results = result.data.results.map(({ index, label, ...rest }, position) => ({
    index: index ?? position,
    label: label ?? SOLVERS[rest.solver as SolverName]?.label ?? rest.solver,
    ...rest,
  }));
  const run = { ...result.data, spec, results } as SavedRun;
  if (run.thumbnail === undefined) delete run.thumbnail;
  return run;
}

/** The export file's text: every run, newest first as listed. */
export function exportRunsFile(runs: SavedRun[]): string {
  return `${JSON.stringify({ format: RUNS_FILE_FORMAT, version: RUNS_FILE_VERSION, runs }, null, 1)}\n`;
}

/** The runs of an export file; throws RunsError naming the file's problem (nothing is imported then). */
export function parseRunsFile(text: string, fileName = 'the file'): SavedRun[] {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    throw new RunsError([`${fileName}: not JSON (${(error as Error).message})`]);
  }
  const file = fileSchema.safeParse(input);
  if (!file.success) throw new RunsError(formatZodError(file.error, input).map((p) => `${fileName}: ${p.replace(/^\(spec\)/, '(file)')}`));
  const problems: string[] = [];
  const runs: SavedRun[] = [];
  file.data.runs.forEach((run, i) => {
    try {
      runs.push(parseSavedRun(run, `runs[${i}]`));
    } catch (error) {
      if (!(error instanceof RunsError)) throw error;
      problems.push(...error.problems.map((p) => `${fileName}: ${p}`));
    }
  });
  if (problems.length) throw new RunsError(problems.slice(0, 12).concat(problems.length > 12 ? [`… and ${problems.length - 12} more`] : []));
  return runs;
}

/**
 * the metrics of two runs side by side: one row per (configuration, metric) either run has. A configuration of one run
 * pairs with the one of the other run that has the same label (the same solver, options and schedule), the k-th of a
 * repeated label with the k-th; two configurations of one run never share a row, even with the same solver.
 */
export interface ComparisonRow {
  /** the configuration's label, and its index in each run (null: that run does not have it) */
  label: string;
  indexA: number | null;
  indexB: number | null;
  solver: string;
  metric: MetricKey | 'nfe' | 'wallMs';
  a: number | null;
  b: number | null;
  /** b / a when both are positive numbers */
  ratio: number | null;
}

/** each result keyed by its label and how many earlier results of the run share it ("label#k") */
function keyedResults(run: SavedRun): Map<string, SavedResult> {
  const seen = new Map<string, number>();
  const keyed = new Map<string, SavedResult>();
  for (const r of [...run.results].sort((x, y) => x.index - y.index)) {
    const k = seen.get(r.label) ?? 0;
    seen.set(r.label, k + 1);
    keyed.set(`${r.label}#${k}`, r);
  }
  return keyed;
}

export function compareRuns(a: SavedRun, b: SavedRun): ComparisonRow[] {
  const inA = keyedResults(a);
  const inB = keyedResults(b);
  const rows: ComparisonRow[] = [];
  for (const key of new Set([...inA.keys(), ...inB.keys()])) {
    const ra = inA.get(key);
    const rb = inB.get(key);
    const { label, solver } = (ra ?? rb)!;
    const value = (r: SavedResult | undefined, key: ComparisonRow['metric']): number | null => {
      if (!r) return null;
      const v = key === 'nfe' || key === 'wallMs' ? r[key] : r.metrics[key];
      return typeof v === 'number' ? v : null;
    };
    for (const metric of ['nfe', ...METRIC_KEYS, 'wallMs'] as const) {
      const x = value(ra, metric);
      const y = value(rb, metric);
      if (x === null && y === null) continue;
      rows.push({ label, indexA: ra?.index ?? null, indexB: rb?.index ?? null, solver, metric, a: x, b: y, ratio: x !== null && y !== null && x > 0 && y > 0 ? y / x : null });
    }
  }
  return rows;
}

/** a new run id: time and randomness, so that two tabs saving at once do not collide */
export function newRunId(now = Date.now()): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(36).padStart(2, '0')).join('');
  return `${now.toString(36)}-${random}`;
}

// ------------------------------------------------------------------------------------------ IndexedDB

interface RunsDbSchema extends DBSchema {
  runs: { key: string; value: SavedRun; indexes: { savedAt: string } };
}

export const RUNS_DB_NAME = 'stepscope';
const RUNS_DB_VERSION = 1;

/** The saved-runs store of this browser profile. */
export class RunsDb {
  private db: Promise<IDBPDatabase<RunsDbSchema>> | undefined;

  constructor(private readonly name = RUNS_DB_NAME) {}

  private open(): Promise<IDBPDatabase<RunsDbSchema>> {
    this.db ??= openDB<RunsDbSchema>(this.name, RUNS_DB_VERSION, {
      upgrade(db) {
        const store = db.createObjectStore('runs', { keyPath: 'id' });
        store.createIndex('savedAt', 'savedAt');
      },
    });
    return this.db;
  }

  /** newest first; records that no longer validate (an older page's) are left out, not thrown */
  async list(): Promise<SavedRun[]> {
    const all = await (await this.open()).getAllFromIndex('runs', 'savedAt');
    const runs: SavedRun[] = [];
    for (const record of all.reverse()) {
      try {
        runs.push(parseSavedRun(record));
      } catch {
        // kept in the database (nothing is deleted behind the user's back), not shown
      }
    }
    return runs;
  }

  async get(id: string): Promise<SavedRun | undefined> {
    const record = await (await this.open()).get('runs', id);
    return record ? parseSavedRun(record) : undefined;
  }

  async put(run: SavedRun): Promise<void> {
    await (await this.open()).put('runs', parseSavedRun(run));
  }

  async delete(id: string): Promise<void> {
    await (await this.open()).delete('runs', id);
  }

  /** add every run of an import in one transaction (all or nothing); a run whose id exists gets a new id */
  async importRuns(runs: SavedRun[]): Promise<SavedRun[]> {
    const db = await this.open();
    const tx = db.transaction('runs', 'readwrite');
    const added: SavedRun[] = [];
    for (const run of runs) {
      const exists = (await tx.store.getKey(run.id)) !== undefined;
      const record = exists ? { ...run, id: newRunId() } : run;
      await tx.store.add(record);
      added.push(record);
    }
    await tx.done;
    return added;
  }
}
