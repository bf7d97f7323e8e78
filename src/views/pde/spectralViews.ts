// What the PDE lab derives from a run's spectral state on the CPU at the slow sample cadence (issue #6):
// the energy spectrum |û(k)|² (per mode pair ±m in 1D, in shells |k| ≈ s·Δk in 2D) and, for the vorticity
// form of 2D Navier–Stokes, the velocity u = ∂_y ψ, v = −∂_x ψ (Δψ = −ω) on a coarse arrow grid.
//
// Spectra are unnormalised forward FFTs (core/pde/fields.ts toSpectrum: û_m = Σ_j u_j e^{−ik·x_j}), so with
// N points in all, Parseval reads ⟨|u|²⟩ = Σ_m |û_m|² / N². The spectrum below is normalised that way: its
// shell sums add up to the mean square of the field.

import { axisBottom, axisLeft, line, scaleLog, select } from 'd3';
import { toPhysical } from '../../core/pde/fields.ts';
import { gridSize, modeNumber } from '../../core/pde/grid.ts';
import type { Grid } from '../../core/pde/types.ts';
import { drawAxisTitles } from '../axisTitles.ts';

export interface ShellSpectrum {
  /** the shell's wavenumber s·Δk (Δk = 2π / the longest box side), s = 0, 1, … */
  k: number[];
  /** Σ |û_m|² / N² over the modes of the shell (Σ over all shells = ⟨|u|²⟩) */
  sum: number[];
  /** the same divided by the number of modes in the shell (the shell average; 0 for an empty shell) */
  mean: number[];
  /** modes per shell */
  count: number[];
  /** Σ sum = ⟨|u|²⟩ */
  total: number;
}

/**
 * The energy spectrum of channel `channel` of `spectrum` ([channel][y][x] interleaved complex, unnormalised):
 * mode m lands in shell s = round(|k_m| / Δk). In 1D shell s holds the pair ±m (s = |m|); in 2D on a square
 * box the ring s − ½ < |m| ≤ s + ½.
 */
export function shellSpectrum(spectrum: ArrayLike<number>, grid: Grid, channel = 0): ShellSpectrum {
  const size = gridSize(grid);
  const [nx, ny = 1] = grid.n;
  const [lx, ly = lx] = grid.length;
  const dk = (2 * Math.PI) / Math.max(lx, grid.n.length > 1 ? ly : lx);
  const norm = 1 / (size * size);
  const sum: number[] = [];
  const count: number[] = [];
  const base = 2 * channel * size;
  for (let iy = 0; iy < ny; iy++) {
    const ky = grid.n.length > 1 ? (2 * Math.PI * modeNumber(iy, ny)) / ly : 0;
    for (let ix = 0; ix < nx; ix++) {
      const kx = (2 * Math.PI * modeNumber(ix, nx)) / lx;
      const s = Math.round(Math.hypot(kx, ky) / dk);
      const i = base + 2 * (iy * nx + ix);
      const e = (spectrum[i] * spectrum[i] + spectrum[i + 1] * spectrum[i + 1]) * norm;
      while (sum.length <= s) {
        sum.push(0);
        count.push(0);
      }
      sum[s] += e;
      count[s] += 1;
    }
  }
  return {
    k: sum.map((_, s) => s * dk),
    sum,
    mean: sum.map((e, s) => (count[s] ? e / count[s] : 0)),
    count,
    total: sum.reduce((a, b) => a + b, 0),
  };
}

export interface VelocityArrows {
  /** arrows per axis */
  nx: number;
  ny: number;
  /** the arrows' positions (physical) and velocities, row-major [y][x], y = 0 first */
  x: Float64Array;
  y: Float64Array;
  u: Float64Array;
  v: Float64Array;
  maxSpeed: number;
}

/**
 * The velocity of a 2D vorticity field: ψ̂ = ω̂ / |k|² (k = 0 → 0), û = i k_y ψ̂, v̂ = −i k_x ψ̂ (Nyquist modes
 * dropped from the odd derivatives, as in the equation), taken to physical space and sampled every
 * n / `perAxis` points.
 */
