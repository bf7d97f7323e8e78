// The PDE lab's views (issue #6): the field of each run (2D colour map with colour bar and brush, or 1D line you
// can drag plus a live space-time waterfall), the invariants over time, and the stepper's stability region with
// the grid's hλ, the energy spectrum, and (Navier–Stokes) velocity arrows over the vorticity; a 2D field can
// also be shown as a three.js height surface with an orbit camera. Imperative drawing modules (views/pde/*) are mounted by these small components; the field
// views register with the controller, which calls them from the frame loop (outside React).

import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { EQUATIONS } from '../../core/pde/equations.ts';
import { linearEigenvalues } from '../../core/pde/stability.ts';
import { STEPPER_INFO } from '../../core/pde/steppers.ts';
import { problemOf } from '../../engine/pde/pdeRun.ts';
import { usePdeStore, usePdeStoreApi } from '../../state/pdeHooks.ts';
import { COLORMAPS, type ColormapName, type PdeRunInfo } from '../../state/pdeStore.ts';
import { RUN_COLORS, drawColorBar, drawInvariantChart, drawLinePlot, drawStabilityRegion, type LinePlotReport } from '../../views/pde/charts.ts';
import { COLORMAP_LABELS } from '../../views/pde/colormaps.ts';
import { FieldMap } from '../../views/pde/fieldMap.ts';
import { drawArrows, drawSpectrumChart, shellSpectrum, velocityFromVorticity } from '../../views/pde/spectralViews.ts';
import { SurfaceView } from '../../views/pde/surface.ts';
import { Waterfall } from '../../views/pde/waterfall.ts';
import { channelValues, statsRange } from './fieldOps.ts';
import { EXACT_ERROR_ID, type PdeController, type RunRole } from './pdeController.ts';
import { dropFieldReport, reportField, reportPdeView, reportPerRun } from './viewReports.ts';
import { ExportMenu, type ExportRow } from '../export/ExportMenu.tsx';
import { canvasPng, csvBlob, jsonBlob, svgBlob, svgPng } from '../export/exporters.ts';
import { fieldNpy, fieldPng } from '../export/pdeExports.ts';
import { timeSeriesTable } from '../export/viewData.ts';

/** SVG and PNG actions for a d3 chart found when the button is pressed (null: not drawn) */
function chartActions(name: (string | number)[], find: () => SVGSVGElement | null | undefined, unavailable: string | null = null): ExportRow['actions'] {
  const svg = () => {
    const element = find();
    if (!element || element.childElementCount === 0) throw new Error('the chart is not drawn');
    return element;
  };
  return [
    { format: 'svg', name, make: () => svgBlob(svg()), unavailable },
    { format: 'png', name, make: () => svgPng(svg()), unavailable },
  ];
}

const fmt = (v: number) => (v === 0 ? '0' : Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5 ? v.toExponential(2) : String(+v.toPrecision(4)));

/** the colour range in use: fixed, or from the latest statistics (or the values at hand) */
function useRangeSource() {
  const store = usePdeStoreApi();
  return (role: RunRole, values?: Float32Array): [number, number] => {
    const { view, runs, spec } = store.getState();
    if (view.range === 'fixed') return view.fixed;
    const complex = EQUATIONS[spec.equation].complexField;
    if (values) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      if (lo <= hi) return hi - lo > 1e-12 * Math.max(1, Math.abs(hi)) ? [complex ? 0 : lo, hi] : [lo - 0.5, hi + 0.5];
    }
    const stats = runs.find((r) => r.role === role)?.stats;
    return stats ? statsRange(stats, view.channel, complex) : [0, 1];
  };
}

// ---- 2D --------------------------------------------------------------------------------------------------

