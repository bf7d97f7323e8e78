// Counter-based RNG, bit-identical twin of src/core/util/rng.ts: Threefry-2x32 with 20 rounds
// (Salmon et al. SC'11). Key (seed, stream), counter (particle, step * RNG_BLOCKS_PER_STEP + block).
// u32 addition wraps modulo 2^32 in WGSL, exactly like `>>> 0` in TypeScript.

const RNG_BLOCKS_PER_STEP: u32 = 1024u;

fn rng_rotl(x: u32, r: u32) -> u32 {
  return (x << r) | (x >> (32u - r));
}

fn threefry2x32(key: vec2u, counter: vec2u) -> vec2u {
  var ks = array<u32, 3>(key.x, key.y, 0x1BD11BDAu ^ key.x ^ key.y);
  var rotations = array<u32, 8>(13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u);
  var x0 = counter.x + ks[0];
  var x1 = counter.y + ks[1];
  for (var round = 0u; round < 20u; round++) {
    x0 += x1;
    x1 = rng_rotl(x1, rotations[round % 8u]);
    x1 ^= x0;
    if (round % 4u == 3u) {
      let s = (round + 1u) / 4u;
      x0 += ks[s % 3u];
      x1 += ks[(s + 1u) % 3u] + s;
    }
  }
  return vec2u(x0, x1);
}

fn random_bits(seed: u32, stream: u32, particle: u32, step: u32, block: u32) -> vec2u {
  return threefry2x32(vec2u(seed, stream), vec2u(particle, step * RNG_BLOCKS_PER_STEP + block));
}

// 24 high bits, centred in their cell: in (0, 1), exact in f32
fn uniform_open(bits: u32) -> f32 {
  return (f32(bits >> 8u) + 0.5) * 5.9604644775390625e-8;
}

// −log(u) for u in (0, 1). WGSL's log() is only accurate to an absolute 2^−21 on [0.5, 2], which for u near 1
// is a large relative error; there use log(u) = 2·atanh(s), s = (u − 1)/(u + 1) ∈ (−1/3, 0], whose odd series
// converges to f32 precision in 8 terms (u − 1 is exact in f32).
fn neg_log_uniform(u: f32) -> f32 {
  if (u < 0.5) {
    return -log(u);
  }
  let s = (u - 1.0) / (u + 1.0);
  let s2 = s * s;
  let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0 + s2 * (1.0 / 13.0 + s2 / 15.0))))));
  return -2.0 * s * series;
}

// (cos 2πu, sin 2πu) to f32 precision. WGSL's sin/cos only promise an absolute 2^−11; reduce exactly in
// turns to r ∈ [−1/8, 1/8] plus a quarter-turn count, then Taylor polynomials on |2πr| ≤ π/4 (error < 2e−9).
fn cos_sin_turns(u: f32) -> vec2f {
  let quarter = round(4.0 * u);
  let r = u - 0.25 * quarter;
  let a = 6.283185307179586 * r;
  let a2 = a * a;
  let s = a * (1.0 + a2 * (-1.0 / 6.0 + a2 * (1.0 / 120.0 + a2 * (-1.0 / 5040.0 + a2 / 362880.0))));
  let c = 1.0 + a2 * (-0.5 + a2 * (1.0 / 24.0 + a2 * (-1.0 / 720.0 + a2 * (1.0 / 40320.0 - a2 / 3628800.0))));
  switch (u32(quarter) % 4u) {
    case 1u: { return vec2f(-s, c); }
    case 2u: { return vec2f(-c, -s); }
    case 3u: { return vec2f(s, -c); }
    default: { return vec2f(c, s); }
  }
}

// Box–Muller: two standard normals from one block (the TypeScript twin uses float64 Math.log/cos/sin)
fn normal_pair(seed: u32, stream: u32, particle: u32, step: u32, block: u32) -> vec2f {
  let w = random_bits(seed, stream, particle, step, block);
  let radius = sqrt(2.0 * neg_log_uniform(uniform_open(w.x)));
  let cs = cos_sin_turns(uniform_open(w.y));
  return radius * cs;
}
