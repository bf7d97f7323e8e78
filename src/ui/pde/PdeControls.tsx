// The PDE lab's controls, generated from the equation registry's metadata (issue #6): equation, preset and
// Pearson class, parameter sliders (ranges from `params`), grid, dt, stepper, coefficient mode, side-by-side
// stepper, and the initial condition. Every edit goes through the spec schema: a rejected edit becomes a
// notice (or an inline message) and changes nothing; a typed parameter outside its range is clamped with a
// notice naming the field, the value and the range.

import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { EQUATIONS, EQUATION_IDS } from '../../core/pde/equations.ts';
import { PDE_PRESETS, PEARSON_CLASSES } from '../../core/pde/presets.ts';
import { STEPPERS, STEPPER_INFO, type StepperName } from '../../core/pde/steppers.ts';
import type { ParamSpec } from '../../core/pde/types.ts';
import { NpyError, parseNpy } from '../../core/io/npy.ts';
import { SpecError } from '../../core/spec/spec.ts';
import { PDE_GRID_SIZES, parsePdeSpec, supportedDims, type PdeSpec } from '../../core/spec/pdeSpec.ts';
import { usePdeStore, usePdeStoreApi } from '../../state/pdeHooks.ts';
import { difficultyOrder, fromDifficulty, keepDifficulty, toDifficulty, type DifficultyGrid } from './difficulty.ts';
import type { PdeController } from './pdeController.ts';

/** the grid as the difficulty units see it (square grids: the first axis) */
const difficultyGrid = (spec: PdeSpec): DifficultyGrid => ({ n: spec.grid.n[0], length: spec.grid.length[0], dims: spec.grid.n.length, dt: spec.dt });
const SUB = ['₀', '₁', '₂', '₃', '₄'];

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(3).replace(/\.?0+e/, 'e') : String(+v.toPrecision(6)));

/** Apply an edit through the schema; a rejected edit becomes a notice and changes nothing. Returns the problem, if any. */
export function usePdeSpecEditor(): (edit: (draft: PdeSpec) => PdeSpec | void) => string | null {
  const store = usePdeStoreApi();
  return (edit) => {
    const draft = structuredClone(store.getState().spec);
    const next = edit(draft) ?? draft;
    try {
      store.getState().setSpec(next);
      store.getState().notices.filter((n) => n.key === 'pde-edit').forEach((n) => store.getState().dismissNotice(n.id));
      return null;
    } catch (error) {
      const text = error instanceof SpecError ? error.problems.join('; ') : (error as Error).message;
      store.getState().pushNotice({ level: 'warning', key: 'pde-edit', text: `That change was not applied: ${text}` });
      return text;
    }
  };
}

/** a fresh spec for an equation (its defaults for `dims`), keeping nothing else */
function specFor(equation: string, dims?: number): PdeSpec {
  const defaults = dims ? EQUATIONS[equation].defaults[dims as 1 | 2] : undefined;
  return parsePdeSpec({ version: 1, kind: 'pde', equation, ...(defaults ? { grid: defaults.grid, dt: defaults.dt, tEnd: defaults.tEnd, stepper: defaults.stepper } : {}) });
}

function EquationPicker() {
  const store = usePdeStoreApi();
  const spec = usePdeStore((s) => s.spec);
  const id = useId();
  const equation = EQUATIONS[spec.equation];
  return (
    <div className="field">
      <label htmlFor={id}>Equation</label>
      <select id={id} value={spec.equation} onChange={(e) => store.getState().setSpec(specFor(e.target.value))}>
        {EQUATION_IDS.map((eq) => (
          <option key={eq} value={eq}>
            {EQUATIONS[eq].title}
          </option>
        ))}
      </select>
      <div className="hint formula">{equation.formula}</div>
    </div>
  );
}

function presetMatching(spec: PdeSpec): string {
  const text = JSON.stringify(spec);
  return PDE_PRESETS.find((p) => JSON.stringify(parsePdeSpec(p.spec)) === text)?.id ?? '';
}