function Field2D({ role, controller, device }: { role: RunRole; controller: PdeController; device: GPUDevice | null }) {
  const store = usePdeStoreApi();
  const canvas = useRef<HTMLCanvasElement>(null);
  const grid = usePdeStore((s) => s.spec.grid);
  const equationId = usePdeStore((s) => s.spec.equation);
  const backend = usePdeStore((s) => s.runs.find((r) => r.role === role)?.backend);
  const rangeOf = useRangeSource();
  const [failure, setFailure] = useState<string | null>(null);
  const overlay = useRef<HTMLCanvasElement>(null);
  const arrowsOn = usePdeStore((s) => s.view.arrows && s.spec.equation === 'navier-stokes-2d');
  const painting = useRef<{ active: boolean; busy: boolean; next: [number, number] | null }>({ active: false, busy: false, next: null });
  // the GPU path needs a GPU run and a presentable canvas; the key remounts the canvas when that changes
  const gpuPath = Boolean(device) && backend === 'gpu';

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    let map: FieldMap;
    try {
      map = new FieldMap(element, gpuPath ? device : null);
    } catch (error) {
      setFailure((error as Error).message);
      return;
    }
    const equation = EQUATIONS[equationId];
    map.setLayout({ nx: grid.n[0], ny: grid.n[1], channels: equation.channels.length, complex: equation.complexField });
    let draws = 0;
    const report = (range: [number, number]) => {
      const { view } = store.getState();
      reportField({ role, path: map.gpu ? 'gpu' : 'canvas', mode: 'map', colormap: view.colormap, channel: view.channel, range, draws: ++draws });
    };
    const detach = controller.attachDisplay(
      role,
      map.gpu
        ? {
            encode(encoder, physical) {
              const { view } = store.getState();
              const range = rangeOf(role);
              map.setColormap(view.colormap);
              map.encode(encoder, physical, view.channel, range);
              report(range);
            },
          }
        : {
            show(field) {
              const { view } = store.getState();
              const values = channelValues(field, equation.channels.length, view.channel, equation.complexField);
              const range = rangeOf(role, values);
              map.setColormap(view.colormap);
              map.drawArray(values, range);
              report(range);
            },
          },
    );
    return () => {
      detach();
      dropFieldReport(role);
      map.destroy();
    };
  }, [controller, device, gpuPath, grid, equationId, role, store]);

  // Navier–Stokes: the velocity u = ∂_y ψ, v = −∂_x ψ from the spectral state at the sample cadence
  useEffect(() => {
    const element = overlay.current;
    if (!arrowsOn || !element) return;
    let updates = 0;
    const detach = controller.attachDisplay(role, {
      spectrum(spectrum, at) {
        const arrows = velocityFromVorticity(spectrum, grid, 16);
        const drawn = drawArrows(element, arrows, [grid.length[0], grid.length[1]]);
        const sample = Array.from({ length: Math.min(4, arrows.u.length) }, (_, a) => [arrows.x[a], arrows.y[a], arrows.u[a], arrows.v[a]] as [number, number, number, number]);
        reportPerRun('arrows', role, { role, grid: [arrows.nx, arrows.ny], drawn, maxSpeed: arrows.maxSpeed, sample, steps: at.steps, updates: ++updates });
      },
    });
    return () => {
      detach();
      reportPerRun('arrows', role, null);
    };
  }, [arrowsOn, controller, grid, role]);

  const toPhysical = (event: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const rect = event.currentTarget.getBoundingClientRect();
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    // row y = 0 is drawn at the bottom
    return [fx * grid.length[0], (1 - fy) * grid.length[1]];
  };
  /** one paint at a time; moves during a paint coalesce into the latest position */
  const paintAt = (center: [number, number]) => {
    const state = painting.current;
    if (state.busy) {
      state.next = center;
      return;
    }
    state.busy = true;
    const { brush } = store.getState();
    void controller.paint({ center, radius: brush.radius * grid.length[0], value: brush.value, mode: brush.mode }).finally(() => {
      state.busy = false;
      const next = state.next;
      state.next = null;
      if (next && state.active) paintAt(next);
    });
  };
  return (
    <div className="pde-field-2d">
      <div style={{ position: 'relative', maxWidth: 520, margin: '0 auto' }}>
      <canvas
        key={gpuPath ? 'gpu' : 'canvas'}
        ref={canvas}
        className="pde-canvas"
        role="img"
        aria-label={`${role === 'primary' ? 'Field' : 'Side-by-side field'}: colour map${arrowsOn ? ' with velocity arrows' : ''}, paint with the pointer`}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          painting.current.active = true;
          paintAt(toPhysical(e));
        }}
        onPointerMove={(e) => painting.current.active && paintAt(toPhysical(e))}
        onPointerUp={() => (painting.current.active = false)}
        onPointerCancel={() => (painting.current.active = false)}
      />
      {arrowsOn && <canvas ref={overlay} aria-hidden="true" style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', pointerEvents: 'none' }} />}
      </div>
      {failure && <p className="hint error">The field view failed: {failure}</p>}
    </div>
  );
}

