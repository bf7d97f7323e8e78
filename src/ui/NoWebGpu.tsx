import { useAppStore } from '../state/hooks.ts';

/** What is missing when the browser gives no WebGPU device, and what to do about it. */
export function NoWebGpu() {
  const reason = useAppStore((s) => s.gpu.reason);
  const secure = typeof window !== 'undefined' && window.isSecureContext;
  return (
    <section className="no-webgpu" data-testid="no-webgpu" aria-labelledby="no-webgpu-title">
      <h2 id="no-webgpu-title">WebGPU is not available in this browser</h2>
      <p className="no-webgpu-reason">
        <strong>What is missing:</strong> {reason}
      </p>
      {!secure && (
        <p>
          This page is not a secure context, and browsers expose WebGPU (<code>navigator.gpu</code>) only on secure origins: open it over
          https, or on <code>http://localhost</code> / <code>http://127.0.0.1</code>.
        </p>
      )}
      <div className="no-webgpu-columns">
        <div>
          <h3>What to do</h3>
          <ul>
            <li>
              Use <strong>Chrome or Edge 113 or newer</strong> on Windows, macOS or ChromeOS (WebGPU is on by default), and update the
              browser and the GPU driver.
            </li>
            <li>
              On <strong>Linux</strong>, Chrome's WebGPU is still behind a flag: enable <code>chrome://flags/#enable-unsafe-webgpu</code>{' '}
              (and <code>#enable-vulkan</code>), or start the browser with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>.
            </li>
            <li>
              <strong>Firefox</strong>: use Firefox 141+ on Windows or Firefox Nightly elsewhere (<code>dom.webgpu.enabled</code> in{' '}
              <code>about:config</code>). <strong>Safari</strong>: Safari 26, or Safari Technology Preview with the WebGPU feature flag.
            </li>
            <li>
              If the browser blocklists your GPU, check <code>chrome://gpu</code>; a remote desktop or a virtual machine often has no GPU at all.
            </li>
          </ul>
        </div>
        <div>
          <h3>Meanwhile</h3>
          <p>
            The page keeps working on the <strong>CPU fallback</strong>: the same solver programs run in float64 in a background worker
            (the interpreter is the engine's test oracle), so every number is exact, only slower. Keep <em>n</em> at a few thousand particles; the quality
            sweep starts only when you ask for it.
          </p>
        </div>
      </div>
    </section>
  );
}