function PresetPicker() {
  const store = usePdeStoreApi();
  const spec = usePdeStore((s) => s.spec);
  const id = useId();
  const current = presetMatching(spec);
  const preset = PDE_PRESETS.find((p) => p.id === current);
  return (
    <div className="field">
      <label htmlFor={id}>Preset</label>
      <select id={id} value={current} onChange={(e) => e.target.value && store.getState().setSpec(parsePdeSpec(PDE_PRESETS.find((p) => p.id === e.target.value)!.spec))}>
        <option value="">(custom)</option>
        {PDE_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title}
          </option>
        ))}
      </select>
      {preset && <div className="hint">{preset.source}</div>}
      {spec.equation === 'gray-scott-map' && (
        <div className="hint" data-testid="phase-map-explanation">
          Phase map: F grows from Fmin at the bottom and top edges to Fmax on the middle row; k grows from kmin at the left and right
          edges to kmax on the middle column. A periodic box has no seam only if each ramp climbs and comes back down, so the picture
          is mirrored: its four quadrants are copies, and the lower-left one (F up, k to the right) is the usual F–k diagram.
        </div>
      )}
    </div>
  );
}

/** Pearson's Gray–Scott classes (specs §8): picks (F, k), keeping the rest of the spec */
function PearsonPicker() {
  const spec = usePdeStore((s) => s.spec);
  const edit = usePdeSpecEditor();
  const id = useId();
  if (spec.equation !== 'gray-scott') return null;
  const options = PEARSON_CLASSES.flatMap((c) => c.examples.map(([F, k], i) => ({ key: `${c.name}-${i}`, c, F, k })));
  const current = options.find((o) => o.F === spec.params.F && o.k === spec.params.k);
  return (
    <div className="field">
      <label htmlFor={id}>Pearson class (F, k)</label>
      <select
        id={id}
        value={current?.key ?? ''}
        onChange={(e) => {
          const o = options.find((x) => x.key === e.target.value);
          if (o) edit((d) => void Object.assign(d.params, { F: o.F, k: o.k }));
        }}
      >
        <option value="">(other)</option>
        {options.map((o) => (
          <option key={o.key} value={o.key}>
            {o.c.name}: F = {o.F}, k = {o.k}
          </option>
        ))}
      </select>
      {current && <div className="hint">{current.c.behaviour}</div>}
    </div>
  );
}

/** a slider's scale: logarithmic when the range spans more than three decades (ν from 1e-5 to 10) */
function sliderScale(spec: ParamSpec): { log: boolean; lo: number; hi: number } {
  const lo = spec.min > 0 ? spec.min : spec.default > 0 ? spec.default / 100 : spec.max / 1e4;
  if (spec.max > 0 && lo > 0 && spec.max / lo >= 1000) return { log: true, lo, hi: spec.max };
  return { log: false, lo: spec.min, hi: spec.max };
}

const SLIDER_STEPS = 1000;

/** A numeric input that commits on Enter or blur; shows the committed value otherwise. */
function NumberInput({ id, value, onCommit, label, invalid }: { id: string; value: number; onCommit(v: number, text: string): void; label?: string; invalid?: boolean }) {
  const [text, setText] = useState(fmt(value));
  useEffect(() => setText(fmt(value)), [value]);
  const commit = () => {
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(v)) {
      setText(fmt(value));
      return;
    }
    if (v !== value) onCommit(v, text);
  };
  return (
    <input
      id={id}
      type="text"
      inputMode="decimal"
      aria-label={label}
      aria-invalid={invalid || undefined}
      className="number"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}

