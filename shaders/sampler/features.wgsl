// FD-RF's fixed random feature map φ (specs/samplers.md §17.3b), f32 twin of src/core/metrics/features.ts, whose
// header defines φ and the packed weight layout. One workgroup per 16×16 image: the image and both convolution
// outputs live in workgroup memory; 64 threads share each stage. Output: 256 features per image,
// [average pooling (32), max pooling (32), ReLU projection (192)].

struct FeatureParams {
  offset: u32,        // first float of image 0 in `images`
  n: u32,             // images in this dispatch
  groups_per_row: u32, // x extent of the 2D dispatch (images = x + y·groups_per_row; WebGPU caps one dimension)
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: FeatureParams;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> images: array<f32>;
@group(0) @binding(3) var<storage, read_write> features: array<f32>;

// offsets of FEATURE_LAYOUT (features.ts): W1 16·9, W2 32·16·9, P 192·256, b 192
const CONV1: u32 = 0u;
const CONV2: u32 = 144u;
const PROJECTION: u32 = 4752u;
const BIAS: u32 = 53904u;

var<workgroup> img: array<f32, 256>;
var<workgroup> h1: array<f32, 1024>; // [16 channels][8][8]
var<workgroup> h2: array<f32, 512>;  // [32 channels][4][4]

@compute @workgroup_size(64)
fn rf_features(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let s = wid.x + wid.y * params.groups_per_row;
  // s is the same for the whole workgroup, so returning here keeps the barriers in uniform control flow
  if (s >= params.n) {
    return;
  }
  for (var j = 0u; j < 4u; j++) {
    img[lid + 64u * j] = images[params.offset + s * 256u + lid + 64u * j];
  }
  workgroupBarrier();
  // conv 3×3, stride 2, zero padding 1: 16×16 → 8×8, 16 channels, ReLU
  for (var j = 0u; j < 16u; j++) {
    let idx = lid + 64u * j;
    let o = idx / 64u;
    let oy = (idx % 64u) / 8u;
    let ox = idx % 8u;
    var acc = 0.0;
    for (var ky = 0u; ky < 3u; ky++) {
      let y = i32(2u * oy + ky) - 1;
      for (var kx = 0u; kx < 3u; kx++) {
        let x = i32(2u * ox + kx) - 1;
        if (y >= 0 && y < 16 && x >= 0 && x < 16) {
          acc += weights[CONV1 + o * 9u + ky * 3u + kx] * img[u32(y) * 16u + u32(x)];
        }
      }
    }
    h1[idx] = max(acc, 0.0);
  }
  workgroupBarrier();
  // conv 3×3, stride 2, zero padding 1: 8×8 → 4×4, 32 channels over 16 inputs, ReLU
  for (var j = 0u; j < 8u; j++) {
    let idx = lid + 64u * j;
    let o = idx / 16u;
    let oy = (idx % 16u) / 4u;
    let ox = idx % 4u;
    var acc = 0.0;
    for (var c = 0u; c < 16u; c++) {
      for (var ky = 0u; ky < 3u; ky++) {
        let y = i32(2u * oy + ky) - 1;
        for (var kx = 0u; kx < 3u; kx++) {
          let x = i32(2u * ox + kx) - 1;
          if (y >= 0 && y < 8 && x >= 0 && x < 8) {
            acc += weights[CONV2 + ((o * 16u + c) * 3u + ky) * 3u + kx] * h1[c * 64u + u32(y) * 8u + u32(x)];
          }
        }
      }
    }
    h2[idx] = max(acc, 0.0);
  }
  workgroupBarrier();
  let out = s * 256u;
  if (lid < 32u) {
    var total = 0.0;
    var top = 0.0; // ReLU outputs are ≥ 0
    for (var j = 0u; j < 16u; j++) {
      total += h2[lid * 16u + j];
      top = max(top, h2[lid * 16u + j]);
    }
    features[out + lid] = total / 16.0;
    features[out + 32u + lid] = top;
  }
  // ReLU(P x + b), 192 outputs
  for (var j = 0u; j < 3u; j++) {
    let row = lid + 64u * j;
    var acc = weights[BIAS + row];
    for (var i = 0u; i < 256u; i++) {
      acc += weights[PROJECTION + row * 256u + i] * img[i];
    }
    features[out + 64u + row] = max(acc, 0.0);
  }
}
