import { useState } from 'react';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import type { Lab } from '../state/pdeUrl.ts';
import type { AppStore } from '../state/store.ts';
import { specLinkProblem, specUrl } from '../state/url.ts';
import { CopyEmbed, EmbedBar, useShown } from './embed/Embed.tsx';
import { ThemeToggle } from './theme/ThemeToggle.tsx';

function GpuBadge({ onRestartGpu }: { onRestartGpu?: () => void }) {
  const gpu = useAppStore((s) => s.gpu);
  let tone = 'pending';
  let text = 'Looking for WebGPU…';
  if (gpu.lost) {
    tone = 'bad';
    text = 'GPU device lost: CPU fallback';
  } else if (gpu.status === 'ok') {
    tone = 'good';
    const info = gpu.adapterInfo;
    text = `WebGPU: ${[info?.vendor, info?.architecture || info?.description].filter(Boolean).join(' ') || 'GPU adapter'}`;
  } else if (gpu.status === 'software') {
    tone = 'warn';
    const info = gpu.adapterInfo;
    text = `WebGPU: software adapter: slow (${info?.architecture || info?.description || info?.vendor || 'fallback'})`;
  } else if (gpu.status === 'none') {
    tone = 'bad';
    text = 'No WebGPU: CPU fallback';
  }
  return (
    <>
      <span className={`gpu-badge gpu-${tone}`} title={gpu.reason} data-testid="gpu-status">
        <span className="gpu-dot" aria-hidden="true" />
        {text}
      </span>
      {gpu.lost && onRestartGpu && (
        <button type="button" className="button small primary" onClick={onRestartGpu} title="Request a new GPU device and rebuild pipelines and buffers; the specs and results stay">
          Restart GPU
        </button>
      )}
    </>
  );
}

/** the link of what is on screen, or why there is none (a notice) */
export type LinkSource = () => { url: string } | { problem: string };

/** the sampler lab's link (the default of "Copy link" and "Copy embed code") */
function samplerLinkOf(store: AppStore): ReturnType<LinkSource> {
  const problem = specLinkProblem(store.getState().spec);
  return problem ? { problem } : { url: specUrl(store.getState().spec, window.location.href) };
}

function CopyLink({ link }: { link?: LinkSource }) {
  const store = useAppStoreApi();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const samplerLink: LinkSource = () => samplerLinkOf(store);
  const copy = async () => {
    const target = (link ?? samplerLink)();
    if ('problem' in target) {
      store.getState().pushNotice({ level: 'warning', key: 'link-length', text: target.problem });
      return;
    }
    const url = target.url;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('copied');
    } catch {
      // clipboard refused (permissions, insecure context): the address bar holds the same link
      window.history.replaceState(null, '', url);
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 2000);
  };
  return (
    <button type="button" className="button secondary" onClick={() => void copy()} title="Copy a link that reproduces this spec">
      {copied === 'copied' ? 'Link copied' : copied === 'failed' ? 'Copy failed: use the address bar' : 'Copy link'}
    </button>
  );
}

const TAGLINES: Record<Lab, string> = {
  samplers: 'diffusion samplers, step by step, on your GPU',
  pde: 'spectral PDE solvers you can touch, break and measure, on your GPU',
  bench: 'how close the kernels come to your GPU’s copy bandwidth',
  lessons: 'one claim per page, proved by the numbers on screen',
  train: 'small networks and the optimizers that train them',
};

/** Samplers | PDE lab | Training | Lessons | Benchmark (each keeps its own state; the address bar holds the shown lab's link) */
function LabSwitcher({ lab, onLab }: { lab: Lab; onLab(lab: Lab): void }) {
  const labs: [Lab, string][] = [
    ['samplers', 'Samplers'],
    ['pde', 'PDE lab'],
    ['train', 'Training'],
    ['lessons', 'Lessons'],
    ['bench', 'Benchmark'],
  ];
  return (
    <nav className="lab-switcher" aria-label="Lab">
      {labs.map(([id, label]) => (
        <button key={id} type="button" className={id === lab ? 'segment active' : 'segment'} aria-pressed={id === lab} onClick={() => id !== lab && onLab(id)}>
          {label}
        </button>
      ))}
    </nav>
  );
}

export interface HeaderProps {
  lab?: Lab;
  onLab?(lab: Lab): void;
  /** the copy-link button's link (default: the sampler spec's) */
  link?: LinkSource;
  /** offered as "Restart GPU" beside the badge after a device loss */
  onRestartGpu?(): void;
}

export function Header({ lab = 'samplers', onLab, link, onRestartGpu }: HeaderProps) {
  const store = useAppStoreApi();
  // embed mode (?embed=1) hides the header unless `show=header`: a one-line bar stands in for it
  if (!useShown('header')) return <EmbedBar />;
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Stepscope</h1>
        {onLab && <LabSwitcher lab={lab} onLab={onLab} />}
        <span className="tagline">{TAGLINES[lab]}</span>
      </div>
      <div className="header-right">
        <GpuBadge onRestartGpu={onRestartGpu} />
        <CopyLink link={link} />
        <ThemeToggle />
        {(lab === 'samplers' || lab === 'pde') && (
          <CopyEmbed lab={lab} link={link ?? (() => samplerLinkOf(store))} onProblem={(text) => store.getState().pushNotice({ level: 'warning', key: 'link-length', text })} />
        )}
      </div>
    </header>
  );
}
