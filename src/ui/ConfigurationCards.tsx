// The compared configurations of the sampler lab (issue #11): one card per shown configuration (the spec's own first,
// then spec.compare), each with its solver, its solver's options, its time schedule and the schedule's parameters,
// its colour swatch and (for compared ones) a remove button; "Add configuration" up to MAX_COMPARE + 1. The option and
// parameter controls are read from the spec schema (solverSchema, scheduleSchema: their types, enums and ranges), so
// a solver or schedule added to core gets its controls without UI code. Every edit goes through the spec (setSpec):
// a rejected one changes nothing and says why. A bounded numeric solver option is a slider at its effective value (the
// explicit one, else the solver's official default from core's solverOptionDefault) with a button that removes the
// explicit value; while any slider is held, live runs are reduced (useDragReport).

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { SCHEDULE_TYPES, type ScheduleType } from '../core/sampling/schedules.ts';
import { SOLVERS, SOLVER_NAMES, type SolverName } from '../core/sampling/solvers.ts';
import { NUMERIC_SOLVER_OPTIONS, solverOptionDefault, solverOptionNames, solverSchema, type NumericSolverOption } from '../core/spec/solverSchema.ts';
import { MAX_COMPARE, scheduleSchema, type CompareEntry, type SampleSpec } from '../core/spec/spec.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { effectiveCompare, shownConfigurations, type ShownConfiguration } from './configurations.ts';
import { scheduleLabel } from './labels.ts';
import { SameNoiseToggle } from './SameNoiseToggle.tsx';

type Edit = (edit: (draft: SampleSpec) => void) => void;

// ------------------------------------------------------------------ controls from the schema

/** what kind of control a schema field gets (zod's own description of the field, unwrapped) */
type FieldKind = { kind: 'number'; min: number; max: number; int: boolean; minOpen: boolean; logFrom?: number } | { kind: 'enum'; values: string[] } | { kind: 'boolean' } | null;
type NumberKind = Extract<FieldKind, { kind: 'number' }>;

interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike; out?: ZodLike } };
  meta?: () => { logFrom?: number } | undefined;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  options?: string[];
  safeParse(value: unknown): { success: boolean };
}

export function fieldKind(schema: unknown): FieldKind {
  let s = schema as ZodLike;
  // a field's metadata may sit on any wrapper: a log-scale slider's low end (solver tolerances span decades)
  let logFrom: number | undefined;
  // optional / default wrap the field; finite().pipe(range) puts the range on the pipe's output
  for (;;) {
    logFrom ??= s.meta?.()?.logFrom;
    const def = s._zod.def;
    if ((def.type === 'optional' || def.type === 'default') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.out) s = def.out;
    else break;
  }
  switch (s._zod.def.type) {
    case 'number':
      // gt(0) and min(0) both report minValue 0: the schema itself says whether the bound is allowed
      return { kind: 'number', min: s.minValue ?? -Infinity, max: s.maxValue ?? Infinity, int: s.isInt === true, minOpen: s.minValue != null && !s.safeParse(s.minValue).success, ...(logFrom ? { logFrom } : {}) };
    case 'enum':
      return { kind: 'enum', values: s.options ?? [] };
    case 'boolean':
      return { kind: 'boolean' };
    default:
      return null;
  }
}

/** the schema of each schedule type's parameters */
function scheduleShape(type: string): Record<string, unknown> {
  const option = (scheduleSchema.options as unknown as { shape: Record<string, unknown> & { type: { value: string } } }[]).find((o) => o.shape.type.value === type);
  return option?.shape ?? {};
}

/** a slider's step for a range: 1 for integers, else about 1/200 of the range rounded to 1, 2 or 5 × 10^k */
function sliderStep(kind: { min: number; max: number; int: boolean }): number {
  if (kind.int) return 1;
  const raw = (kind.max - kind.min) / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= raw) ?? raw;
}

/** a bounded number field's slider positions: linear, or log10 from `logFrom` (values then kept to 2 significant digits) */
interface SliderScale {
  min: number;
  max: number;
  step: number;
  position: (value: number) => number;
  value: (position: number) => number;
}