function ParamControl({ name, spec }: { name: string; spec: ParamSpec }) {
  const store = usePdeStoreApi();
  const value = usePdeStore((s) => s.spec.params[name]);
  const edit = usePdeSpecEditor();
  const id = useId();
  const scale = sliderScale(spec);
  const toSlider = (v: number) => {
    if (!scale.log) return Math.round(((v - scale.lo) / (scale.hi - scale.lo || 1)) * SLIDER_STEPS);
    return Math.round((Math.log(Math.max(v, scale.lo) / scale.lo) / Math.log(scale.hi / scale.lo)) * SLIDER_STEPS);
  };
  const fromSlider = (s: number) => {
    const t = s / SLIDER_STEPS;
    const v = scale.log ? scale.lo * (scale.hi / scale.lo) ** t : scale.lo + t * (scale.hi - scale.lo);
    return Math.min(spec.max, Math.max(spec.min, +v.toPrecision(4)));
  };
  const set = (v: number) => edit((d) => void (d.params[name] = v));
  const typed = (v: number, text: string) => {
    const clamped = Math.min(spec.max, Math.max(spec.min, v));
    if (clamped !== v)
      store.getState().pushNotice({
        level: 'warning',
        key: `pde-clamp-${name}`,
        text: `params.${name}: ${text.trim()} is outside its range [${fmt(spec.min)}, ${fmt(spec.max)}] (${spec.description}); clamped to ${fmt(clamped)}.`,
      });
    set(clamped);
  };
  return (
    <div className="field param">
      <label htmlFor={id}>
        {name} <span className="param-description">{spec.description}</span>
      </label>
      <div className="row">
        <input
          type="range"
          aria-label={`${name} slider`}
          min={0}
          max={SLIDER_STEPS}
          value={toSlider(value)}
          onChange={(e: ChangeEvent<HTMLInputElement>) => set(fromSlider(Number(e.target.value)))}
        />
        <NumberInput id={id} value={value} onCommit={typed} />
      </div>
      <div className="hint">
        range [{fmt(spec.min)}, {fmt(spec.max)}]
        {scale.log ? ', log slider' : ''}
      </div>
      <DifficultyInput name={name} spec={spec} onPhysical={typed} />
    </div>
  );
}

/**
 * The resolution-independent difficulty γ_j of a linear coefficient (unit L^j/T; specs §3.5) beside its
 * physical value: shown, and editable (converted to the physical value, which is clamped to its range).
 */
function DifficultyInput({ name, spec, onPhysical }: { name: string; spec: ParamSpec; onPhysical(v: number, text: string): void }) {
  const pdeSpec = usePdeStore((s) => s.spec);
  const id = useId();
  const j = difficultyOrder(spec);
  if (j === null) return null;
  const grid = difficultyGrid(pdeSpec);
  const gamma = toDifficulty(pdeSpec.params[name], j, grid);
  return (
    <div className="row difficulty">
      <label htmlFor={id} title="γ_j = a_j Δt N^j 2^(j−1) D / L^j: the stability number of the most compact finite-difference scheme; the same γ looks the same at any N">
        difficulty γ{SUB[j]}
      </label>
      <NumberInput
        id={id}
        label={`${name} difficulty γ${SUB[j]}`}
        value={+gamma.toPrecision(6)}
        onCommit={(v) => {
          const a = fromDifficulty(v, j, grid);
          onPhysical(+a.toPrecision(10), `${fmt(a)} (γ${SUB[j]} = ${fmt(v)})`);
        }}
      />
    </div>
  );
}

function Parameters() {
  const equationId = usePdeStore((s) => s.spec.equation);
  const params = Object.entries(EQUATIONS[equationId].params);
  if (params.length === 0) return <p className="hint">This equation has no parameters.</p>;
  return (
    <fieldset className="field">
      <legend>Parameters</legend>
      {params.map(([name, spec]) => (
        <ParamControl key={`${equationId}-${name}`} name={name} spec={spec} />
      ))}
    </fieldset>
  );
}

