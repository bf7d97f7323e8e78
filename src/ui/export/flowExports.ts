// The flow view's exports: its picture, the final samples of a run and the trajectories it draws, as `.npy`.
// Samples come from the run controller's `samples()` — the very path behind `window.stepscope.samples()`: one run
// of the current spec with its own solver, read back once when the button is pressed (never per frame).
// Trajectories are the snapshots the view already holds: the CPU path's array, or one readback of the GPU copy.

import type { SampleSpec } from '../../core/spec/spec.ts';
import { readFloat32 } from '../../gpu/readback.ts';
import type { FlowView, TrajectorySnapshot } from '../../views/flowView.ts';
import type { RunController } from '../controller.ts';
import type { ExportRow } from './ExportMenu.tsx';
import { jsonBlob, npyBlob } from './exporters.ts';
import { targetSlug } from './viewData.ts';

export interface FlowExportContext {
  view: FlowView | null;
  controller: RunController | null;
  /** the device the GPU snapshots live on (null: they are CPU arrays) */
  device: GPUDevice | null;
  spec: SampleSpec;
  hasRun: boolean;
  trajectories: TrajectorySnapshot[];
  label: (solver: string) => string;
}

/** a trajectory as C-order [steps + 1, n, dim] (its storage layout: grid index major) */
export async function trajectoryArray(snapshot: TrajectorySnapshot, device: GPUDevice | null): Promise<Float32Array | Float64Array> {
  const count = (snapshot.steps + 1) * snapshot.n * snapshot.dim;
  if (snapshot.cpu) return snapshot.cpu.length === count ? snapshot.cpu : snapshot.cpu.slice(0, count);
  if (snapshot.gpu && device) return readFloat32(device, snapshot.gpu, 0, count * 4);
  throw new Error('the trajectory is on a GPU this page no longer holds');
}

export function flowExportRows(c: FlowExportContext): ExportRow[] {
  const target = targetSlug(c.spec.target);
  const solver = c.spec.solver.name;
  const rows: ExportRow[] = [
    {
      what: 'flow view',
      actions: [
        {
          format: 'png',
          name: ['flow', target, solver],
          make: () => c.view!.snapshotPng(),
          unavailable: !c.view ? 'The renderer has not started' : c.trajectories.length === 0 ? 'No run drawn yet' : null,
        },
        {
          format: 'webm',
          name: ['flow', target, solver, 'clip'],
          describe: 'A clip of the flow from noise to data (about 4.5 s; the view plays while it records)',
          make: () => c.view!.recordClip(),
          unavailable: !c.view ? 'The renderer has not started' : c.trajectories.length === 0 ? 'No run drawn yet' : null,
        },
      ],
    },
    {
      what: 'final samples',
      actions: [
        {
          format: 'npy',
          name: ['samples', target, solver, `n${c.spec.n}`, `seed${c.spec.seed}`],
          describe: `[n, d] array of one run of the current spec (${c.label(solver)}), read back once`,
          unavailable: !c.controller ? 'The engine is not ready' : !c.hasRun ? 'No run yet' : null,
          make: async () => {
            const { spec, samples } = await c.controller!.samples();
            return npyBlob(samples, [spec.n, samples.length / spec.n]);
          },
        },
      ],
    },
  ];
  for (const snapshot of c.trajectories) {
    // named by configuration (its index and label): two configurations may share a solver
    const configuration = snapshot.index !== undefined ? [`config${snapshot.index}`, snapshot.label ?? snapshot.solver] : [snapshot.solver];
    const name = ['trajectory', target, ...configuration, `n${snapshot.n}`, `steps${snapshot.steps}`];
    rows.push({
      what: `trajectories (${snapshot.label ?? c.label(snapshot.solver)})`,
      actions: [
        {
          format: 'npy',
          name,
          describe: `[steps + 1, n, d] = [${snapshot.steps + 1}, ${snapshot.n}, ${snapshot.dim}]: every particle at every grid time`,
          make: async () => npyBlob(await trajectoryArray(snapshot, c.device), [snapshot.steps + 1, snapshot.n, snapshot.dim]),
        },
        {
          format: 'json',
          name: [...name, 'times'],
          describe: 'the grid times t_0 > … > t_steps of the trajectory',
          make: () => jsonBlob({ ...(snapshot.index !== undefined ? { configuration: snapshot.index, label: snapshot.label } : {}), solver: snapshot.solver, n: snapshot.n, dim: snapshot.dim, steps: snapshot.steps, times: snapshot.times }),
        },
      ],
    });
  }
  return rows;
}