/** the 2D field as a three.js height surface (orbit camera), drawn from the read-back field at samples */
function Surface2D({ role, controller, device }: { role: RunRole; controller: PdeController; device: GPUDevice | null }) {
  const store = usePdeStoreApi();
  const container = useRef<HTMLDivElement>(null);
  const grid = usePdeStore((s) => s.spec.grid);
  const equationId = usePdeStore((s) => s.spec.equation);
  const backend = usePdeStore((s) => s.runs.find((r) => r.role === role)?.backend);
  const rangeOf = useRangeSource();
  const [failure, setFailure] = useState<string | null>(null);
  const gpuPath = Boolean(device) && backend === 'gpu';
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let view: SurfaceView | null = null;
    let detach = () => {};
    const label = `${role === 'primary' ? 'Field' : 'Side-by-side field'}: height surface, drag to turn, wheel to zoom`;
    const equation = EQUATIONS[equationId];
    // WebGPU on the app's device where its canvas can be presented; WebGL2 otherwise (or if that fails)
    const create = gpuPath ? SurfaceView.create(element, device, label).catch(() => SurfaceView.create(element, null, label)) : SurfaceView.create(element, null, label);
    create.then(
      (created) => {
        if (cancelled) return created.destroy();
        view = created;
        setFailure(null);
        let draws = 0;
        detach = controller.attachDisplay(role, {
          show(field) {
            const { view: settings } = store.getState();
            const values = channelValues(field, equation.channels.length, settings.channel, equation.complexField);
            const range = rangeOf(role, values);
            const surface = created.setField(values, grid.n[0], grid.n[1], range, settings.colormap, settings.heightScale);
            reportField({ role, path: 'canvas', mode: 'surface', colormap: settings.colormap, channel: settings.channel, range, draws: ++draws, surface });
          },
        });
      },
      (error: unknown) => !cancelled && setFailure((error as Error).message),
    );
    return () => {
      cancelled = true;
      detach();
      dropFieldReport(role);
      view?.destroy();
    };
  }, [controller, device, gpuPath, grid, equationId, role, store]);
  return (
    <div className="pde-field-2d">
      <div ref={container} className="pde-surface" style={{ maxWidth: 520, margin: '0 auto' }} />
      {failure && <p className="hint error">The surface view failed: {failure}</p>}
    </div>
  );
}

function ColorBar({ role }: { role: RunRole }) {
  const svg = useRef<SVGSVGElement>(null);
  const view = usePdeStore((s) => s.view);
  const stats = usePdeStore((s) => s.runs.find((r) => r.role === role)?.stats);
  const complex = usePdeStore((s) => EQUATIONS[s.spec.equation].complexField);
  const id = useId().replace(/:/g, '');
  const range: [number, number] = view.range === 'fixed' ? view.fixed : stats ? statsRange(stats, view.channel, complex) : [0, 1];
  useEffect(() => {
    if (svg.current) drawColorBar(svg.current, view.colormap, range, { width: 300, height: 34, id: `cbar-${id}` });
  }, [view.colormap, range[0], range[1], id]);
  return <svg ref={svg} className="pde-colorbar" role="img" aria-label={`Colour bar from ${fmt(range[0])} to ${fmt(range[1])}`} />;
}

// ---- 1D --------------------------------------------------------------------------------------------------