export function velocityFromVorticity(spectrum: ArrayLike<number>, grid: Grid, perAxis = 16, channel = 0): VelocityArrows {
  if (grid.n.length !== 2) throw new Error('velocityFromVorticity needs a 2D grid');
  const [nx, ny] = grid.n;
  const [lx, ly] = grid.length;
  const size = nx * ny;
  const uv = new Float64Array(4 * size);
  const base = 2 * channel * size;
  for (let iy = 0; iy < ny; iy++) {
    const my = modeNumber(iy, ny);
    const ky = (2 * Math.PI * my) / ly;
    const kyOdd = 2 * my === -ny ? 0 : ky;
    for (let ix = 0; ix < nx; ix++) {
      const mx = modeNumber(ix, nx);
      const kx = (2 * Math.PI * mx) / lx;
      const kxOdd = 2 * mx === -nx ? 0 : kx;
      const k2 = kx * kx + ky * ky;
      if (k2 === 0) continue;
      const j = iy * nx + ix;
      const re = spectrum[base + 2 * j] / k2;
      const im = spectrum[base + 2 * j + 1] / k2;
      // u = i k_y ψ̂: (re, im) → (−k_y im, k_y re); v = −i k_x ψ̂: → (k_x im, −k_x re)
      uv[2 * j] = -kyOdd * im;
      uv[2 * j + 1] = kyOdd * re;
      uv[2 * (size + j)] = kxOdd * im;
      uv[2 * (size + j) + 1] = -kxOdd * re;
    }
  }
  const physical = toPhysical(uv, grid);
  const ax = Math.min(perAxis, nx);
  const ay = Math.min(perAxis, ny);
  const sx = nx / ax;
  const sy = ny / ay;
  const out: VelocityArrows = { nx: ax, ny: ay, x: new Float64Array(ax * ay), y: new Float64Array(ax * ay), u: new Float64Array(ax * ay), v: new Float64Array(ax * ay), maxSpeed: 0 };
  for (let j = 0; j < ay; j++)
    for (let i = 0; i < ax; i++) {
      // the centre of each block of sx × sy points (rounded to a grid point)
      const gx = Math.floor(i * sx + sx / 2) % nx;
      const gy = Math.floor(j * sy + sy / 2) % ny;
      const p = gy * nx + gx;
      const a = j * ax + i;
      out.x[a] = (gx * lx) / nx;
      out.y[a] = (gy * ly) / ny;
      out.u[a] = physical[2 * p];
      out.v[a] = physical[2 * (size + p)];
      out.maxSpeed = Math.max(out.maxSpeed, Math.hypot(out.u[a], out.v[a]));
    }
  return out;
}

/**
 * Draws the arrows on a transparent 2D canvas laid over the field (y = 0 at the bottom, as the field map);
 * the longest arrow spans 0.9 of an arrow cell. Returns the number of arrows drawn.
 */
export function drawArrows(canvas: HTMLCanvasElement, arrows: VelocityArrows, length: [number, number], color = 'rgba(255,255,255,0.9)'): number {
  const rect = canvas.getBoundingClientRect();
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const width = Math.max(1, Math.round(rect.width * scale));
  const height = Math.max(1, Math.round(rect.height * scale));
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const context = canvas.getContext('2d');
  if (!context) return 0;
  context.clearRect(0, 0, width, height);
  if (!(arrows.maxSpeed > 0)) return 0;
  const cell = Math.min(width / arrows.nx, height / arrows.ny);
  const k = (0.9 * cell) / arrows.maxSpeed;
  context.lineWidth = Math.max(1, scale);
  context.strokeStyle = color;
  context.fillStyle = color;
  context.shadowColor = 'rgba(0,0,0,0.6)';
  context.shadowBlur = 2 * scale;
  let drawn = 0;
  for (let a = 0; a < arrows.u.length; a++) {
    const px = (arrows.x[a] / length[0]) * width;
    const py = (1 - arrows.y[a] / length[1]) * height;
    const dx = arrows.u[a] * k;
    const dy = -arrows.v[a] * k;
    const len = Math.hypot(dx, dy);
    if (len < 0.5) continue;
    const x0 = px - dx / 2;
    const y0 = py - dy / 2;
    const x1 = px + dx / 2;
    const y1 = py + dy / 2;
    context.beginPath();
    context.moveTo(x0, y0);
    context.lineTo(x1, y1);
    context.stroke();
    const head = Math.min(0.35 * len, 6 * scale);
    const ux = dx / len;
    const uy = dy / len;
    context.beginPath();
    context.moveTo(x1, y1);
    context.lineTo(x1 - head * ux + head * 0.5 * uy, y1 - head * uy - head * 0.5 * ux);
    context.lineTo(x1 - head * ux - head * 0.5 * uy, y1 - head * uy + head * 0.5 * ux);
    context.closePath();
    context.fill();
    drawn++;
  }
  return drawn;
}