function GridControls({ controller }: { controller: PdeController | null }) {
  const spec = usePdeStore((s) => s.spec);
  const store = usePdeStoreApi();
  const edit = usePdeSpecEditor();
  const dimsId = useId();
  const sizeId = useId();
  const lengthId = useId();
  const equation = EQUATIONS[spec.equation];
  const dims = spec.grid.n.length;
  const { min, max } = PDE_GRID_SIZES[dims];
  const sizes: number[] = [];
  for (let n = min; n <= Math.min(max, dims === 1 ? 16384 : 1024); n *= 2) sizes.push(n);
  const keepId = useId();
  const keep = usePdeStore((s) => s.keepDifficulty);
  const hasDifficulty = Object.values(equation.params).some((p) => difficultyOrder(p) !== null);
  /** a grid change drops an uploaded initial state that no longer fits (it would be refused); with "keep γ", rescales the coefficients */
  const gridEdit = (change: (d: PdeSpec) => void) =>
    edit((d) => {
      const before = difficultyGrid(d);
      change(d);
      if (keep && hasDifficulty) {
        const kept = keepDifficulty(d.params, equation.params, before, difficultyGrid(d));
        d.params = kept.params;
        if (kept.clamped.length)
          store.getState().pushNotice({ level: 'warning', key: 'pde-difficulty', text: `Keeping the difficulty γ would take ${kept.clamped.join(', ')} outside its range: clamped, so γ changed.` });
      }
      if (d.ic.type === 'file' && !controller?.initFits(d)) {
        d.ic = { type: 'preset' };
        store.getState().pushNotice({ level: 'info', key: 'pde-file', text: 'The uploaded initial state does not fit the new grid: back to the preset initial condition.' });
      }
    });
  return (
    <fieldset className="field">
      <legend>Grid</legend>
      {supportedDims(equation).length > 1 && (
        <div className="row">
          <label htmlFor={dimsId}>Dimension</label>
          <select id={dimsId} value={dims} onChange={(e) => store.getState().setSpec({ ...specFor(spec.equation, Number(e.target.value)), params: spec.params })}>
            {supportedDims(equation).map((d) => (
              <option key={d} value={d}>
                {d}D
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="row">
        <label htmlFor={sizeId}>Points per axis</label>
        <select id={sizeId} value={spec.grid.n[0]} onChange={(e) => gridEdit((d) => void (d.grid = { ...d.grid, n: d.grid.n.map(() => Number(e.target.value)) }))}>
          {sizes.map((n) => (
            <option key={n} value={n}>
              {dims === 2 ? `${n}×${n}` : n}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <label htmlFor={lengthId}>Box length</label>
        <NumberInput id={lengthId} value={spec.grid.length[0]} onCommit={(v) => gridEdit((d) => void (d.grid = { ...d.grid, length: d.grid.length.map(() => v) }))} />
      </div>
      {hasDifficulty && (
        <label className="check" htmlFor={keepId}>
          <input id={keepId} type="checkbox" checked={keep} onChange={(e) => store.getState().setKeepDifficulty(e.target.checked)} />
          Keep difficulty γ when the grid changes (rescales {Object.keys(equation.params).filter((n) => difficultyOrder(equation.params[n]) !== null).join(', ')})
        </label>
      )}
    </fieldset>
  );
}

function TimeControls() {
  const spec = usePdeStore((s) => s.spec);
  const compare = usePdeStore((s) => s.compare);
  const store = usePdeStoreApi();
  const edit = usePdeSpecEditor();
  const stepperId = useId();
  const compareId = useId();
  const dtId = useId();
  const tEndId = useId();
  const expertId = useId();
  const info = STEPPER_INFO[spec.stepper];
  const option = (s: StepperName) => (
    <option key={s} value={s}>
      {STEPPER_INFO[s].title} · order {STEPPER_INFO[s].order}
      {STEPPER_INFO[s].stiff ? '' : ' · explicit'}
    </option>
  );
  return (
    <fieldset className="field">
      <legend>Time stepping</legend>
      <div className="row">
        <label htmlFor={stepperId}>Stepper</label>
        <select id={stepperId} value={spec.stepper} onChange={(e) => edit((d) => void (d.stepper = e.target.value as StepperName))}>
          {STEPPERS.map(option)}
        </select>
      </div>
      <div className="hint">{info.stiff ? 'treats the linear part exactly or implicitly: no stiff time-step limit' : 'explicit: dt is limited by the stiffest mode (see the stability region)'}</div>
      <div className="row">
        <label htmlFor={dtId}>dt</label>
        <NumberInput id={dtId} value={spec.dt} onCommit={(v) => edit((d) => void (d.dt = v))} />
      </div>
      <div className="row">
        <label htmlFor={tEndId}>tEnd</label>
        <NumberInput id={tEndId} value={spec.tEnd} onCommit={(v) => edit((d) => void (d.tEnd = v))} />
      </div>
      <div className="row">
        <label htmlFor={compareId}>Side by side with</label>
        <select id={compareId} value={compare ?? ''} onChange={(e) => store.getState().setCompare((e.target.value || null) as StepperName | null)}>
          <option value="">(none)</option>
          {STEPPERS.filter((s) => s !== spec.stepper).map(option)}
        </select>
      </div>
      <label className="check" htmlFor={expertId}>
        <input id={expertId} type="checkbox" checked={spec.coefficients === 'real-part'} onChange={(e) => edit((d) => void (d.coefficients = e.target.checked ? 'real-part' : 'complex'))} />
        Expert: real-part φ coefficients (the KdV pitfall)
      </label>
    </fieldset>
  );
}

// ---- initial condition -------------------------------------------------------------------------------------

type IcType = PdeSpec['ic']['type'];
const IC_LABELS: Record<IcType, string> = {
  preset: 'Preset',
  random: 'Random (seeded)',
  expression: 'Expression',
  gaussians: 'Gaussian blob',
  file: 'From a .npy file',
};

function defaultIc(type: IcType, spec: PdeSpec): PdeSpec['ic'] {
  const equation = EQUATIONS[spec.equation];
  const dims = spec.grid.n.length;
  switch (type) {
    case 'preset':
      return { type: 'preset' };
    case 'random':
      return { type: 'random', cutoff: 5, amplitude: 1 };
    case 'expression': {
      const one = dims === 1 ? 'exp(-10*(x/Lx-0.5)^2)' : 'exp(-10*((x/Lx-0.5)^2+(y/Ly-0.5)^2))';
      const count = equation.complexField ? 2 * equation.channels.length : equation.channels.length;
      return { type: 'expression', expressions: Array.from({ length: count }, (_, i) => (i === 0 ? one : '0')) };
    }
    case 'gaussians':
      return { type: 'gaussians', blobs: [{ center: spec.grid.length.map((l) => l / 2), width: spec.grid.length[0] / 20, amplitude: 1, channel: 0 }], background: [] };
    case 'file':
      return { type: 'file' };
  }
}

function ExpressionEditor() {
  const spec = usePdeStore((s) => s.spec);
  const store = usePdeStoreApi();
  const ic = spec.ic.type === 'expression' ? spec.ic : null;
  const [texts, setTexts] = useState<string[]>(ic?.expressions ?? []);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setTexts(ic?.expressions ?? []), [ic]);
  if (!ic) return null;
  const equation = EQUATIONS[spec.equation];
  const names = equation.complexField ? equation.channels.flatMap((c) => [`Re ${c}`, `Im ${c}`]) : equation.channels;
  const apply = () => {
    try {
      store.getState().setSpec({ ...spec, ic: { type: 'expression', expressions: texts } });
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof SpecError ? error.problems.join('; ') : (error as Error).message);
    }
  };
  const vars = ['x', 'y'].slice(0, spec.grid.n.length).concat(['Lx', 'Ly'].slice(0, spec.grid.n.length), Object.keys(spec.params)).join(', ');
  return (
    <div className="ic-editor">
      {names.map((name, i) => (
        <label key={name} className="stacked">
          {name}(x{spec.grid.n.length > 1 ? ', y' : ''}) =
          <input type="text" value={texts[i] ?? ''} aria-invalid={problem ? true : undefined} onChange={(e) => setTexts(texts.map((t, j) => (j === i ? e.target.value : t)))} onKeyDown={(e) => e.key === 'Enter' && apply()} />
        </label>
      ))}
      <button type="button" className="button small" onClick={apply}>
        Apply expression
      </button>
      <div className="hint">variables: {vars}</div>
      {problem && (
        <div className="hint error" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}

function GaussianEditor() {
  const spec = usePdeStore((s) => s.spec);
  const edit = usePdeSpecEditor();
  if (spec.ic.type !== 'gaussians') return null;
  const blob = spec.ic.blobs[0];
  const channels = EQUATIONS[spec.equation].channels;
  const setBlob = (change: Partial<typeof blob>) => edit((d) => void (d.ic.type === 'gaussians' && (d.ic.blobs[0] = { ...d.ic.blobs[0], ...change })));
  return (
    <div className="ic-editor">
      {blob.center.map((c, axis) => (
        <label key={axis} className="row">
          centre {axis === 0 ? 'x' : 'y'}
          <NumberInput id={`blob-${axis}`} value={c} onCommit={(v) => setBlob({ center: blob.center.map((x, j) => (j === axis ? v : x)) })} />
        </label>
      ))}
      <label className="row">
        width
        <NumberInput id="blob-width" value={blob.width} onCommit={(v) => setBlob({ width: v })} />
      </label>
      <label className="row">
        amplitude
        <NumberInput id="blob-amplitude" value={blob.amplitude} onCommit={(v) => setBlob({ amplitude: v })} />
      </label>
      {channels.length > 1 && (
        <label className="row">
          field
          <select value={blob.channel} onChange={(e) => setBlob({ channel: Number(e.target.value) })}>
            {channels.map((c, i) => (
              <option key={c} value={i}>
                {c}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}

function FileLoader({ controller }: { controller: PdeController | null }) {
  const store = usePdeStoreApi();
  const spec = usePdeStore((s) => s.spec);
  const id = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const load = async (file: File) => {
    if (!controller) return;
    let message: string | null;
    try {
      const array = parseNpy(new Uint8Array(await file.arrayBuffer()));
      message = controller.setInitArray(array.shape, array.data);
    } catch (error) {
      message = error instanceof NpyError ? error.message : `could not be read: ${(error as Error).message}`;
    }
    setProblem(message ? `${file.name} was refused: ${message}` : null);
    if (message) store.getState().pushNotice({ level: 'warning', key: 'pde-file', text: `Initial state ${file.name} was refused: ${message}. Nothing was changed.` });
  };
  return (
    <div className="ic-editor">
      <label htmlFor={id}>Initial state (.npy, float32 or float64)</label>
      <input id={id} type="file" accept=".npy" onChange={(e) => e.target.files?.[0] && void load(e.target.files[0])} />
      {spec.ic.type === 'file' && <div className="hint">using the uploaded array</div>}
      {problem && (
        <div className="hint error" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
}

function InitialCondition({ controller }: { controller: PdeController | null }) {
  const spec = usePdeStore((s) => s.spec);
  const edit = usePdeSpecEditor();
  const id = useId();
  const seedId = useId();
  const [showFile, setShowFile] = useState(false);
  const type = showFile ? 'file' : spec.ic.type;
  return (
    <fieldset className="field">
      <legend>Initial condition</legend>
      <div className="row">
        <label htmlFor={id}>Type</label>
        <select
          id={id}
          value={type}
          onChange={(e) => {
            const next = e.target.value as IcType;
            // 'file' waits for an upload; the spec changes only once a valid array is in
            setShowFile(next === 'file');
            if (next !== 'file') edit((d) => void (d.ic = defaultIc(next, d)));
          }}
        >
          {(Object.keys(IC_LABELS) as IcType[]).map((t) => (
            <option key={t} value={t}>
              {IC_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
      {type === 'preset' && <div className="hint">{EQUATIONS[spec.equation].preset.description}</div>}
      {type === 'random' && spec.ic.type === 'random' && (
        <div className="ic-editor">
          <label className="row">
            cutoff mode
            <NumberInput id="random-cutoff" value={spec.ic.cutoff} onCommit={(v) => edit((d) => void (d.ic.type === 'random' && (d.ic.cutoff = Math.round(v))))} />
          </label>
          <label className="row">
            max |u|
            <NumberInput id="random-amplitude" value={spec.ic.amplitude} onCommit={(v) => edit((d) => void (d.ic.type === 'random' && (d.ic.amplitude = v)))} />
          </label>
        </div>
      )}
      {type === 'expression' && <ExpressionEditor />}
      {type === 'gaussians' && <GaussianEditor />}
      {type === 'file' && <FileLoader controller={controller} />}
      <div className="row">
        <label htmlFor={seedId}>Seed</label>
        <NumberInput id={seedId} value={spec.seed} onCommit={(v) => edit((d) => void (d.seed = Math.round(v)))} />
      </div>
    </fieldset>
  );
}

export function PdeControls({ controller }: { controller: PdeController | null }) {
  return (
    <div className="controls pde-controls">
      <EquationPicker />
      <PresetPicker />
      <PearsonPicker />
      <Parameters />
      <GridControls controller={controller} />
      <TimeControls />
      <InitialCondition controller={controller} />
    </div>
  );
}
