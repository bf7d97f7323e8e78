// The fixed random feature map φ of FD-RF (specs/samplers.md §17.3b), float64 twin of shaders/sampler/features.wgsl.
// Untrained random networks are a sound feature space for Fréchet distances (Lee, Kim, Lee 2022, §17.1); what
// matters is that φ never changes, so it is seeded once from the project RNG and versioned: curves computed
// with the same FEATURE_MAP_VERSION are comparable across runs and machines.
//
// φ(x) for a 16×16 image x (row-major, pixel i = row·16 + col), F = 256 features:
//   h1 = ReLU(conv3×3(x; W1), stride 2, zero padding 1)      16 channels, 8×8
//   h2 = ReLU(conv3×3(h1; W2), stride 2, zero padding 1)     32 channels, 4×4
//   φ[0..32)   = mean of h2 over the 4×4 positions, per channel   (global average pooling)
//   φ[32..64)  = max of h2 over the 4×4 positions, per channel    (global max pooling)
//   φ[64..256) = ReLU(P x + b)                                   (random ReLU projection of the raw pixels)
// He-normal weights W1 ~ N(0, 2/9), W2 ~ N(0, 2/144), zero conv biases; P ~ N(0, 1/256), b ~ N(0, 0.25).

import { RngStream, normalPair } from '../util/rng.ts';

export const FEATURE_MAP_VERSION = 1;
/** the seed of φ's weights (never change it without bumping FEATURE_MAP_VERSION) */
export const FEATURE_MAP_SEED = 0x0f0d_0001;
export const FEATURE_IMAGE_SIZE = 16;
export const FEATURE_INPUT_DIM = FEATURE_IMAGE_SIZE * FEATURE_IMAGE_SIZE;
export const FEATURE_DIM = 256;
const C1 = 16;
const C2 = 32;
const PROJECTED = 192;

/** offsets of each tensor in the packed weight array (the layout the WGSL kernel reads) */
export const FEATURE_LAYOUT = {
  /** W1[o][ky][kx], o < 16 */
  conv1: 0,
  /** W2[o][c][ky][kx], o < 32, c < 16 */
  conv2: C1 * 9,
  /** P[j][i], j < 192, i < 256 */
  projection: C1 * 9 + C2 * C1 * 9,
  /** b[j], j < 192 */
  bias: C1 * 9 + C2 * C1 * 9 + PROJECTED * FEATURE_INPUT_DIM,
  total: C1 * 9 + C2 * C1 * 9 + PROJECTED * FEATURE_INPUT_DIM + PROJECTED,
} as const;

/** normal number j of tensor `tensor`: one Threefry block per pair, 2048 normals per RNG step (rng.ts) */
function weightNormal(tensor: number, j: number): number {
  const pair = normalPair(FEATURE_MAP_SEED, RngStream.featureMap, tensor, Math.floor(j / 2048), (j % 2048) >> 1);
  return pair[j & 1];
}

let cachedWeights: Float64Array | null = null;

/** φ's weights, packed per FEATURE_LAYOUT (computed once, then cached; do not modify the returned array) */
export function featureMapWeights(): Float64Array {
  if (cachedWeights) return cachedWeights;
  const w = new Float64Array(FEATURE_LAYOUT.total);
  const fill = (tensor: number, offset: number, count: number, std: number) => {
    for (let j = 0; j < count; j++) w[offset + j] = std * weightNormal(tensor, j);
  };
  fill(0, FEATURE_LAYOUT.conv1, C1 * 9, Math.sqrt(2 / 9));
  fill(1, FEATURE_LAYOUT.conv2, C2 * C1 * 9, Math.sqrt(2 / (C1 * 9)));
  fill(2, FEATURE_LAYOUT.projection, PROJECTED * FEATURE_INPUT_DIM, Math.sqrt(1 / FEATURE_INPUT_DIM));
  fill(3, FEATURE_LAYOUT.bias, PROJECTED, 0.5);
  cachedWeights = w;
  return w;
}

/** φ of n images (row-major n×256) into out (n×256), float64 */
export function rfFeatures(x: ArrayLike<number>, n: number, out: Float64Array = new Float64Array(n * FEATURE_DIM)): Float64Array {
  if (x.length < n * FEATURE_INPUT_DIM) throw new Error(`rfFeatures: ${x.length} values; expected n·256 = ${n * FEATURE_INPUT_DIM} (16×16 images)`);
  const w = featureMapWeights();
  const h1 = new Float64Array(C1 * 64);
  const h2 = new Float64Array(C2 * 16);
  const S = FEATURE_IMAGE_SIZE;
  const conv1 = FEATURE_LAYOUT.conv1;
  const conv2 = FEATURE_LAYOUT.conv2;
  // im2col: the (zero-padded) 3×3 window of one output position as a contiguous patch, then one dot product per
  // output channel with W[o] laid out in the same (c, ky, kx) order
  const patch1 = new Float64Array(9);
  const patch2 = new Float64Array(C1 * 9);
  const pixels = new Float64Array(FEATURE_INPUT_DIM);
  const projection = FEATURE_LAYOUT.projection;
  const bias = FEATURE_LAYOUT.bias;
  for (let p = 0; p < n; p++) {
    const img = p * FEATURE_INPUT_DIM;
    for (let oy = 0; oy < 8; oy++)
      for (let ox = 0; ox < 8; ox++) {
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const y = 2 * oy + ky - 1;
            const xx = 2 * ox + kx - 1;
            patch1[ky * 3 + kx] = y < 0 || y >= S || xx < 0 || xx >= S ? 0 : x[img + y * S + xx];
          }
        for (let o = 0; o < C1; o++) {
          let s = 0;
          for (let j = 0; j < 9; j++) s += w[conv1 + o * 9 + j] * patch1[j];
          h1[o * 64 + oy * 8 + ox] = s > 0 ? s : 0;
        }
      }
    for (let oy = 0; oy < 4; oy++)
      for (let ox = 0; ox < 4; ox++) {
        for (let c = 0; c < C1; c++)
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const y = 2 * oy + ky - 1;
              const xx = 2 * ox + kx - 1;
              patch2[c * 9 + ky * 3 + kx] = y < 0 || y >= 8 || xx < 0 || xx >= 8 ? 0 : h1[c * 64 + y * 8 + xx];
            }
        for (let o = 0; o < C2; o++) {
          let s = 0;
          const row = conv2 + o * C1 * 9;
          for (let j = 0; j < C1 * 9; j++) s += w[row + j] * patch2[j];
          h2[o * 16 + oy * 4 + ox] = s > 0 ? s : 0;
        }
      }
    for (let i = 0; i < FEATURE_INPUT_DIM; i++) pixels[i] = x[img + i];
    const f = p * FEATURE_DIM;
    for (let o = 0; o < C2; o++) {
      let sum = 0;
      let max = 0; // ReLU outputs are ≥ 0
      for (let j = 0; j < 16; j++) {
        sum += h2[o * 16 + j];
        max = Math.max(max, h2[o * 16 + j]);
      }
      out[f + o] = sum / 16;
      out[f + C2 + o] = max;
    }
    for (let j = 0; j < PROJECTED; j++) {
      let s = w[bias + j];
      const row = projection + j * FEATURE_INPUT_DIM;
      for (let i = 0; i < FEATURE_INPUT_DIM; i++) s += w[row + i] * pixels[i];
      out[f + 2 * C2 + j] = Math.max(s, 0);
    }
  }
  return out;
}
