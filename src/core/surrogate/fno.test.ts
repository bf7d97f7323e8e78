import { describe, expect, it } from 'vitest';
import { fft1d } from '../pde/fft.ts';
import { fillNormal } from '../util/rng.ts';
import { type FnoConfig, dftMatrices, fnoForward, fnoLayout, fnoLossAndGradients, initFnoParameters } from './fno.ts';

/** forward-normalised rfft truncated to K modes, then irfft with norm 'forward' (numpy's conventions), via core/pde/fft.ts */
function fftTruncatedRoundTrip(v: Float64Array, keptModes: number, weights: (k: number) => [number, number]): Float64Array {
  const n = v.length;
  const data = new Float64Array(2 * n);
  for (let j = 0; j < n; j++) data[2 * j] = v[j];
  fft1d(data, n, false);
  // V̂_k = X_k / N, multiplied by a per-mode complex weight; Hermitian enforcement: Im at DC and Nyquist dropped
  const spectrum = new Float64Array(2 * n);
  for (let k = 0; k < keptModes; k++) {
    const [wr, wi] = weights(k);
    const xr = data[2 * k] / n;
    const xi = data[2 * k + 1] / n;
    let re = wr * xr - wi * xi;
    let im = wr * xi + wi * xr;
    if (k === 0 || 2 * k === n) im = 0;
    spectrum[2 * k] = re;
    spectrum[2 * k + 1] = im;
    if (k > 0 && 2 * k !== n) {
      spectrum[2 * (n - k)] = re;
      spectrum[2 * (n - k) + 1] = -im;
    }
    re = im = 0;
  }
  fft1d(spectrum, n, true); // numpy's inverse divides by N; irfft(norm='forward') does not
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = spectrum[2 * j] * n;
  return out;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

describe('FNO spectral convolution as real matrices (training.md §3.4, §7 item 6)', () => {
  for (const [n, K] of [
    [16, 5],
    [16, 9], // the Nyquist mode kept
    [64, 9],
  ] as const) {
    it(`matches the FFT round trip (N = ${n}, K = ${K})`, () => {
      const T = dftMatrices(n, K);
      const v = fillNormal(new Float64Array(n), 1, n, 7, 45);
      const weights = (k: number): [number, number] => [1 + 0.3 * k, 0.5 - 0.1 * k];
      const viaFft = fftTruncatedRoundTrip(v, K, weights);
      const viaMatrices = new Float64Array(n);
      for (let k = 0; k < K; k++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < n; j++) {
          re += v[j] * T.forwardCos[k * n + j];
          im += v[j] * T.forwardSin[k * n + j];
        }
        const [wr, wi] = weights(k);
        const a = wr * re - wi * im;
        const b = wr * im + wi * re;
        for (let j = 0; j < n; j++) viaMatrices[j] += a * T.inverseCos[k * n + j] + b * T.inverseSin[k * n + j];
      }
      expect(relativeError(viaMatrices, viaFft)).toBeLessThan(1e-13);
    });
  }
});

describe('FNO backward against central differences (core at 1e-7, issue 7)', () => {
  const cases: FnoConfig[] = [
    { n: 16, inChannels: 3, outChannels: 1, width: 4, layers: 2, modes: 6, activation: 'gelu' },
    { n: 16, inChannels: 3, outChannels: 1, width: 3, layers: 3, modes: 16, activation: 'silu' }, // K = 9: Nyquist kept
    { n: 8, inChannels: 2, outChannels: 2, width: 3, layers: 1, modes: 4, activation: 'tanh' },
  ];
  for (const config of cases) {
    it(`every parameter: ${JSON.stringify(config)}`, () => {
      const layout = fnoLayout(config);
      const params = initFnoParameters(layout, 3);
      const batch = 3;
      const inputs = fillNormal(new Float64Array(batch * config.inChannels * config.n), batch, config.inChannels * config.n, 11, 46);
      const targets = fillNormal(new Float64Array(batch * config.outChannels * config.n), batch, config.outChannels * config.n, 12, 46);
      const { loss, gradients } = fnoLossAndGradients(layout, params, inputs, targets, batch);
      // the loss agrees with the forward alone
      const prediction = fnoForward(layout, params, inputs, batch);
      let mse = 0;
      for (let i = 0; i < prediction.length; i++) mse += (prediction[i] - targets[i]) ** 2;
      expect(loss).toBeCloseTo(mse / prediction.length, 14);
      const numeric = new Float64Array(layout.parameterCount);
      const h = 1e-5;
      for (let j = 0; j < layout.parameterCount; j++) {
        const saved = params[j];
        params[j] = saved + h;
        const plus = fnoLossAndGradients(layout, params, inputs, targets, batch).loss;
        params[j] = saved - h;
        const minus = fnoLossAndGradients(layout, params, inputs, targets, batch).loss;
        params[j] = saved;
        numeric[j] = (plus - minus) / (2 * h);
      }
      const error = relativeError(gradients, numeric);
      expect(error).toBeLessThan(1e-7);
      // per block of parameters too (a small block could hide under the norm of a large one)
      for (const layer of layout.layers) {
        const end = layer.offset + layer.outputDim * (layer.inputDim + 1);
        expect(relativeError(gradients.subarray(layer.offset, end), numeric.subarray(layer.offset, end))).toBeLessThan(1e-7);
      }
      const K = layout.keptModes;
      for (const block of layout.blocks) {
        const size = config.width * config.width * K;
        expect(relativeError(gradients.subarray(block.spectralRe, block.spectralRe + size), numeric.subarray(block.spectralRe, block.spectralRe + size))).toBeLessThan(1e-7);
        // Im R at k = 0 (and at the Nyquist mode when kept) has exactly zero gradient: Hermitian enforcement
        for (let r = 0; r < config.width * config.width; r++) {
          expect(gradients[block.spectralIm + r * K]).toBe(0);
          if (2 * (K - 1) === config.n) expect(gradients[block.spectralIm + r * K + K - 1]).toBe(0);
          expect(Math.abs(numeric[block.spectralIm + r * K])).toBeLessThan(1e-9);
        }
        // and Im R at k > 0 does not vanish
        let imNorm = 0;
        for (let r = 0; r < config.width * config.width; r++) imNorm += Math.abs(gradients[block.spectralIm + r * K + 1]);
        expect(imNorm).toBeGreaterThan(0);
      }
      console.log(`FNO gradcheck ${config.activation} w${config.width} L${config.layers} K${K}: relative error ${error.toExponential(2)} over ${layout.parameterCount} parameters`);
    });
  }
});
