import { useState } from 'react';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { specLinkProblem, specUrl } from '../state/url.ts';

function GpuBadge() {
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
    <span className={`gpu-badge gpu-${tone}`} title={gpu.reason} data-testid="gpu-status">
      <span className="gpu-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

function CopyLink() {
  const store = useAppStoreApi();
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    const problem = specLinkProblem(store.getState().spec);
    if (problem) {
      store.getState().pushNotice({ level: 'warning', key: 'link-length', text: problem });
      return;
    }
    const url = specUrl(store.getState().spec, window.location.href);
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

export function Header() {
  return (
    <header className="app-header">
      <div className="brand">
        <h1>Stepscope</h1>
        <span className="tagline">diffusion samplers, step by step, on your GPU</span>
      </div>
      <div className="header-right">
        <GpuBadge />
        <CopyLink />
      </div>
    </header>
  );
}
