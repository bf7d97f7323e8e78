// FD-RF and FD-pix for image targets (glyphs16), shared by both backends (specs/samplers.md §17.3b, §17.4):
// - FD-RF = FD(φ(generated), φ(reference)), the reference statistics from n_ref exact samples of p at the final
//   time (RNG particles [0, n_ref) of the spec's seed); its null band is the FD of an independent exact set of the
//   generated size n_gen (particles [n_ref, n_ref + n_gen)) against the same reference: what a perfect sampler scores.
// - FD-pix = FD(pixels of generated, ANALYTIC moments of p at the final time): no sampling noise in the reference;
//   its null band likewise from the same independent exact set.
// Where the statistics are computed (GPU f32 kernels, or the float64 twin) is the backend's `fit` callback.

import { FEATURE_DIM, FEATURE_MAP_VERSION, rfFeatures } from '../core/metrics/features.ts';
import { FrechetReference, type GaussianFit, MomentAccumulator, mixtureMoments, sampleMoments } from '../core/metrics/frechet.ts';
import { type PreparedMixture, sampleMixture } from '../core/sampling/gmm.ts';

/**
 * reference samples for FD-RF's statistics: §17.3b's 50 000 (backends take a smaller count as an option). Cost,
 * measured on SwiftShader (2 shared CPU cores): 4096 exact samples plus a 1024-sample null set took 21 s, so 50 000
 * take minutes there (seconds on a real GPU); the float64 CPU backend spends ~0.7 ms per sample on φ. The statistics
 * are cached per (process, target, final time, seed, n, count), so a sweep pays once.
 */
export const FD_REFERENCE_SAMPLES = 50_000;
/** exact samples drawn per chunk while building reference statistics (bounds the float64 memory) */
const REFERENCE_CHUNK = 8192;

export interface FrechetMetrics {
  /** FD-RF of the generated samples against the reference statistics */
  fdRf: number;
  /** FD-RF of an exact set of the same size: the null band (plug-in bias ~ 1/n_gen) */
  fdRfNull: number;
  /** FD in pixel space against the analytic moments of p at the final time */
  fdPix: number;
  /** FD-pix of the same exact set */
  fdPixNull: number;
  /** generated samples used (all n) */
  fdSamples: number;
  /** exact samples behind the FD-RF reference statistics */
  fdReferenceSamples: number;
  /** version of the feature map φ (features.ts): FD-RF values are comparable only within one version */
  fdRfVersion: number;
}

export interface ImageFits {
  features: GaussianFit;
  pixels: GaussianFit;
}

/** Gaussian fits of φ(x) and of x for `count` 16×16 images (row-major), computed by a backend */
export type ImageFitter = (samples: Float64Array, count: number) => Promise<ImageFits>;

/** the float64 fitter (CPU backend, and the twin of the GPU one) */
export const cpuImageFits: ImageFitter = async (samples, count) => ({
  features: sampleMoments(rfFeatures(samples, count), count, FEATURE_DIM),
  pixels: sampleMoments(samples, count, samples.length / count),
});

export class FrechetReferences {
  private constructor(
    readonly rf: FrechetReference,
    readonly pix: FrechetReference,
    readonly nullRf: number,
    readonly nullPix: number,
    readonly referenceSamples: number,
    readonly generatedSamples: number,
  ) {}

  /**
   * Reference statistics for a mixture at (α, σ) of the final time: n_ref exact samples (in chunks) for φ, the
   * analytic moments for pixels, and the null band at the generated size n_gen.
   */
  static async build(mixture: PreparedMixture, alpha: number, sigma: number, seed: number, referenceSamples: number, generatedSamples: number, fit: ImageFitter): Promise<FrechetReferences> {
    if (!Number.isInteger(referenceSamples) || referenceSamples < 2) throw new Error(`FD-RF reference samples: got ${referenceSamples}; allowed: integers ≥ 2`);
    if (!Number.isInteger(generatedSamples) || generatedSamples < 2) throw new Error(`FD-RF generated samples: got ${generatedSamples}; allowed: integers ≥ 2`);
    const setFits = async (first: number, count: number) => {
      const features = new MomentAccumulator(FEATURE_DIM);
      const pixels = new MomentAccumulator(mixture.dim);
      for (let start = 0; start < count; ) {
        // never leave a last chunk of one row (it has no covariance): the chunk before it takes that row
        const size = count - start <= REFERENCE_CHUNK + 1 ? count - start : REFERENCE_CHUNK;
        const fits = await fit(sampleMixture(mixture, size, alpha, sigma, seed, first + start), size);
        features.addFit(size, fits.features);
        pixels.addFit(size, fits.pixels);
        start += size;
      }
      return { features: features.fit(), pixels: pixels.fit() };
    };
    const reference = await setFits(0, referenceSamples);
    const exact = await setFits(referenceSamples, generatedSamples);
    const rf = new FrechetReference(reference.features);
    const pix = new FrechetReference(mixtureMoments(mixture, alpha, sigma));
    return new FrechetReferences(rf, pix, rf.distance(exact.features), pix.distance(exact.pixels), referenceSamples, generatedSamples);
  }

  /** the metrics of a generated set from its fits */
  measure(fits: ImageFits, count: number): FrechetMetrics {
    return {
      fdRf: this.rf.distance(fits.features),
      fdRfNull: this.nullRf,
      fdPix: this.pix.distance(fits.pixels),
      fdPixNull: this.nullPix,
      fdSamples: count,
      fdReferenceSamples: this.referenceSamples,
      fdRfVersion: FEATURE_MAP_VERSION,
    };
  }
}
