// The benchmark's PDE case set-up (issue #9), apart from the GPU code so that a worker can import it alone:
// 2D Navier–Stokes with ETDRK4 on a 2π box, dt = 0.01, a random Fourier initial state (bench/run.ts's PDE case).

import { EQUATIONS } from '../../core/pde/equations.ts';
import { randomFourierField } from '../../core/pde/fields.ts';
import { type PdeProblem, preparePdeProblem } from '../../core/pde/run.ts';

/** the Navier–Stokes case's problem and initial state (bench/run.ts's PDE case: 2π box, dt = 0.01, seed 0) */
export interface PreparedPde {
  problem: PdeProblem;
  /** physical initial state, [channel][…] interleaved complex */
  initial: Float64Array;
}

/**
 * Prepares the PDE case on the calling thread. The ETDRK4 coefficients are float64 contour integrals per
 * wavenumber (3 s at 256² in Node): the page does this in a worker (BenchOptions.preparePde) so it is not blocked.
 */
export function prepareBenchPde(n: number): PreparedPde {
  const grid = { n: [n, n], length: [2 * Math.PI, 2 * Math.PI] };
  const problem = preparePdeProblem({ equation: EQUATIONS['navier-stokes-2d'], grid, stepper: 'etdrk4', dt: 0.01 });
  return { problem, initial: randomFourierField(grid, problem.channels, 0, 4, 5) };
}