export interface SpectrumSeries {
  label: string;
  color: string;
  k: number[];
  energy: number[];
}

/**
 * The energy spectrum log-log (d3): one line per run, k > 0 only; energies below 1e−14 of the peak (float32
 * round-off) are left out. Returns the points drawn per series.
 */
export function drawSpectrumChart(svgElement: SVGSVGElement, series: SpectrumSeries[], options: { width: number; height: number; yTitle: string }): number[] {
  const { width, height } = options;
  const margin = { top: 10, right: 14, bottom: 36, left: 64 };
  const svg = select(svgElement).attr('viewBox', `0 0 ${width} ${height}`).attr('width', width).attr('height', height);
  svg.selectAll('*').remove();
  const innerW = Math.max(10, width - margin.left - margin.right);
  const innerH = Math.max(10, height - margin.top - margin.bottom);
  const root = svg.append('g').attr('transform', `translate(${margin.left},${margin.top})`);
  const peak = Math.max(0, ...series.flatMap((s) => s.energy.filter((e, i) => s.k[i] > 0 && Number.isFinite(e))));
  const floor = peak * 1e-14;
  const kept = series.map((s) => s.k.map((k, i) => [k, s.energy[i]] as [number, number]).filter(([k, e]) => k > 0 && e > floor && Number.isFinite(e)));
  const ks = kept.flat().map((p) => p[0]);
  const es = kept.flat().map((p) => p[1]);
  if (ks.length === 0) {
    root.append('text').attr('x', innerW / 2).attr('y', innerH / 2).attr('text-anchor', 'middle').attr('font-size', 12).text('no energy at k > 0 yet');
    return kept.map(() => 0);
  }
  const [kLo, kHi] = [Math.min(...ks), Math.max(...ks)];
  const x = scaleLog().domain(kHi > kLo ? [kLo, kHi * 1.05] : [kLo / 2, kHi * 2]).range([0, innerW]);
  const y = scaleLog().domain([Math.min(...es) / 2, Math.max(...es) * 2]).range([innerH, 0]);
  root.append('g').attr('class', 'axis').attr('transform', `translate(0,${innerH})`).call(axisBottom(x).ticks(5, '~g'));
  root.append('g').attr('class', 'axis').call(axisLeft(y).ticks(5, '.0e'));
  drawAxisTitles(root, { innerW, innerH }, { x: 'wavenumber |k| (log)', y: options.yTitle, xOffset: 31, yOffset: 54 });
  kept.forEach((points, i) => {
    root.append('path').attr('fill', 'none').attr('stroke', series[i].color).attr('stroke-width', 1.6).attr('d', line()(points.map(([k, e]) => [x(k), y(e)])));
    // few shells (a single mode, a coarse grid): mark each
    if (points.length <= 40) for (const [k, e] of points) root.append('circle').attr('cx', x(k)).attr('cy', y(e)).attr('r', 2.5).attr('fill', series[i].color);
  });
  return kept.map((p) => p.length);
}
