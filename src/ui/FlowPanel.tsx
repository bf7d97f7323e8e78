import { useEffect, useRef, useState } from 'react';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { shownConfigurations } from './configurations.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import type { FlowView, FlowViewState, TrajectorySnapshot } from '../views/flowView.ts';
import type { RunController } from './controller.ts';
import { DrawOverlay } from './DrawOverlay.tsx';
import { ExportMenu } from './export/ExportMenu.tsx';
import { flowExportRows } from './export/flowExports.ts';
import { flowTransport, flowViewTransport } from './shortcuts/flowTransport.ts';

const MAX_LINES = 512;

/** Mounts the imperative flow view; the frame loop and data updates run outside React. */
export interface FlowPanelProps {
  controller: RunController | null;
  /** the app's device when the flow view may draw from its buffers; null: WebGL2 */
  device: GPUDevice | null;
  /** where the runs happen: GPU (then a null device means the trajectory is read back) or CPU */
  backend: 'gpu' | 'cpu' | null;
  lowPower: boolean;
  /** called once the view has started, or failed to */
  onSettled?(): void;
}

export function FlowPanel({ controller, device, backend, lowPower, onSettled }: FlowPanelProps) {
  const store = useAppStoreApi();
  const host = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<FlowView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [state, setState] = useState<FlowViewState>({ progress: 1, playing: false, time: null, step: null, steps: null });
  const configurations = useAppStore((s) => shownConfigurations(s.spec));
  const n = useAppStore((s) => s.run.results[0]?.n ?? s.spec.n);
  const drawing = useAppStore((s) => s.draw.active);
  // the trajectories the view shows, for the Export menu (the same snapshots: exporting reads them, never reruns)
  const [trajectories, setTrajectories] = useState<TrajectorySnapshot[]>([]);
  const spec = useAppStore((s) => s.spec);
  const hasRun = useAppStore((s) => s.run.results.length > 0);

  useEffect(() => {
    if (!controller || !host.current) return;
    let cancelled = false;
    let created: FlowView | null = null;
    const cleanups: (() => void)[] = [];
    const element = host.current;
    // three.js is the bulk of the bundle: load it after the page is up
    import('../views/flowView.ts')
      .then(({ FlowView }) => FlowView.create(element, { device: device ?? undefined, lowPower, maxLines: MAX_LINES }))
      .then(
      (flow) => {
        if (cancelled) {
          flow.destroy();
          return;
        }
        created = flow;
        flow.setBackground(store.getState().spec);
        flow.setTrajectories(controller.currentTrajectories());
        setTrajectories(controller.currentTrajectories());
        flow.setProgress(1);
        cleanups.push(flow.onState(setState));
        cleanups.push(store.subscribe((s, prev) => s.spec !== prev.spec && flow.setBackground(s.spec)));
        cleanups.push(
          controller.onTrajectories((snapshots) => {
            flow.setTrajectories(snapshots);
            setTrajectories(snapshots);
            if (lowPower) flow.setProgress(1);
            else flow.play();
          }),
        );
        setView(flow);
        setFailure(null);
        onSettled?.();
      },
      (error: unknown) => {
        if (cancelled) return;
        setFailure(error instanceof Error ? error.message : String(error));
        onSettled?.();
      },
    );
    return () => {
      cancelled = true;
      cleanups.forEach((c) => c());
      created?.destroy();
      setView(null);
    };
  }, [controller, device, lowPower, store, onSettled]);

  // the keyboard's play/pause and step (shortcuts/actions.ts) act on this view while it is shown
  useEffect(() => (view ? flowTransport.register(flowViewTransport(view)) : undefined), [view]);

  const label = (s: string) => SOLVERS[s as SolverName]?.label ?? s;
  return (
    <section className="panel flow-panel" aria-label="Flow from noise to data">
      <div className="panel-head">
        <h2>Flow: noise → data</h2>
        <div className="legend">
          {configurations.map((c) => (
            <span key={c.index} className="legend-item">
              <span className="swatch" style={{ background: c.color }} aria-hidden="true" />
              {c.label}
            </span>
          ))}
          <span className="legend-item">
            <span className="swatch density" aria-hidden="true" />
            true density p(t_end)
          </span>
        </div>
        <ExportMenu label="flow view" rows={flowExportRows({ view, controller, device, spec, hasRun, trajectories, label })} />
      </div>
      <div className="flow-host">
        <div className="flow-canvas-host" ref={host} />
        {failure && (
          <div className="flow-failure" role="status">
            The flow view could not start: {failure}
          </div>
        )}
        {!failure && !view && <div className="flow-failure">starting the renderer…</div>}
        {drawing && <DrawOverlay />}
        {drawing && <div className="draw-banner">Drawing a dataset: click or drag to add points</div>}
      </div>
      <div className="flow-controls">
        <button
          type="button"
          className="button secondary small"
          disabled={!view || state.steps === null}
          onClick={() => (state.playing ? view?.pause() : view?.play())}
          aria-label={state.playing ? 'Pause' : 'Play'}
        >
          {state.playing ? 'Pause' : 'Play'}
        </button>
        <input
          type="range"
          className="scrubber"
          min={0}
          max={1000}
          step={1}
          value={Math.round(state.progress * 1000)}
          disabled={!view || state.steps === null}
          aria-label="Time: from noise (left) to data (right)"
          onChange={(e) => view?.setProgress(Number(e.target.value) / 1000)}
        />
        <span className="flow-time">
          {state.time === null ? '—' : `t = ${state.time.toFixed(3)}`}
          {state.step !== null && state.steps !== null && <span className="hint"> · step {state.step.toFixed(1)} / {state.steps}</span>}
        </span>
      </div>
      <p className="hint">
        All {n.toLocaleString('en-US')} particles per solver; lines: trajectories of {Math.min(MAX_LINES, n)} of them.{' '}
        {device
          ? 'Drawn from the sampler’s GPU buffers (copied on the GPU, no readback).'
          : backend === 'gpu'
            ? 'This browser cannot present a WebGPU canvas here: drawn with WebGL2, the trajectory read back once per run.'
            : 'CPU fallback: drawn with WebGL2 from the float64 run.'}
        {!device && lowPower ? ' Particles are one-pixel points here: rendering is likely in software, where round particles cost most of a frame.' : ''}
      </p>
    </section>
  );
}