function Field1D({ role, controller }: { role: RunRole; controller: PdeController }) {
  const store = usePdeStoreApi();
  const svg = useRef<SVGSVGElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const grid = usePdeStore((s) => s.spec.grid);
  const equationId = usePdeStore((s) => s.spec.equation);
  const rangeOf = useRangeSource();
  const plot = useRef<LinePlotReport | null>(null);
  const dragging = useRef<{ active: boolean; busy: boolean; next: [number, number] | null }>({ active: false, busy: false, next: null });

  useEffect(() => {
    if (!svg.current || !canvas.current) return;
    const equation = EQUATIONS[equationId];
    const waterfall = new Waterfall(canvas.current);
    const element = svg.current;
    const detach = controller.attachDisplay(role, {
      show(field, at) {
        const { view } = store.getState();
        const channels = equation.channels.length;
        const series = equation.complexField
          ? [
              { label: `Re ${equation.channels[0]}`, color: '#2563eb', values: channelValues(field, channels, view.channel, false) },
              { label: `Im ${equation.channels[0]}`, color: '#d9480f', values: Float32Array.from({ length: field.length / 2 }, (_, i) => field[2 * i + 1]) },
              { label: `|${equation.channels[0]}|`, color: 'currentColor', values: channelValues(field, channels, view.channel, true) },
            ]
          : equation.channels.map((c, i) => ({ label: c, color: i === view.channel ? RUN_COLORS[role] : '#adb5bd', values: channelValues(field, channels, i, false) }));
        const width = element.parentElement?.clientWidth || 520;
        plot.current = drawLinePlot(element, series, { width, height: 200, length: grid.length[0], yTitle: equation.complexField ? equation.channels[0] : equation.channels[view.channel] });
        const shown = channelValues(field, channels, view.channel, equation.complexField);
        waterfall.push(at.time, shown);
        const range = rangeOf(role, shown);
        const wf = waterfall.draw(view.colormap, view.range === 'fixed' ? view.fixed : range);
        reportPdeView('line', { role, series: plot.current.series });
        reportPdeView('waterfall', { role, ...wf });
      },
    });
    return () => detach();
  }, [controller, grid, equationId, role, store]);

  /** drag the profile: a smooth brush towards the pointer's value (one edit at a time, moves coalesce) */
  const dragTo = (point: [number, number]) => {
    const state = dragging.current;
    if (state.busy) {
      state.next = point;
      return;
    }
    state.busy = true;
    const { brush } = store.getState();
    void controller.paint({ center: [point[0]], radius: brush.radius * grid.length[0], value: point[1], mode: 'smooth' }).finally(() => {
      state.busy = false;
      const next = state.next;
      state.next = null;
      if (next && state.active) dragTo(next);
    });
  };
  const pointer = (e: React.PointerEvent<SVGSVGElement>): [number, number] | null => {
    if (!plot.current) return null;
    const rect = e.currentTarget.getBoundingClientRect();
    const scale = (e.currentTarget.viewBox.baseVal?.width || rect.width) / rect.width;
    return plot.current.invert((e.clientX - rect.left) * scale, (e.clientY - rect.top) * scale);
  };
  return (
    <div className="pde-field-1d">
      <svg
        ref={svg}
        className="pde-line"
        role="img"
        aria-label="Field profile: drag to reshape it"
        onPointerDown={(e) => {
          const p = pointer(e);
          if (!p) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          dragging.current.active = true;
          dragTo(p);
        }}
        onPointerMove={(e) => {
          const p = dragging.current.active ? pointer(e) : null;
          if (p) dragTo(p);
        }}
        onPointerUp={() => (dragging.current.active = false)}
      />
      <div className="pde-waterfall-wrap">
        <canvas ref={canvas} className="pde-waterfall" role="img" aria-label="Space-time waterfall: x across, time downwards (newest at the bottom)" />
      </div>
    </div>
  );
}

// ---- one run's panel -----------------------------------------------------------------------------------------

function RunStatus({ run }: { run: PdeRunInfo | undefined }) {
  if (!run) return <div className="run-status">starting…</div>;
  return (
    <div className="pde-run-status">
      <dl className="pde-numbers">
        <div>
          <dt>steps</dt>
          <dd data-testid={`pde-steps-${run.role}`}>{run.steps}</dd>
        </div>
        <div>
          <dt>t</dt>
          <dd>{fmt(run.time)}</dd>
        </div>
        <div>
          <dt>steps/s</dt>
          <dd>{run.stepsPerSecond > 0 ? fmt(run.stepsPerSecond) : '—'}</dd>
        </div>
        <div>
          <dt>backend</dt>
          <dd>{run.backend === 'gpu' ? 'GPU f32' : 'CPU f64'}</dd>
        </div>
      </dl>
      {run.diverged && (
        <div className="pde-diverged" role="alert">
          <strong>Stopped: diverged at step {run.diverged.step} (t = {fmt(run.diverged.time)}).</strong> {run.diverged.message}
        </div>
      )}
    </div>
  );
}

