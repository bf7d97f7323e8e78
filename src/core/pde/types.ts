// The PDE engine's two data types (DESIGN §2: "a PDE is a linear symbol plus a nonlinear term"):
//
// * `Equation`: u_t = L u + N(u) on a periodic box, L diagonal in Fourier space (complex per channel and
//   wavenumber), N evaluated pseudo-spectrally: a few spectral *inputs* are taken to physical space (each a
//   channel times a Fourier multiplier, e.g. ik_x for u_x), a pointwise formula turns them into *outputs*,
//   and each output goes back to Fourier space times its own multiplier (e.g. ik_x for ½(u²)_x). The
//   pointwise formula exists twice: in TypeScript (float64, the CPU path) and as a WGSL snippet (float32).
// * `StepperProgram`: one time step as a short list of ops over registers of spectral states
//   (`nonlinear` and `combine`), with per-wavenumber complex coefficients computed in float64 by
//   `core/pde/steppers.ts` (specs/pde.md §3.3, §7.2). The CPU interpreter (`core/pde/run.ts`) and the GPU
//   engine (`engine/pde/`) run the same program.
//
// Memory layout everywhere (CPU and GPU): a state is [channel][y][x] complex values, interleaved (re, im),
// last axis (x) contiguous; 1D is [channel][x]. Physical and spectral arrays have the same shape (full
// complex FFT; real fields simply keep a zero imaginary part in physical space).

/** a complex number as [re, im] */
export type Complex = [number, number];

/** one wavenumber of the grid: k per axis (k = 2π m / L, m ∈ [−n/2, n/2)), as [kx] or [kx, ky] */
export interface WaveVector {
  /** k per axis, Nyquist kept (m = −n/2): use for even derivatives */
  k: number[];
  /** k per axis with the Nyquist mode set to 0: use for odd derivatives (specs/pde.md §3.4) */
  kOdd: number[];
  /** |k|² with the Nyquist kept */
  k2: number;
}

export type Params = Record<string, number>;

export interface ParamSpec {
  default: number;
  min: number;
  max: number;
  /** what it is, e.g. "viscosity" */
  description: string;
  /** its dimension in box length L, time T and field units U (the equations are nondimensional: a reading aid) */
  unit: string;
}

/** a spectral multiplier m(k; params): physical input = IFFT(m · v̂_channel), or N̂_channel += m · FFT(output) */
export interface SpectralTerm {
  channel: number;
  multiplier: (k: WaveVector, p: Params) => Complex;
}

export interface NonlinearTerm {
  inputs: SpectralTerm[];
  outputs: SpectralTerm[];
  /**
   * float64 twin of `wgsl`: reads inputs[2i], inputs[2i+1] (re, im of input i at this point) and writes
   * out[2j], out[2j+1]; `x` is the point's position per axis; `p` the parameters, plus the box lengths
   * `Lx`, `Ly` (Ly = 0 in 1D; names no equation may use for a parameter).
   */
  pointwise: (inputs: Float64Array, x: number[], p: Params, out: Float64Array) => void;
  /**
   * WGSL body of `fn pointwise(inp: array<vec2f, NI>, x: vec2f) -> array<vec2f, NO>` (x.y is 0 in 1D);
   * parameters are read as `P.<name>` (f32 fields of a uniform struct with the equation's parameter names and `Lx`, `Ly`).
   * Use `pde_sin` / `pde_cos` (shaders/spectral/pde_pointwise.wgsl), not WGSL's `sin` / `cos`: those promise only
   * 2^-11 absolute error (1.9e-4 measured on SwiftShader), far from the GPU path's 1e-5 agreement with the CPU.
   */
  wgsl: string;
  /** Orszag mask fraction: keep |m_i| ≤ frac·n_i/2 − 1 on every axis; 2/3 for quadratic, 1/2 for cubic terms */
  dealias: number;
}

export interface InitialCondition {
  description: string;
  /** the initial state in physical space, [channel][…] interleaved complex, on the given grid */
  build: (grid: Grid, p: Params, seed: number) => Float64Array;
}

export interface Grid {
  /** points per axis, [nx] or [nx, ny] */
  n: number[];
  /** box length per axis; x_j = j·L/n on [0, L) */
  length: number[];
}

export interface Equation {
  id: string;
  title: string;
  /** the PDE as one line of text, in this project's convention */
  formula: string;
  /** field names, one per channel */
  channels: string[];
  /** true when the field is complex in physical space (NLS) */
  complexField: boolean;
  params: Record<string, ParamSpec>;
  /** L(k; params) per channel (diagonal in Fourier space); complex for dispersive terms */
  linear: (k: WaveVector, p: Params) => Complex[];
  /** N(u) in `dims` dimensions (KS changes form between 1D and 2D); undefined for a linear PDE */
  nonlinear?: (dims: number) => NonlinearTerm;
  /** one entry per supported dimension: the preset's grid, time step, end time and stepper */
  defaults: Partial<Record<1 | 2 | 3, PdeDefaults>>;
  /** the `preset` initial condition (dimension-aware) */
  preset: InitialCondition;
  /** quantities to monitor (float64, from the physical state), e.g. mass, energy */
  invariants: Invariant[];
  /** where the preset comes from (shown in the "about this preset" panel) */
  source: string;
}

export interface PdeDefaults {
  grid: Grid;
  dt: number;
  tEnd: number;
  stepper: string;
}

export interface Invariant {
  id: string;
  description: string;
  /** expected behaviour, checked by tests and shown in the diagnostics view */
  expect: 'conserved' | 'non-increasing' | 'none';
  /** value from the physical state ([channel][…] interleaved complex) and its spectrum (same layout) */
  compute: (physical: Float64Array, spectrum: Float64Array, grid: Grid, p: Params) => number;
}

/** a coefficient of a combine: a named per-wavenumber array ([channel][k] complex), or one complex scalar */
export type Coefficient = { array: string } | { scalar: Complex };

export type StepperOp =
  /** dst = N̂(src), dealiased */
  | { op: 'nonlinear'; src: string; dst: string }
  /** dst = Σ coef ⊙ reg (elementwise over channel and wavenumber); dst may appear among the terms */
  | { op: 'combine'; dst: string; terms: { reg: string; coef: Coefficient }[] };

export interface StepperProgram {
  /** register names; 'v' is the state */
  registers: string[];
  /** named coefficient arrays, each [channel][k] interleaved complex (length 2·C·K), float64 */
  coefficients: Record<string, Float64Array>;
  /** ops of the first step (multistep methods start with a one-step method); the same as `step` otherwise */
  first: StepperOp[];
  /** ops of every later step */
  step: StepperOp[];
  /** nonlinear evaluations per step (for cost axes) */
  nonlinearPerStep: number;
}