function sliderScale(kind: NumberKind): SliderScale | null {
  if (!Number.isFinite(kind.min) || !Number.isFinite(kind.max)) return null;
  if (kind.logFrom) {
    const [min, max] = [Math.log10(kind.logFrom), Math.log10(kind.max)];
    return { min, max, step: sliderStep({ min, max, int: false }), position: Math.log10, value: (p) => Number((10 ** p).toPrecision(2)) };
  }
  const step = sliderStep(kind);
  // the lowest position stays inside an open range
  return { min: kind.minOpen ? kind.min + step : kind.min, max: kind.max, step, position: (v) => v, value: (p) => p };
}

/**
 * An integer option's range narrowed to the values the whole solver schema takes with the solver's other options
 * (order 4 is the Adams–Bashforth solvers' only, DPM-Solver-adaptive starts at order 2, pc without a predictor needs a
 * Langevin step), so no slider position is refused.
 */
function acceptedRange(kind: NumberKind, accepts: (value: number) => boolean): NumberKind {
  if (!kind.int || !Number.isFinite(kind.min) || !Number.isFinite(kind.max)) return kind;
  let [min, max] = [kind.min, kind.max];
  while (min <= max && !accepts(min)) min++;
  while (max >= min && !accepts(max)) max--;
  return { ...kind, min, max };
}

/** a slider that moves the spec: while it is held, live runs use fewer particles (controller.ts dragParticles) */
export function useDragReport(): { onPointerDown: () => void } {
  const store = useAppStoreApi();
  const release = useRef<(() => void) | null>(null);
  useEffect(() => () => release.current?.(), []);
  return {
    onPointerDown: () => {
      store.getState().setDragging(true);
      const end = () => {
        window.removeEventListener('pointerup', end);
        window.removeEventListener('pointercancel', end);
        release.current = null;
        store.getState().setDragging(false);
      };
      window.addEventListener('pointerup', end);
      window.addEventListener('pointercancel', end);
      release.current = end;
    },
  };
}

/**
 * one schema-described field: `value` undefined means "the default" (solver options only). `fallback` is that default
 * when it is one number (core's solverOptionDefault); `spoken` is the field's accessible name, for its reset button.
 */