export function RunPanel({ role, controller, device }: { role: RunRole; controller: PdeController; device: GPUDevice | null }) {
  const run = usePdeStore((s) => s.runs.find((r) => r.role === role));
  const stepper = usePdeStore((s) => (role === 'primary' ? s.spec.stepper : s.compare));
  const dims = usePdeStore((s) => s.spec.grid.n.length);
  const mode = usePdeStore((s) => s.view.mode);
  const store = usePdeStoreApi();
  const section = useRef<HTMLElement>(null);
  if (!stepper) return null;
  const { spec } = store.getState();
  const name = ['pde', spec.equation, stepper, role === 'compare' ? 'compare' : null].filter((p): p is string => p !== null);
  const noRun = run ? null : 'No run yet';
  const field = async () => {
    const f = await controller.field(role);
    if (!f) throw new Error('this run has no field yet');
    return f;
  };
  const exportRows: ExportRow[] = [
    {
      what: 'field',
      actions: [
        ...(dims === 2
          ? [
              {
                format: 'png' as const,
                name: [...name, 'field'],
                describe: 'The shown channel as a colour map with the view’s colormap and range, one block per grid point',
                make: async () => fieldPng(await field(), store.getState().spec, store.getState().view),
                unavailable: noRun,
              },
            ]
          : []),
        {
          format: 'npy' as const,
          name: [...name, 'field', `t${+(run?.time ?? 0).toPrecision(4)}`],
          describe: 'float64, C order: [ny, nx] (2D) or [nx] (1D); complex fields end in an axis (re, im); several fields lead with a channel axis',
          make: async () => fieldNpy(await field(), store.getState().spec),
          unavailable: noRun,
        },
      ],
    },
    ...(dims === 1
      ? [
          { what: 'field profile', actions: chartActions([...name, 'profile'], () => section.current?.querySelector<SVGSVGElement>('svg.pde-line'), noRun) },
          {
            what: 'waterfall',
            actions: [
              {
                format: 'png' as const,
                name: [...name, 'waterfall'],
                make: () => {
                  const canvas = section.current?.querySelector<HTMLCanvasElement>('canvas.pde-waterfall');
                  if (!canvas) throw new Error('the waterfall is not drawn');
                  return canvasPng(canvas);
                },
                unavailable: noRun,
              },
            ],
          },
        ]
      : []),
  ];
  return (
    <section ref={section} className="panel pde-run" aria-label={`${STEPPER_INFO[stepper].title} run`}>
      <div className="panel-head">
        <h2>
          <span className="swatch big" style={{ background: RUN_COLORS[role] }} aria-hidden="true" />
          {STEPPER_INFO[stepper].title}
        </h2>
        <ExportMenu label={`${STEPPER_INFO[stepper].title} run`} rows={exportRows} />
      </div>
      {dims === 2 ? (
        <>
          {mode === 'surface' ? <Surface2D role={role} controller={controller} device={device} /> : <Field2D role={role} controller={controller} device={device} />}
          <ColorBar role={role} />
        </>
      ) : (
        <Field1D role={role} controller={controller} />
      )}
      <RunStatus run={run} />
    </section>
  );
}

// ---- view settings and brush -------------------------------------------------------------------------------------

