import { useCallback, useEffect, useState } from 'react';
import type { GpuContext } from '../gpu/device.ts';
import { StoreContext, useAppStore } from '../state/hooks.ts';
import type { Lab } from '../state/pdeUrl.ts';
import type { AppStore } from '../state/store.ts';
import type { RunController } from './controller.ts';
import { ClaimsPanel } from './ClaimsPanel.tsx';
import { Controls } from './Controls.tsx';
import { GridPanel } from './GridPanel.tsx';
import { StepErrorPanel } from './StepErrorPanel.tsx';
import { MethodPanels } from './MethodPanels.tsx';
import { FlowPanel } from './FlowPanel.tsx';
import { Header } from './Header.tsx';
import { ImagePanel } from './ImagePanel.tsx';
import { NoticeBanner } from './NoticeBanner.tsx';
import { NoWebGpu } from './NoWebGpu.tsx';
import { QualityPanel } from './QualityPanel.tsx';
import { RunPanel } from './RunPanel.tsx';
import { SavedRunsPanel } from './runs/SavedRunsPanel.tsx';
import { describeProcess } from './labels.ts';
import { Shown, useAppClass, useShown } from './embed/Embed.tsx';
import { flowViewProblem } from './targetInfo.ts';

function Footer() {
  const process = useAppStore((s) => s.spec.process);
  return (
    <footer className="app-footer">
      Stepscope · probability-flow ODE of {describeProcess(process)} · exact Gaussian-mixture denoiser, so every error you see is the solver's
    </footer>
  );
}

export interface AppProps {
  store: AppStore;
  /** null until the GPU status is known */
  gpu: GpuContext | null;
  controller: RunController | null;
  /** whether a WebGPU canvas can be presented (else the flow view uses WebGL2) */
  presentable: boolean;
  /** called after the UI has mounted with the GPU status known */
  onReady(): void;
  /** switch to the PDE lab (the header's lab switcher) */
  onLab?(lab: Lab): void;
  /** after a device loss: request a new device and rebuild on it (the header's "Restart GPU") */
  onRestartGpu?(): void;
}

function Layout({ gpu, controller, presentable, onReady, onLab, onRestartGpu }: Omit<AppProps, 'store'>) {
  const status = useAppStore((s) => s.gpu.status);
  const lost = useAppStore((s) => s.gpu.lost);
  const backend = useAppStore((s) => s.gpu.backend);
  // targets the flow view cannot draw (images, > 16-D) get the image panel in its place: the flow view (and its
  // density background) is not even mounted, so nothing computes a 2-D picture of them
  const flow = useAppStore((s) => flowViewProblem(s.spec.target) === null);
  // "mounted" includes the flow view's renderer (or its failure), with a time limit in case it hangs
  const [flowSettled, setFlowSettled] = useState(false);
  const onFlowSettled = useCallback(() => setFlowSettled(true), []);
  // an embed without the flow panel (hide=flow) has nothing to wait for
  const flowShown = useShown('flow');
  const appClass = useAppClass();
  useEffect(() => {
    if (!gpu || !controller) return;
    if (flowSettled || !flowShown) {
      onReady();
      return;
    }
    const timer = setTimeout(onReady, 5000);
    return () => clearTimeout(timer);
  }, [gpu, controller, flowSettled, flowShown, onReady]);
  const device = gpu?.device && !lost && presentable ? gpu.device : null;
  return (
    <div className={appClass}>
      <Header lab="samplers" onLab={onLab} onRestartGpu={onRestartGpu} />
      <NoticeBanner />
      {status === 'none' && <NoWebGpu />}
      <main className="workspace">
        <Shown id="controls">
          <aside className="sidebar" aria-label="Controls">
            <Controls />
            <RunPanel controller={controller} />
          </aside>
        </Shown>
        <Shown id="flow">
          {flow ? (
            <FlowPanel key={device ? 'gpu' : 'cpu'} controller={controller} device={device} backend={backend} lowPower={status !== 'ok'} onSettled={onFlowSettled} />
          ) : (
            <ImagePanel onSettled={onFlowSettled} />
          )}
        </Shown>
        <Shown id="quality">
          <QualityPanel controller={controller} />
        </Shown>
      </main>
      <Shown id="grid">
        <GridPanel />
        <StepErrorPanel />
      </Shown>
      <Shown id="methods">
        <MethodPanels />
      </Shown>
      <Shown id="claims">
        <ClaimsPanel />
      </Shown>
      <Shown id="runs">
        <SavedRunsPanel />
      </Shown>
      <Shown id="footer">
        <Footer />
      </Shown>
    </div>
  );
}

export function App({ store, ...rest }: AppProps) {
  return (
    <StoreContext.Provider value={store}>
      <Layout {...rest} />
    </StoreContext.Provider>
  );
}
