import { useEffect, useId, useState } from 'react';
import { EmsNotCached } from '../core/sampling/ems.ts';
import { buildSpecProgram } from '../core/sampling/experiment.ts';
import { GLYPH_COUNT } from '../core/sampling/glyphs.ts';
import { TARGET_PRESETS, type TargetPresetName } from '../core/sampling/presets.ts';
import { PROCESS_TYPES, type ProcessType } from '../core/sampling/process.ts';
import { SpecError, type SampleSpec } from '../core/spec/spec.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { PARTICLE_COUNTS, PRESET_LABELS, processLabel } from './labels.ts';
import { SOFTWARE_IMAGE_N } from './controller.ts';
import { TargetSource, describeTarget } from './TargetSource.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { ConfigurationCards, useDragReport } from './ConfigurationCards.tsx';

const NFE_MIN = 2;
const NFE_MAX = 50;

/** Apply an edit of the spec through the schema; a rejected edit becomes a notice and changes nothing. */
function useSpecEditor(): (edit: (draft: SampleSpec) => void) => void {
  const store = useAppStoreApi();
  return (edit) => {
    const draft = structuredClone(store.getState().spec);
    edit(draft);
    try {
      store.getState().setSpec(draft);
    } catch (error) {
      const text = error instanceof SpecError ? error.problems.join('; ') : (error as Error).message;
      store.getState().pushNotice({ level: 'warning', key: 'spec-edit', text: `That change was not applied: ${text}` });
    }
  };
}

/** the NFE the spec spends (its own `nfe`, or what its `steps` or custom grid cost) */
function currentNfe(spec: SampleSpec): number {
  if (spec.nfe !== undefined) return spec.nfe;
  try {
    // adaptive solvers spend what their tolerances need: no NFE to show before they run; DPM-Solver-v3 (one
    // evaluation per step) needs statistics only a run computes ('cached': never here, on the main thread)
    return buildSpecProgram(spec, undefined, 'cached').nfe ?? 10;
  } catch (error) {
    return error instanceof EmsNotCached ? (spec.steps ?? 10) : 10;
  }
}

function NfeSlider() {
  const spec = useAppStore((s) => s.spec);
  const edit = useSpecEditor();
  const id = useId();
  const nfe = currentNfe(spec);
  const custom = spec.schedule.type === 'custom';
  // while it is held the live runs use fewer particles, refined on release (controller.ts dragParticles)
  const drag = useDragReport();
  // the slider moves freely; the spec (and the runs) follow when it is released or after a pause
  const [value, setValue] = useState(nfe);
  useEffect(() => setValue(nfe), [nfe]);
  const commit = (v: number) =>
    edit((d) => {
      d.nfe = v;
      delete d.steps;
    });
  return (
    <div className="field">
      <label htmlFor={id}>
        Steps budget <span className="value">{value} NFE</span>
      </label>
      <input
        id={id}
        type="range"
        onPointerDown={drag.onPointerDown}
        min={NFE_MIN}
        max={NFE_MAX}
        step={1}
        value={Math.min(NFE_MAX, Math.max(NFE_MIN, value))}
        disabled={custom}
        onChange={(e) => {
          const v = Number(e.target.value);
          setValue(v);
          commit(v);
        }}
      />
      <div className="hint">{custom ? 'fixed by the custom time grid' : 'model evaluations per sample (2 … 50)'}</div>
    </div>
  );
}

function SeedInput() {
  const seed = useAppStore((s) => s.spec.seed);
  const edit = useSpecEditor();
  const id = useId();
  const [text, setText] = useState(String(seed));
  useEffect(() => setText(String(seed)), [seed]);
  const valid = /^\d+$/.test(text) && Number(text) <= 0xffffffff;
  return (
    <div className="field">
      <label htmlFor={id}>Seed</label>
      <div className="row">
        <input
          id={id}
          type="number"
          min={0}
          max={0xffffffff}
          step={1}
          value={text}
          aria-invalid={!valid}
          onChange={(e) => {
            setText(e.target.value);
            if (/^\d+$/.test(e.target.value) && Number(e.target.value) <= 0xffffffff) {
              const v = Number(e.target.value);
              edit((d) => void (d.seed = v));
            }
          }}
        />
        <button
          type="button"
          className="button secondary small"
          title="New random seed"
          onClick={() => {
            const v = Math.floor(Math.random() * 1e6);
            edit((d) => void (d.seed = v));
          }}
        >
          New
        </button>
      </div>
      {!valid && <div className="hint error">an integer from 0 to 4294967295</div>}
    </div>
  );
}

/** the built-in image target's entry in the target picker */
const GLYPHS_OPTION = 'glyphs16';