export function ViewSettings({ controller }: { controller: PdeController }) {
  const store = usePdeStoreApi();
  const view = usePdeStore((s) => s.view);
  const brush = usePdeStore((s) => s.brush);
  const spec = usePdeStore((s) => s.spec);
  const equation = EQUATIONS[spec.equation];
  const ids = { cmap: useId(), range: useId(), lo: useId(), hi: useId(), channel: useId(), radius: useId(), value: useId(), mode: useId(), height: useId(), arrows: useId(), view: useId() };
  // a change of what is shown redraws at once (also while paused)
  useEffect(() => {
    void controller.redraw();
  }, [controller, view]);
  const dims = spec.grid.n.length;
  return (
    <section className="panel pde-view-settings" aria-label="View and brush">
      {dims === 2 && (
        <div className="row wrap">
          <div role="radiogroup" aria-labelledby={ids.view} className="row">
            <span id={ids.view}>2D view</span>
            {(['map', 'surface'] as const).map((m) => (
              <label key={m} className="check">
                <input type="radio" name={ids.view} value={m} aria-label={m === 'map' ? 'Colour map view' : 'Surface view'} checked={view.mode === m} onChange={() => store.getState().setView({ mode: m })} />
                {m === 'map' ? 'Colour map' : 'Surface'}
              </label>
            ))}
          </div>
          {view.mode === 'surface' && (
            <>
              <label htmlFor={ids.height}>Height scale</label>
              <input id={ids.height} type="range" style={{ maxWidth: 180 }} min={0} max={4} step={0.05} value={view.heightScale} onChange={(e) => store.getState().setView({ heightScale: e.target.valueAsNumber })} />
              <span className="hint" aria-hidden="true">
                ×{view.heightScale.toFixed(2)}
              </span>
            </>
          )}
          {spec.equation === 'navier-stokes-2d' && view.mode === 'map' && (
            <label className="check" htmlFor={ids.arrows}>
              <input id={ids.arrows} type="checkbox" checked={view.arrows} onChange={(e) => store.getState().setView({ arrows: e.target.checked })} />
              Velocity arrows (u = ∂_y ψ, v = −∂_x ψ)
            </label>
          )}
        </div>
      )}
      <div className="row wrap">
        <label htmlFor={ids.cmap}>Colour map</label>
        <select id={ids.cmap} value={view.colormap} onChange={(e) => store.getState().setView({ colormap: e.target.value as ColormapName })}>
          {COLORMAPS.map((c) => (
            <option key={c} value={c}>
              {COLORMAP_LABELS[c]}
            </option>
          ))}
        </select>
        {equation.channels.length > 1 && (
          <>
            <label htmlFor={ids.channel}>Show field</label>
            <select id={ids.channel} value={view.channel} onChange={(e) => store.getState().setView({ channel: Number(e.target.value) })}>
              {equation.channels.map((c, i) => (
                <option key={c} value={i}>
                  {c}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={ids.range}>Range</label>
        <select
          id={ids.range}
          value={view.range}
          onChange={(e) => {
            const range = e.target.value as 'auto' | 'fixed';
            // fixing the range starts from the current automatic one
            const stats = store.getState().runs[0]?.stats;
            const fixed = stats ? statsRange(stats, view.channel, equation.complexField) : view.fixed;
            store.getState().setView(range === 'fixed' ? { range, fixed } : { range });
          }}
        >
          <option value="auto">auto (min … max)</option>
          <option value="fixed">fixed</option>
        </select>
        {view.range === 'fixed' && (
          <>
            <label htmlFor={ids.lo}>min</label>
            <input id={ids.lo} type="number" step="any" value={view.fixed[0]} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && store.getState().setView({ fixed: [e.target.valueAsNumber, view.fixed[1]] })} />
            <label htmlFor={ids.hi}>max</label>
            <input id={ids.hi} type="number" step="any" value={view.fixed[1]} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && store.getState().setView({ fixed: [view.fixed[0], e.target.valueAsNumber] })} />
          </>
        )}
      </div>
      <div className="row wrap">
        <span className="brush-title">{dims === 2 ? 'Brush (click or drag on the field)' : 'Drag the profile to reshape it'}</span>
        <label htmlFor={ids.radius}>radius (box fraction)</label>
        <input id={ids.radius} type="number" min={0.005} max={0.5} step={0.005} value={brush.radius} onChange={(e) => e.target.valueAsNumber > 0 && store.getState().setBrush({ radius: Math.min(0.5, e.target.valueAsNumber) })} />
        {dims === 2 && (
          <>
            <label htmlFor={ids.value}>value</label>
            <input id={ids.value} type="number" step="any" value={brush.value} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && store.getState().setBrush({ value: e.target.valueAsNumber })} />
            <label htmlFor={ids.mode}>mode</label>
            <select id={ids.mode} value={brush.mode} onChange={(e) => store.getState().setBrush({ mode: e.target.value as 'add' | 'replace' | 'smooth' })}>
              <option value="replace">replace</option>
              <option value="add">add</option>
              <option value="smooth">smooth</option>
            </select>
          </>
        )}
      </div>
    </section>
  );
}

// ---- invariants ------------------------------------------------------------------------------------------

export function InvariantsPanel() {
  const runs = usePdeStore((s) => s.runs);
  const refs = useRef<Record<string, SVGSVGElement | null>>({});
  const ids = runs[0]?.invariants.map((s) => s.id) ?? [];
  // plain frames publish new run objects with the same series: redraw only when a series changed
  const drawn = useRef<unknown[]>([]);
  useEffect(() => {
    const series = runs.map((r) => r.invariants);
    if (series.length === drawn.current.length && series.every((s, i) => s === drawn.current[i])) return;
    drawn.current = series;
    const reports: Record<string, ReturnType<typeof drawInvariantChart>> = {};
    for (const [i, id] of ids.entries()) {
      const element = refs.current[id];
      if (!element) continue;
      const series = runs.map((r) => ({ label: r.stepper, color: RUN_COLORS[r.role], times: r.invariants[i]?.times ?? [], values: r.invariants[i]?.values ?? [] }));
      reports[id] = drawInvariantChart(element, series, { width: element.parentElement?.clientWidth || 420, height: 130, title: id });
    }
    reportPdeView('invariants', reports);
  }, [runs]);
  if (!runs[0]) return null;
  return (
    <section className="panel pde-invariants" aria-label="Invariants over time">
      <div className="panel-head">
        <h2>Invariants over time</h2>
        <InvariantsExport ids={ids} refs={refs} />
      </div>
      {runs[0].invariants.map((s, i) => {
        const last = (r: PdeRunInfo) => r.invariants[i]?.values.at(-1);
        const first = runs[0].invariants[i]?.values[0];
        return (
          <div key={s.id} className="pde-invariant">
            <div className="hint">
              <strong>{s.id}</strong> = {s.description} ({s.id === EXACT_ERROR_ID ? 'the run’s error' : s.expect === 'none' ? 'not conserved' : s.expect})
              {runs.map((r) => {
                const value = last(r);
                return value === undefined ? null : (
                  <span key={r.role} style={{ color: RUN_COLORS[r.role] }}>
                    {' '}
                    · {r.stepper}: {fmt(value)}
                    {first ? ` (Δ/|·| = ${((value - first) / Math.abs(first)).toExponential(1)})` : ''}
                  </span>
                );
              })}
            </div>
            <svg ref={(el) => void (refs.current[s.id] = el)} role="img" aria-label={`${s.id} against time`} />
          </div>
        );
      })}
    </section>
  );
}

function InvariantsExport({ ids, refs }: { ids: string[]; refs: React.RefObject<Record<string, SVGSVGElement | null>> }) {
  const store = usePdeStoreApi();
  const equation = usePdeStore((s) => s.spec.equation);
  const points = usePdeStore((s) => s.runs[0]?.invariants[0]?.times.length ?? 0);
  const empty = points === 0 ? 'No values yet: step or play the run first' : null;
  const series = () =>
    store.getState().runs.map((r) => ({ run: r.role, stepper: r.stepper, series: r.invariants.map((s) => ({ id: s.id, times: s.times, values: s.values })) }));
  const rows: ExportRow[] = [
    ...ids.map((id) => ({ what: `${id} chart`, actions: chartActions(['pde', equation, 'invariant', id], () => refs.current[id], empty) })),
    {
      what: 'invariants',
      actions: [
        {
          format: 'csv',
          name: ['pde', equation, 'invariants'],
          describe: 'One row per run, quantity and sample time',
          make: () => {
            const table = timeSeriesTable(series());
            return csvBlob(table.header, table.rows);
          },
          unavailable: empty,
        },
        {
          format: 'json',
          name: ['pde', equation, 'invariants'],
          describe: 'The spec and every run’s series (times and values)',
          make: () => jsonBlob({ kind: 'stepscope-pde-invariants', spec: store.getState().spec, runs: series() }),
          unavailable: empty,
        },
      ],
    },
  ];
  return <ExportMenu label="invariants" rows={rows} />;
}

// ---- energy spectrum --------------------------------------------------------------------------------------

export function SpectrumPanel({ controller }: { controller: PdeController }) {
  const store = usePdeStoreApi();
  const svg = useRef<SVGSVGElement>(null);
  const grid = usePdeStore((s) => s.spec.grid);
  const equationId = usePdeStore((s) => s.spec.equation);
  const compare = usePdeStore((s) => s.compare);
  const which = usePdeStore((s) => s.view.spectrum);
  const channel = usePdeStore((s) => s.view.channel);
  const id = useId();
  const equation = EQUATIONS[equationId];
  const dims = grid.n.length;
  const name = equation.complexField ? equation.channels[0] : equation.channels[channel] ?? equation.channels[0];
  const yTitle = dims === 2 ? `E(k), shell ${which}` : '|û(k)|²';
  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    const latest = new Map<RunRole, { k: number[]; energy: number[]; total: number; steps: number }>();
    const updates = new Map<RunRole, number>();
    const redraw = () => {
      const roles = [...latest.keys()].sort();
      const series = roles.map((role) => ({ label: role, color: RUN_COLORS[role], k: latest.get(role)!.k, energy: latest.get(role)!.energy }));
      drawSpectrumChart(element, series, { width: element.parentElement?.clientWidth || 420, height: 200, yTitle });
    };
    const roles: RunRole[] = compare ? ['primary', 'compare'] : ['primary'];
    const detaches = roles.map((role) =>
      controller.attachDisplay(role, {
        spectrum(spectrum, at) {
          const { view } = store.getState();
          const c = equation.complexField ? 0 : Math.min(view.channel, equation.channels.length - 1);
          const shells = shellSpectrum(spectrum, grid, c);
          const energy = which === 'mean' ? shells.mean : shells.sum;
          const k = shells.k.slice(1);
          latest.set(role, { k, energy: energy.slice(1), total: shells.total, steps: at.steps });
          updates.set(role, (updates.get(role) ?? 0) + 1);
          reportPerRun('spectrum', role, { role, channel: c, which, k, energy: energy.slice(1), total: shells.total, steps: at.steps, updates: updates.get(role)! });
          redraw();
        },
      }),
    );
    return () => {
      detaches.forEach((d) => d());
      roles.forEach((role) => reportPerRun('spectrum', role, null));
    };
  }, [controller, grid, equation, compare, which, channel, yTitle, store]);
  return (
    <section className="panel pde-spectrum" aria-label="Energy spectrum">
      <div className="panel-head">
        <h2>Energy spectrum</h2>
        {dims === 2 && (
          <select aria-label="Spectrum per shell" id={id} value={which} onChange={(e) => store.getState().setView({ spectrum: e.target.value as 'sum' | 'mean' })}>
            <option value="sum">shell sum</option>
            <option value="mean">shell mean</option>
          </select>
        )}
        <ExportMenu label="energy spectrum" rows={[{ what: 'spectrum chart', actions: chartActions(['pde', equationId, 'spectrum'], () => svg.current) }]} />
      </div>
      <svg ref={svg} role="img" aria-label={`Energy spectrum of ${name}, log-log`} />
      <p className="hint">
        {dims === 2
          ? `|û(k)|²/N² summed (or averaged) over rings |k| ≈ s·2π/L; the shell sums add up to ⟨${name}²⟩ (Parseval).`
          : `|û(k)|²/N² per mode pair ±k; the values add up to ⟨${name}²⟩ (Parseval).`}{' '}
        Live, read at the statistics cadence; a stepper that goes unstable shows up at high k first.
      </p>
    </section>
  );
}

