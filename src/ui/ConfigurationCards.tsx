// The compared configurations of the sampler lab (issue #11): one card per shown configuration (the spec's own first,
// then spec.compare), each with its solver, its solver's options, its time schedule and the schedule's parameters,
// its colour swatch and (for compared ones) a remove button; "Add configuration" up to MAX_COMPARE + 1. The option and
// parameter controls are read from the spec schema (solverSchema, scheduleSchema: their types, enums and ranges), so
// a solver or schedule added to core gets its controls without UI code. Every edit goes through the spec (setSpec):
// a rejected one changes nothing and says why.

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { SCHEDULE_TYPES, type ScheduleType } from '../core/sampling/schedules.ts';
import { SOLVERS, SOLVER_NAMES, type SolverName } from '../core/sampling/solvers.ts';
import { solverOptionNames, solverSchema } from '../core/spec/solverSchema.ts';
import { MAX_COMPARE, scheduleSchema, type CompareEntry, type SampleSpec } from '../core/spec/spec.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { effectiveCompare, shownConfigurations, type ShownConfiguration } from './configurations.ts';
import { scheduleLabel } from './labels.ts';
import { SameNoiseToggle } from './SameNoiseToggle.tsx';

type Edit = (edit: (draft: SampleSpec) => void) => void;

// ------------------------------------------------------------------ controls from the schema

/** what kind of control a schema field gets (zod's own description of the field, unwrapped) */
type FieldKind = { kind: 'number'; min: number; max: number; int: boolean; minOpen: boolean } | { kind: 'enum'; values: string[] } | { kind: 'boolean' } | null;

interface ZodLike {
  _zod: { def: { type: string; innerType?: ZodLike; out?: ZodLike } };
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  options?: string[];
  safeParse(value: unknown): { success: boolean };
}

export function fieldKind(schema: unknown): FieldKind {
  let s = schema as ZodLike;
  // optional / default wrap the field; finite().pipe(range) puts the range on the pipe's output
  for (;;) {
    const def = s._zod.def;
    if ((def.type === 'optional' || def.type === 'default') && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.out) s = def.out;
    else break;
  }
  switch (s._zod.def.type) {
    case 'number':
      // gt(0) and min(0) both report minValue 0: the schema itself says whether the bound is allowed
      return { kind: 'number', min: s.minValue ?? -Infinity, max: s.maxValue ?? Infinity, int: s.isInt === true, minOpen: s.minValue != null && !s.safeParse(s.minValue).success };
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

/** one schema-described field: `value` undefined means "the default" (solver options only) */
function FieldControl({ name, label, kind, value, optional, onChange, title }: { name: string; label: ReactNode; kind: Exclude<FieldKind, null>; value: unknown; optional: boolean; onChange: (value: unknown) => void; title: string }) {
  const id = useId();
  const drag = useDragReport();
  const text = (v: unknown) => (v === undefined ? '' : String(v));
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
  } else if (!optional && Number.isFinite(kind.min) && Number.isFinite(kind.max)) {
    // a bounded parameter with a value (schedules fill theirs): a slider; its lowest position stays inside an open range
    const step = sliderStep(kind);
    const min = kind.minOpen ? kind.min + step : kind.min;
    control = (
      <input id={id} type="range" min={min} max={kind.max} step={step} value={Number(value)} title={title} onPointerDown={drag.onPointerDown} onChange={(e) => onChange(Number(e.target.value))} />
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
        {kind.kind === 'number' && value !== undefined && !optional && (
          <span className="value" aria-hidden="true">
            {String(value)}
          </span>
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
        const kind = fieldKind(shape[option]);
        if (!kind) return null;
        return (
          <FieldControl
            key={option}
            name={option}
            label={index === 0 ? option : named(option)}
            kind={kind}
            optional
            value={(spec.solver as Record<string, unknown>)[option]}
            title={`${SOLVERS[name].label} option ${option}; default: ${SOLVERS[name].official}`}
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

