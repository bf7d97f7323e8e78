// The 2D field as a colour map (issue #6 view 1). Two ways to draw, chosen once per canvas:
// - GPU: a WebGPU canvas on the app's device; `encode` records a render pass that reads the solver's display
//   buffer in the same command buffer as the steps (DESIGN §4: no CPU round trip, no per-frame readback).
// - 2D canvas: where a WebGPU canvas cannot be presented (headless SwiftShader: presentationProbe.ts) or there is
//   no GPU, `drawArray` paints a field read back every few frames (or the CPU path's float64 field).
// The canvas has one pixel per grid point; CSS scales it (pixelated).

import fieldMapWgsl from '../../../shaders/views/field_map.wgsl?raw';
import type { ColormapName } from '../../state/pdeStore.ts';
import { colormapTable, colormapTableF32, paintPixels } from './colormaps.ts';

export interface FieldLayout {
  nx: number;
  ny: number;
  channels: number;
  complex: boolean;
}

const pipelines = new WeakMap<GPUDevice, { pipeline: GPURenderPipeline; format: GPUTextureFormat }>();

function pipelineFor(device: GPUDevice, format: GPUTextureFormat): GPURenderPipeline {
  const cached = pipelines.get(device);
  if (cached && cached.format === format) return cached.pipeline;
  const module = device.createShaderModule({ label: 'pde field map', code: fieldMapWgsl });
  const pipeline = device.createRenderPipeline({
    label: 'pde field map',
    layout: 'auto',
    vertex: { module, entryPoint: 'vs' },
    fragment: { module, entryPoint: 'fs', targets: [{ format }] },
    primitive: { topology: 'triangle-list' },
  });
  pipelines.set(device, { pipeline, format });
  return pipeline;
}

export class FieldMap {
  private layout: FieldLayout = { nx: 1, ny: 1, channels: 1, complex: false };
  private colormap: ColormapName = 'viridis';
  private readonly gpuState: {
    device: GPUDevice;
    context: GPUCanvasContext;
    pipeline: GPURenderPipeline;
    uniform: GPUBuffer;
    lut: GPUBuffer;
    groups: WeakMap<GPUBuffer, GPUBindGroup>;
  } | null = null;
  private image: ImageData | null = null;

  /** `device`: draw from GPU buffers on this device; null: draw read-back arrays on a 2D canvas */
  constructor(
    readonly canvas: HTMLCanvasElement,
    device: GPUDevice | null,
  ) {
    if (device) {
      const context = canvas.getContext('webgpu');
      if (!context) throw new Error('canvas.getContext("webgpu") returned null');
      const format = navigator.gpu.getPreferredCanvasFormat();
      context.configure({ device, format, alphaMode: 'opaque' });
      const uniform = device.createBuffer({ label: 'pde field map view', size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      const lut = device.createBuffer({ label: 'pde field map colours', size: 256 * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      this.gpuState = { device, context, pipeline: pipelineFor(device, format), uniform, lut, groups: new WeakMap() };
      device.queue.writeBuffer(lut, 0, colormapTableF32(this.colormap));
    }
  }

  /** true when this map draws from GPU buffers (`encode`), false when it paints arrays (`drawArray`) */
  get gpu(): boolean {
    return this.gpuState !== null;
  }

  setLayout(layout: FieldLayout): void {
    this.layout = layout;
    if (this.canvas.width !== layout.nx || this.canvas.height !== layout.ny) {
      this.canvas.width = layout.nx;
      this.canvas.height = layout.ny;
      this.image = null;
    }
  }

  setColormap(name: ColormapName): void {
    if (name === this.colormap) return;
    this.colormap = name;
    if (this.gpuState) this.gpuState.device.queue.writeBuffer(this.gpuState.lut, 0, colormapTableF32(name));
  }

  /** GPU path: records drawing channel `channel` of `physical` ([channel][y][x] vec2f) into the canvas */
  encode(encoder: GPUCommandEncoder, physical: GPUBuffer, channel: number, range: [number, number]): void {
    const g = this.gpuState;
    if (!g) throw new Error('FieldMap.encode needs the GPU path');
    const { nx, ny, complex } = this.layout;
    const view = new ArrayBuffer(32);
    new Uint32Array(view, 0, 4).set([nx, ny, channel * nx * ny, complex ? 1 : 0]);
    new Float32Array(view, 16, 2).set(range);
    g.device.queue.writeBuffer(g.uniform, 0, view);
    let group = g.groups.get(physical);
    if (!group) {
      group = g.device.createBindGroup({
        label: 'pde field map',
        layout: g.pipeline.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: g.uniform } },
          { binding: 1, resource: { buffer: physical } },
          { binding: 2, resource: { buffer: g.lut } },
        ],
      });
      g.groups.set(physical, group);
    }
    const pass = encoder.beginRenderPass({
      label: 'pde field map',
      colorAttachments: [{ view: g.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: [0, 0, 0, 1] }],
    });
    pass.setPipeline(g.pipeline);
    pass.setBindGroup(0, group);
    pass.draw(3);
    pass.end();
  }

  /** 2D-canvas path: paints one channel's values (row-major, y = 0 first) */
  drawArray(values: ArrayLike<number>, range: [number, number]): void {
    const { nx, ny } = this.layout;
    const context = this.canvas.getContext('2d');
    if (!context) return;
    if (!this.image) this.image = context.createImageData(nx, ny);
    paintPixels(this.image.data, values, nx, ny, range, colormapTable(this.colormap));
    context.putImageData(this.image, 0, 0);
  }

  destroy(): void {
    if (this.gpuState) {
      this.gpuState.uniform.destroy();
      this.gpuState.lut.destroy();
      this.gpuState.context.unconfigure();
    }
  }
}