// ---- stability region --------------------------------------------------------------------------------------

export function StabilityPanel() {
  const spec = usePdeStore((s) => s.spec);
  const compare = usePdeStore((s) => s.compare);
  const svg = useRef<SVGSVGElement>(null);
  const id = useId();
  const [which, setWhich] = useState<'primary' | 'compare'>('primary');
  const stepper = which === 'compare' && compare ? compare : spec.stepper;
  const eigenvalues = useMemo(() => {
    try {
      return linearEigenvalues(problemOf(spec));
    } catch {
      return [];
    }
  }, [spec]);
  const [report, setReport] = useState<ReturnType<typeof drawStabilityRegion> | null>(null);
  useEffect(() => {
    if (!svg.current) return;
    const r = drawStabilityRegion(svg.current, { stepper, eigenvalues }, { width: svg.current.parentElement?.clientWidth || 420, height: 240 });
    reportPdeView('stability', r);
    setReport(r);
  }, [stepper, eigenvalues]);
  return (
    <section className="panel pde-stability" aria-label="Stability region">
      <div className="panel-head">
        <h2>Stability region and hλ</h2>
        {compare && (
          <select aria-label={`Stability region of`} id={id} value={which} onChange={(e) => setWhich(e.target.value as 'primary' | 'compare')}>
            <option value="primary">{spec.stepper}</option>
            <option value="compare">{compare}</option>
          </select>
        )}
        <ExportMenu label="stability region" rows={[{ what: 'stability chart', actions: chartActions(['pde', spec.equation, 'stability', stepper ?? 'stepper'], () => svg.current) }]} />
      </div>
      <svg ref={svg} role="img" aria-label={`Stability region of ${stepper} with the grid's h·L(k)`} />
      {report && (
        <p className="hint" data-testid="stability-summary">
          {STEPPER_INFO[stepper].title} at dt = {spec.dt}: shaded is |R(hλ)| ≤ 1 for u′ = λu; dots are the {report.eigenvalues} distinct hλ of the linear part.{' '}
          {report.unstable === 0
            ? 'Every mode the PDE damps stays damped.'
            : `${report.unstable} modes that the PDE damps lie outside the region (red; largest |R| = ${fmt(report.maxGrowth)}): the stepper makes them grow every step.`}
          {report.growing > 0 && ` ${report.growing} modes (hollow, Re hλ > 0) grow in the PDE itself.`}
        </p>
      )}
    </section>
  );
}
