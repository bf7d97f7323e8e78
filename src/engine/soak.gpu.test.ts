// Soak (issue 10): 1 000 consecutive runs of changing specs (four kinds, a new seed each run, metrics every 250th)
// on one GPU backend, in a child process with --expose-gc (scripts/soak.mts): the live GPU buffers are back at their
// baseline after every run, all are released with the backend, no pipeline is built after the first round, and the
// JS heap after a full GC grows under 10%.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('soak: a long session on one GPU backend', () => {
  it('1 000 runs: live buffers at baseline after each, all released at the end, pipelines built once, heap growth under 10%', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', './bin/register.mjs', 'scripts/soak.mts', '1000'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(report.runs).toBe(1000);
    expect(report.offBaseline).toBe(0);
    expect(report.maxBuffers).toBe(report.baseline.buffers);
    expect(report.finalBuffers).toBe(0);
    // every kernel's pipeline was built in the warm-up round; the 1 000 runs built none
    expect(report.pipelinesAfterWarmup).toBe(0);
    expect(report.heap).toHaveLength(20);
    const growth = (Math.max(...report.heap) - report.baseline.heap) / report.baseline.heap;
    expect(growth, `heap ${report.baseline.heap} → ${report.heap.join(', ')}`).toBeLessThan(0.1);
  }, 600_000);
});
