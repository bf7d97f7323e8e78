// One colour per solver, used by every view (flow particles and trajectories, quality curves, legends).
// DDIM (orange) and DPM-Solver++(2M) (blue), the default pair, stay distinct on the flow view's dark
// background and on the charts' light one, and for the common colour-vision deficiencies.

const FIXED: Record<string, string> = {
  ddim: '#f28e2b',
  'dpmpp-2m': '#3ba7f0',
  'dpm-solver-2m': '#59a14f',
  'dpm-solver-3m': '#8cd17d',
  'dpmpp-3m': '#b07aa1',
  'dpm-solver-2s': '#e15759',
  'dpm-solver-3s': '#ff9d9a',
  'dpmpp-2s': '#76b7b2',
  'dpmpp-3s': '#9c755f',
  'dpm-solver-fast': '#edc948',
  unipc: '#e377c2',
};

/** for solvers added later: a stable colour from the name */
const SPARE = ['#17becf', '#bcbd22', '#aec7e8', '#ffbb78', '#c5b0d5', '#c49c94'];

export function solverColor(solver: string): string {
  const fixed = FIXED[solver];
  if (fixed) return fixed;
  let hash = 0;
  for (let i = 0; i < solver.length; i++) hash = (hash * 31 + solver.charCodeAt(i)) >>> 0;
  return SPARE[hash % SPARE.length];
}

/**
 * The colour of each shown configuration, in display order (issue #11: one colour per configuration in every view):
 * its solver's colour, unless an earlier configuration already has it (the same solver on another schedule or with
 * other options), then the first colour no configuration uses, so two curves never share a colour.
 */
export function configurationColors(solvers: readonly string[]): string[] {
  const used = new Set<string>();
  const spare = [...Object.values(FIXED), ...SPARE];
  return solvers.map((solver) => {
    let color = solverColor(solver);
    if (used.has(color)) color = spare.find((c) => !used.has(c))!;
    used.add(color);
    return color;
  });
}