/** glyphs16's `components`: how many digits (0 … k − 1) the mixture has */
function GlyphComponents({ components }: { components: number }) {
  const edit = useSpecEditor();
  const id = useId();
  return (
    <div className="row">
      <label htmlFor={id} className="hint">
        digits
      </label>
      <select
        id={id}
        data-testid="glyph-components"
        value={components}
        onChange={(e) => {
          const k = Number(e.target.value);
          edit((d) => {
            if (d.target.type === 'glyphs16') d.target = { ...d.target, components: k };
          });
        }}
      >
        {Array.from({ length: GLYPH_COUNT }, (_, i) => i + 1).map((k) => (
          <option key={k} value={k}>
            {k === 1 ? '0 only' : `0 … ${k - 1}`}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Controls() {
  const spec = useAppStore((s) => s.spec);
  const backend = useAppStore((s) => s.gpu.backend);
  const software = useAppStore((s) => s.gpu.status === 'software');
  const store = useAppStoreApi();
  const edit = useSpecEditor();
  const targetId = useId();
  const processId = useId();
  const nId = useId();
  const preset = spec.target.type === 'preset' ? spec.target.name : null;
  const glyphs = spec.target.type === 'glyphs16';
  const counts = PARTICLE_COUNTS.includes(spec.n) ? PARTICLE_COUNTS : [...PARTICLE_COUNTS, spec.n].sort((a, b) => a - b);
  return (
    <div className="controls">
      <div className="field">
        <label htmlFor={targetId}>Target distribution</label>
        <select
          id={targetId}
          value={preset ?? (glyphs ? GLYPHS_OPTION : 'custom')}
          data-testid="target-picker"
          onChange={(e) => {
            if (e.target.value === GLYPHS_OPTION) {
              // on a software adapter every image metric costs CPU time in proportion to n: start small
              const shrink = software && store.getState().spec.n > SOFTWARE_IMAGE_N;
              edit((d) => {
                // the schema fills components and pixelStd with their defaults
                d.target = { type: 'glyphs16' } as SampleSpec['target'];
                if (shrink) d.n = SOFTWARE_IMAGE_N;
              });
              if (shrink && store.getState().spec.target.type === 'glyphs16')
                store.getState().pushNotice({
                  level: 'info',
                  key: 'image-n',
                  text: `Particles set to n = ${SOFTWARE_IMAGE_N} for the image target: this is a software adapter, where every run’s image metrics cost CPU time in proportion to n.`,
                });
              return;
            }
            const name = e.target.value as TargetPresetName;
            edit((d) => void (d.target = { type: 'preset', name }));
          }}
        >
          {TARGET_PRESETS.map((name) => (
            <option key={name} value={name}>
              {PRESET_LABELS[name]}
            </option>
          ))}
          <option value={GLYPHS_OPTION}>Digit images 16×16 (glyphs16, 256-D)</option>
          {!preset && !glyphs && (
            <option value="custom" disabled>
              Your {describeTarget(spec.target)}
            </option>
          )}
        </select>
        {spec.target.type === 'glyphs16' && <GlyphComponents components={spec.target.components} />}
        <TargetSource />
      </div>
      <ModelPicker />
      <div className="field">
        <label htmlFor={processId}>Noise process</label>
        <select
          id={processId}
          value={spec.process.type}
          onChange={(e) => {
            const type = e.target.value as ProcessType;
            edit((d) => {
              // the schema fills the process's parameters and its own default time range
              d.process = { type } as SampleSpec['process'];
              delete (d as Partial<SampleSpec>).tStart;
              delete (d as Partial<SampleSpec>).tEnd;
            });
          }}
        >
          {PROCESS_TYPES.map((type) => (
            <option key={type} value={type}>
              {processLabel(type)}
            </option>
          ))}
        </select>
      </div>
      <NfeSlider />
      <ConfigurationCards edit={edit} />
      <div className="field">
        <label htmlFor={nId}>Particles n</label>
        <select id={nId} value={spec.n} onChange={(e) => edit((d) => void (d.n = Number(e.target.value)))}>
          {counts.map((n) => (
            <option key={n} value={n}>
              {n.toLocaleString('en-US')}
            </option>
          ))}
        </select>
        {backend === 'cpu' && spec.n > 4096 && <div className="hint warn">the CPU fallback is slow above a few thousand particles</div>}
        {glyphs && software && spec.n > SOFTWARE_IMAGE_N && (
          <div className="hint warn">image target on a software adapter: runs above {SOFTWARE_IMAGE_N} particles take a long time</div>
        )}
      </div>
      <SeedInput />
    </div>
  );
}