function FieldControl({ name, label, spoken, kind, value, optional, fallback, onChange, title }: { name: string; label: ReactNode; spoken: string; kind: Exclude<FieldKind, null>; value: unknown; optional: boolean; fallback?: number; onChange: (value: unknown) => void; title: string }) {
  const id = useId();
  const drag = useDragReport();
  const slider = useRef<HTMLInputElement>(null);
  const text = (v: unknown) => (v === undefined ? '' : String(v));
  const scale = kind.kind === 'number' ? sliderScale(kind) : null;
  // what the run uses: the explicit value, else (options) the default
  const effective = value === undefined ? fallback : Number(value);
  // an option is a slider only when it can sit at its default: a number within the slider's positions. Not so
  // (number inputs): sTmin (no upper bound), sTmax (default ∞)
  const isSlider = scale !== null && (!optional || (fallback !== undefined && Number.isFinite(fallback) && scale.position(fallback) >= scale.min - 1e-12 && scale.position(fallback) <= scale.max + 1e-12));
  let control: ReactNode;
  if (kind.kind === 'enum' || (kind.kind === 'boolean' && optional)) {
    const values = kind.kind === 'enum' ? kind.values : ['true', 'false'];
    control = (
      <select id={id} value={text(value)} title={title} onChange={(e) => onChange(e.target.value === '' ? undefined : kind.kind === 'boolean' ? e.target.value === 'true' : e.target.value)}>
        {optional && <option value="">default</option>}
        {values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  } else if (kind.kind === 'boolean') {
    control = <input id={id} type="checkbox" checked={value === true} title={title} onChange={(e) => onChange(e.target.checked)} />;
  } else if (isSlider && scale && effective !== undefined) {
    // a bounded parameter with a value (schedules fill theirs) or a bounded option with a numeric default; moving it
    // sets the value explicitly (so it goes into the link)
    control = (
      <input
        ref={slider}
        id={id}
        type="range"
        min={scale.min}
        max={scale.max}
        step={scale.step}
        value={scale.position(effective)}
        aria-valuetext={optional ? `${effective}${value === undefined ? ' (default)' : ''}` : undefined}
        title={title}
        onPointerDown={drag.onPointerDown}
        onChange={(e) => onChange(scale.value(Number(e.target.value)))}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="number"
        value={text(value)}
        placeholder={optional ? 'default' : undefined}
        min={Number.isFinite(kind.min) ? kind.min : undefined}
        max={Number.isFinite(kind.max) ? kind.max : undefined}
        step={kind.int ? 1 : 'any'}
        title={title}
        onChange={(e) => {
          if (e.target.value === '') return optional ? onChange(undefined) : undefined;
          const v = Number(e.target.value);
          if (Number.isFinite(v)) onChange(v);
        }}
      />
    );
  }
  return (
    <div className="config-field" data-field={name}>
      <div className="row">
        <label htmlFor={id}>{label}</label>
        {/* the slider's value beside its label (the slider itself tells assistive technology its value) */}
        {kind.kind === 'number' && effective !== undefined && (isSlider || !optional) && (
          <span className="value" aria-hidden="true">
            {String(effective)}
            {value === undefined && optional && ' (default)'}
          </span>
        )}
        {isSlider && optional && value !== undefined && (
          <button
            type="button"
            className="button secondary small reset"
            aria-label={`Reset ${spoken} to default`}
            title={`Leave ${name} out: the solver uses its default, ${fallback}`}
            onClick={() => {
              onChange(undefined);
              // the button goes away with the explicit value: keep the keyboard on the slider
              slider.current?.focus();
            }}
          >
            default
          </button>
        )}
      </div>
      {control}
    </div>
  );
}

// ------------------------------------------------------------------ one card

/** the entry of the configuration at `index` in a draft: the spec itself (0) or its compare entry (materialised) */
function entryOf(draft: SampleSpec, index: number): { solver: CompareEntry['solver']; schedule?: CompareEntry['schedule'] } {
  if (index === 0) return draft as { solver: CompareEntry['solver']; schedule: SampleSpec['schedule'] };
  draft.compare = structuredClone(effectiveCompare(draft));
  return draft.compare[index - 1];
}

function ConfigurationCard({ configuration, edit, count }: { configuration: ShownConfiguration; edit: Edit; count: number }) {
  const { index, spec } = configuration;
  const solverId = useId();
  const scheduleId = useId();
  // every control's name says which configuration it belongs to ("Configuration 2 solver"); on screen the card's
  // legend says it, so the prefix is for assistive technology only (the spec's own keeps its plain names)
  const prefix = index === 0 ? null : <span className="visually-hidden">Configuration {index + 1} </span>;
  const named = (text: string): ReactNode => (index === 0 ? text.charAt(0).toUpperCase() + text.slice(1) : (
    <>
      {prefix}
      {text}
    </>
  ));
  const name = spec.solver.name as SolverName;
  const options = solverOptionNames(name);
  const shape = solverSchema.shape as Record<string, unknown>;
  const ownSchedule = index === 0 || configuration.ownSchedule;
  const scheduleParams = Object.entries(scheduleShape(spec.schedule.type)).filter(([key]) => key !== 'type' && key !== 'solver' && key !== 'times');
  const scheduleTypes = SCHEDULE_TYPES.filter((t) => t !== 'custom' || spec.schedule.type === 'custom');
  return (
    <fieldset className="config-card" data-testid={`configuration-${index + 1}`}>
      <legend>
        <span className="swatch big" style={{ background: configuration.color }} aria-hidden="true" />
        Configuration {index + 1}
        {index === 0 && <span className="hint"> (the spec’s own)</span>}
      </legend>
      <div className="field">
        <label htmlFor={solverId}>{named('solver')}</label>
        <select
          id={solverId}
          value={name}
          title={SOLVERS[name].official}
          onChange={(e) => edit((d) => void (entryOf(d, index).solver = { name: e.target.value as SolverName }))}
        >
          {SOLVER_NAMES.map((s) => (
            <option key={s} value={s}>
              {SOLVERS[s].label} (order {SOLVERS[s].order})
            </option>
          ))}
        </select>
        <div className="hint" title={SOLVERS[name].official}>
          {SOLVERS[name].family}, {SOLVERS[name].prediction} prediction
        </div>
      </div>
      {options.map((option) => {
        const field = fieldKind(shape[option]);
        if (!field) return null;
        const numeric = (NUMERIC_SOLVER_OPTIONS as readonly string[]).includes(option);
        const fallback = numeric ? solverOptionDefault(name, option as NumericSolverOption) : undefined;
        const kind = field.kind === 'number' ? acceptedRange(field, (v) => solverSchema.safeParse({ ...spec.solver, [option]: v }).success) : field;
        return (
          <FieldControl
            key={option}
            name={option}
            label={index === 0 ? option : named(option)}
            spoken={index === 0 ? option : `Configuration ${index + 1} ${option}`}
            kind={kind}
            optional
            fallback={fallback}
            value={(spec.solver as Record<string, unknown>)[option]}
            title={`${SOLVERS[name].label} option ${option}${kind.kind === 'number' ? ` (${kind.min} … ${kind.max})` : ''}${fallback !== undefined ? `, default ${fallback}` : ''}; defaults: ${SOLVERS[name].official}`}
            onChange={(value) =>
              edit((d) => {
                const solver = entryOf(d, index).solver as Record<string, unknown>;
                if (value === undefined) delete solver[option];
                else solver[option] = value;
              })
            }
          />
        );
      })}
      <div className="field">
        <label htmlFor={scheduleId}>{named('time schedule')}</label>
        <select
          id={scheduleId}
          value={ownSchedule ? spec.schedule.type : ''}
          onChange={(e) => {
            const type = e.target.value as Exclude<ScheduleType, 'custom'> | '';
            edit((d) => {
              const entry = entryOf(d, index);
              // the schema fills the schedule's parameters with their official defaults
              if (type === '') delete entry.schedule;
              else entry.schedule = { type } as SampleSpec['schedule'];
            });
          }}
        >
          {index > 0 && <option value="">same as configuration 1</option>}
          {scheduleTypes.map((type) => (
            <option key={type} value={type} disabled={type === 'custom'}>
              {scheduleLabel(type)}
            </option>
          ))}
        </select>
      </div>
      {ownSchedule &&
        scheduleParams.map(([key, schema]) => {
          const kind = fieldKind(schema);
          if (!kind) return null;
          return (
            <FieldControl
              key={`${spec.schedule.type}.${key}`}
              name={`schedule.${key}`}
              label={index === 0 ? `schedule ${key}` : named(`schedule ${key}`)}
              spoken={index === 0 ? `schedule ${key}` : `Configuration ${index + 1} schedule ${key}`}
              kind={kind}
              optional={false}
              value={(spec.schedule as Record<string, unknown>)[key]}
              title={`${scheduleLabel(spec.schedule.type)}: ${key}${kind.kind === 'number' ? ` (${kind.min} … ${kind.max})` : ''}`}
              onChange={(value) =>
                edit((d) => {
                  const entry = entryOf(d, index);
                  entry.schedule = { ...(entry.schedule ?? d.schedule), [key]: value } as SampleSpec['schedule'];
                })
              }
            />
          );
        })}
      {index > 0 && (
        <button
          type="button"
          className="button secondary small"
          onClick={() =>
            edit((d) => {
              const compare = structuredClone(effectiveCompare(d));
              compare.splice(index - 1, 1);
              d.compare = compare;
            })
          }
          title={count > 1 ? `Stop comparing ${configuration.label}` : undefined}
        >
          Remove configuration {index + 1}
        </button>
      )}
    </fieldset>
  );
}

// ------------------------------------------------------------------ the list

/** a solver not yet shown (on the spec's schedule, with its defaults): a new configuration differs from the others */
function nextConfiguration(spec: SampleSpec): CompareEntry | null {
  const shown = new Set(shownConfigurations(spec).map((c) => c.solver));
  const name = SOLVER_NAMES.find((s) => !shown.has(s));
  return name ? { solver: { name } } : null;
}

export function ConfigurationCards({ edit }: { edit: Edit }) {
  const spec = useAppStore((s) => s.spec);
  const configurations = shownConfigurations(spec);
  const full = configurations.length > MAX_COMPARE;
  return (
    <div className="configurations" role="group" aria-label="Configurations to compare">
      {configurations.map((c) => (
        <ConfigurationCard key={c.index} configuration={c} edit={edit} count={configurations.length} />
      ))}
      <div className="row">
        <button
          type="button"
          className="button secondary small"
          disabled={full}
          title={full ? `At most ${MAX_COMPARE + 1} configurations` : 'Compare one more solver (then set its options and schedule)'}
          onClick={() =>
            edit((d) => {
              const next = nextConfiguration(d);
              if (next) d.compare = [...structuredClone(effectiveCompare(d)), next];
            })
          }
        >
          Add configuration
        </button>
        <SameNoiseToggle />
      </div>
    </div>
  );
}

