// Resolution-independent "difficulty" units for the linear coefficients (specs/pde.md §3.5, Exponax E8):
// a term a_j ∂^j u (or a_j Δ^{j/2} u) is normalised to α_j = a_j Δt / L^j and then to the difficulty
// γ_j = α_j N^j 2^{j−1} D (D the number of dimensions, N the points per axis). γ_j is the stability number of
// the most compact finite-difference scheme (|γ₁| = CFL·D, γ₂ = 2D·νΔt/Δx²), so a run at fixed γ looks and
// stiffens the same when N changes. Which parameters are such coefficients is read off their unit: L^j/T
// (advection L/T: j = 1, diffusion L²/T: j = 2, dispersion L³/T: j = 3, hyper-diffusion L⁴/T: j = 4).

import type { ParamSpec } from '../../core/pde/types.ts';

const SUPERSCRIPT: Record<string, number> = { '': 1, '²': 2, '³': 3, '⁴': 4 };

/** the derivative order j of a coefficient with unit L^j/T, or null for any other parameter */
export function difficultyOrder(spec: Pick<ParamSpec, 'unit'>): number | null {
  const match = /^L([²³⁴]?)\/T$/.exec(spec.unit.trim());
  return match ? SUPERSCRIPT[match[1]] : null;
}

export interface DifficultyGrid {
  /** points per axis (the first axis: the lab's grids are square) */
  n: number;
  /** box length (the first axis) */
  length: number;
  dims: number;
  dt: number;
}

/** γ_j of the physical coefficient `a` */
export function toDifficulty(a: number, j: number, g: DifficultyGrid): number {
  const alpha = (a * g.dt) / g.length ** j;
  return alpha * g.n ** j * 2 ** (j - 1) * g.dims;
}

/** the physical coefficient a_j of difficulty γ_j (the inverse of toDifficulty) */
export function fromDifficulty(gamma: number, j: number, g: DifficultyGrid): number {
  return (gamma * g.length ** j) / (g.dt * g.n ** j * 2 ** (j - 1) * g.dims);
}

/**
 * The parameters after a grid change from `before` to `after` with every difficulty coefficient's γ kept
 * (each clamped to its range; `clamped` names those that could not keep their γ).
 */
export function keepDifficulty(params: Record<string, number>, specs: Record<string, ParamSpec>, before: DifficultyGrid, after: DifficultyGrid): { params: Record<string, number>; clamped: string[] } {
  const out = { ...params };
  const clamped: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const j = difficultyOrder(spec);
    if (j === null || out[name] === undefined) continue;
    const wanted = fromDifficulty(toDifficulty(out[name], j, before), j, after);
    const value = Math.min(spec.max, Math.max(spec.min, +wanted.toPrecision(12)));
    if (value !== +wanted.toPrecision(12)) clamped.push(name);
    out[name] = value;
  }
  return { params: out, clamped };
}
