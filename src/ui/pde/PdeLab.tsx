// The PDE lab (issue #6): controls on the left, the run(s) with their fields in the middle, diagnostics
// (invariants, stability region, convergence study) on the right.

import { useEffect, useId, useState } from 'react';
import { EQUATIONS } from '../../core/pde/equations.ts';
import { StoreContext } from '../../state/hooks.ts';
import { PdeStoreContext, usePdeStore, usePdeStoreApi } from '../../state/pdeHooks.ts';
import type { PdeStore } from '../../state/pdeStore.ts';
import { type Lab, pdeUrl } from '../../state/pdeUrl.ts';
import type { AppStore } from '../../state/store.ts';
import { Header } from '../Header.tsx';
import { Shown, useAppClass } from '../embed/Embed.tsx';
import { NoticeList } from '../NoticeBanner.tsx';
import { ConvergencePanel } from './ConvergencePanel.tsx';
import { PdeControls } from './PdeControls.tsx';
import { InvariantsPanel, RunPanel, SpectrumPanel, StabilityPanel, ViewSettings } from './PdeViews.tsx';
import type { PdeController } from './pdeController.ts';

const SPEEDS: ('auto' | number)[] = ['auto', 1, 4, 16, 64];

function RunBar({ controller }: { controller: PdeController }) {
  const store = usePdeStoreApi();
  const playing = usePdeStore((s) => s.playing);
  const speed = usePdeStore((s) => s.speed);
  const tEnd = usePdeStore((s) => s.spec.tEnd);
  const allDiverged = usePdeStore((s) => s.runs.length > 0 && s.runs.every((r) => r.diverged));
  const [target, setTarget] = useState(tEnd);
  useEffect(() => setTarget(tEnd), [tEnd]);
  const ids = { target: useId(), speed: useId() };
  return (
    <div className="pde-runbar" role="toolbar" aria-label="Run">
      {playing ? (
        <button type="button" className="button primary" onClick={() => controller.pause()}>
          Pause
        </button>
      ) : (
        <button type="button" className="button primary" disabled={allDiverged} onClick={() => controller.play()}>
          Play
        </button>
      )}
      <button type="button" className="button secondary" disabled={playing || allDiverged} onClick={() => void controller.step(1)}>
        Step
      </button>
      <button type="button" className="button secondary" onClick={() => void controller.reset(false)}>
        Reset
      </button>
      <button type="button" className="button secondary" onClick={() => void controller.reset(true)} title="Reset with the next seed (random initial states change)">
        New seed
      </button>
      <span className="pde-runto">
        <label htmlFor={ids.target}>Run to t =</label>
        <input id={ids.target} type="number" step="any" min={0} value={target} onChange={(e) => Number.isFinite(e.target.valueAsNumber) && setTarget(e.target.valueAsNumber)} />
        <button type="button" className="button secondary" disabled={allDiverged} onClick={() => void controller.runToTime(target)}>
          Go
        </button>
      </span>
      <label htmlFor={ids.speed}>Steps per frame</label>
      <select id={ids.speed} value={String(speed)} onChange={(e) => store.getState().setSpeed(e.target.value === 'auto' ? 'auto' : Number(e.target.value))}>
        {SPEEDS.map((s) => (
          <option key={String(s)} value={String(s)}>
            {s === 'auto' ? 'adaptive (~30 fps)' : s}
          </option>
        ))}
      </select>
    </div>
  );
}

function PdeNotices() {
  const notices = usePdeStore((s) => s.notices);
  const dismiss = usePdeStore((s) => s.dismissNotice);
  return <NoticeList notices={notices} dismiss={dismiss} />;
}

export interface PdeLabProps {
  controller: PdeController | null;
  /** the app's device when its canvases can be presented (else the field map draws read-back arrays) */
  device: GPUDevice | null;
  onReady(): void;
}

export function PdeLab({ controller, device, onReady }: PdeLabProps) {
  const compare = usePdeStore((s) => s.compare);
  const equation = usePdeStore((s) => EQUATIONS[s.spec.equation]);
  useEffect(() => {
    if (!controller) return;
    controller.setActive(true);
    void controller.ready().finally(onReady);
    return () => controller.setActive(false);
  }, [controller, onReady]);
  return (
    <>
      <PdeNotices />
      <main className="workspace pde-workspace">
        <Shown id="controls">
          <aside className="sidebar" aria-label="PDE controls">
            <PdeControls controller={controller} />
          </aside>
        </Shown>
        <div className="pde-center">
          {controller && (
            <>
              <Shown id="runbar">
                <RunBar controller={controller} />
              </Shown>
              <Shown id="fields">
                <div className={compare ? 'pde-runs two' : 'pde-runs'}>
                  <RunPanel role="primary" controller={controller} device={device} />
                  {compare && <RunPanel role="compare" controller={controller} device={device} />}
                </div>
              </Shown>
              <Shown id="views">
                <ViewSettings controller={controller} />
              </Shown>
            </>
          )}
        </div>
        <div className="pde-side">
          <Shown id="invariants">
            <InvariantsPanel />
          </Shown>
          <Shown id="spectrum">{controller && <SpectrumPanel controller={controller} />}</Shown>
          <Shown id="stability">
            <StabilityPanel />
          </Shown>
          <Shown id="convergence">{controller && <ConvergencePanel controller={controller} />}</Shown>
        </div>
      </main>
      <Shown id="footer">
        <footer className="app-footer">
          Stepscope PDE lab · {equation.title}: {equation.formula} · pseudo-spectral on a periodic box, float32 on the GPU, float64 on the CPU · {equation.source}
        </footer>
      </Shown>
    </>
  );
}

export interface PdeAppProps extends PdeLabProps {
  store: AppStore;
  pdeStore: PdeStore;
  onLab(lab: Lab): void;
  /** after a device loss: the header's "Restart GPU" */
  onRestartGpu?(): void;
}

/** the page when the PDE lab is shown: the shared header (lab switcher, GPU badge, the PDE link) and the lab */
export function PdeApp({ store, pdeStore, onLab, onRestartGpu, ...lab }: PdeAppProps) {
  const appClass = useAppClass();
  const link = () => {
    const spec = pdeStore.getState().spec;
    if (spec.ic.type === 'file') return { problem: 'This run starts from an uploaded file, which a link cannot carry: share the file with the link of its grid instead.' };
    return { url: pdeUrl(spec, window.location.href) };
  };
  return (
    <StoreContext.Provider value={store}>
      <PdeStoreContext.Provider value={pdeStore}>
        <div className={appClass}>
          <Header lab="pde" onLab={onLab} link={link} onRestartGpu={onRestartGpu} />
          <PdeLab {...lab} />
        </div>
      </PdeStoreContext.Provider>
    </StoreContext.Provider>
  );
}
