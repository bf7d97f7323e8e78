// The "same noise" toggle (issue #11, teaching details): on, every shown solver starts from the spec's x_T, which
// the flow view makes visible; off, each compared solver gets its own noise (solverRuns.ts has the seeds).

import { useAppStore } from '../state/hooks.ts';

export function SameNoiseToggle() {
  const sameNoise = useAppStore((s) => s.sameNoise);
  const setSameNoise = useAppStore((s) => s.setSameNoise);
  return (
    <label
      className="same-noise"
      title="On: every solver starts from the same x_T (common random numbers), so their differences are the solvers'. Off: the solver at position k among those shown uses seed + k, so the flow view starts from different points. Quality sweeps always use the same noise."
    >
      <input type="checkbox" checked={sameNoise} onChange={(e) => setSameNoise(e.target.checked)} /> Same noise
    </label>
  );
}
