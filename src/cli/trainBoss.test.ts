// `stepscope train` with "task":"boss" (training.md §3.5) end to end on a tiny teacher: the student model file, the log
// with the held-out loss, the printed before/after table equal to the in-process float64 run, the sampler taking the
// student on its Bellman steps with the same MMD²; bad specs and teachers refused by name with nothing written.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBossSpec } from '../core/spec/bossSpec.ts';
import { parseModelFileText } from '../core/spec/modelFile.ts';
import { bossStraightenCpu } from '../engine/train/boss.ts';
import { runCli, scratchDir, writeJson } from './testing.ts';

const ring8 = { type: 'preset', name: 'ring8' };
const teacherSpec = { version: 1, kind: 'train', task: 'flow-matching', target: ring8, model: { type: 'mlp', width: 16, depth: 2 }, optimizer: { name: 'adam', lr: 3e-3 }, steps: 60, batch: 64, seed: 1 };
const boss = { version: 1, kind: 'train', task: 'boss', teacher: 'teacher.json', K: 3, kMax: 10, trajectories: 32, noises: 60, steps: 20, batch: 32, evalEvery: 10, eval: { n: 128, seed: 2 } };

const outputs = (dir: string, inputs: string[]) => readdirSync(dir).filter((f) => !inputs.includes(f)).sort();

describe('stepscope train, task boss', () => {
  const dir = scratchDir();
  const trained = runCli(['train', '--spec', writeJson(dir, 'teacher-spec.json', teacherSpec), '--out', join(dir, 'teacher.json')]);
  const teacherText = () => readFileSync(join(dir, 'teacher.json'), 'utf8');

  it('fine-tunes a copy of the teacher: student file, log with the held-out loss, the table of the in-process run; the teacher file untouched', async () => {
    expect(trained.status, trained.stderr).toBe(0);
    const before = teacherText();
    const result = runCli(['train', '--spec', writeJson(dir, 'boss.json', boss), '--out', join(dir, 'student.json'), '--log', join(dir, 'log.csv')]);
    expect(result.stderr).not.toMatch(/stepscope:/);
    expect(result.status).toBe(0);
    expect(teacherText()).toBe(before);
    const teacher = parseModelFileText(before);
    const student = parseModelFileText(readFileSync(join(dir, 'student.json'), 'utf8'));
    expect(student.config).toEqual(teacher.config);
    expect(student.params).not.toEqual(teacher.params);
    expect(student.straightened).toMatchObject({ method: 'boss', K: 3, kMax: 10, pairs: 'offline' });
    expect(student.straightened!.times).toHaveLength(4);
    expect(student.trainedOn).toMatchObject({ target: ring8, steps: 20, batch: 32, seed: 0, optimizer: { name: 'adam', lr: 1e-3 } });
    const lines = readFileSync(join(dir, 'log.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('step,loss,samples_seen,wall_ms,eval_loss');
    expect(lines).toHaveLength(21);
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells.filter((c) => c[4] !== '').map((c) => Number(c[0]))).toEqual([1, 10, 20]);
    expect(cells.map((c) => Number(c[2]))).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 32));
    expect(Number(cells[19][4])).toBe(student.loss.validation);
    expect(student.straightened!.heldOutLoss.after).toBe(student.loss.validation);

    // the same spec in process (the engine the training lab's worker calls): the same student and numbers
    const node = await bossStraightenCpu(parseBossSpec(boss), teacher, () => {});
    expect(Array.from(node.model.params)).toEqual(Array.from(student.params));
    expect(node.plan.times).toEqual(student.straightened!.times);
    expect(node.evaluation.rows.map((r) => r.row)).toEqual(['teacher-fine', 'teacher-uniform', 'teacher-bellman', 'student-bellman']);
    for (const row of node.evaluation.rows) {
      const label = { 'teacher-fine': 'teacher, K_max uniform steps', 'teacher-uniform': 'teacher, K uniform steps', 'teacher-bellman': 'teacher, K Bellman steps', 'student-bellman': 'student, K Bellman steps' }[row.row];
      const line = result.stdout.split('\n').find((l) => l.startsWith(label))!;
      expect(line).toContain(row.mmd2.toExponential(3));
      if (row.row !== 'teacher-fine') expect(line).toContain(row.rmse.toExponential(3));
    }
    expect(result.stdout).toMatch(/Bellman steps \(K = 3 of K_max = 10, 32 teacher trajectories\): indices 0 \d+ \d+ 10/);
    expect(result.stdout).toMatch(/; 54 training noises, 6 held out/);

    // the sampler takes the student on its Bellman steps (a custom schedule) and reports the same MMD²
    const sample = { version: 1, kind: 'sample', process: { type: 'flow' }, target: ring8, model: { type: 'mlp', file: 'student.json' }, solver: { name: 'flow-euler' }, schedule: { type: 'custom', times: student.straightened!.times }, steps: 3, tStart: student.straightened!.times[0], tEnd: student.straightened!.times[3], n: 128, seed: 2 };
    const sampled = runCli(['sample', '--spec', writeJson(dir, 'sample.json', sample), '--out', join(dir, 'x.npy'), '--metrics', join(dir, 'm.json'), '--backend', 'cpu']);
    expect(sampled.status, sampled.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')).metrics;
    expect(metrics.mmd2).toBe(node.evaluation.rows[3].mmd2);
    expect(metrics.nulls.mmd2).toBe(node.evaluation.nullMmd2);
  });

  it('refuses bad specs and teachers by name with exit code 2, writing nothing', () => {
    expect(trained.status).toBe(0);
    writeFileSync(join(dir, 'score.json'), teacherText().replace('"task": "flow-matching"', '"task": "score-matching"').replace(/"timeInput": \{[^}]*\}/, '"timeInput": {"kind":"log-sigma-over-4","sigmaMin":0.01,"sigmaMax":3}'));
    const cases: [unknown, RegExp][] = [
      [{ ...boss, teacher: undefined }, /teacher: got nothing; /],
      [{ ...boss, K: 11 }, /K: got 11; must be at most kMax \(10\)/],
      [{ ...boss, pairs: 'streamed' }, /pairs: got "streamed"; allowed: "offline", "online"/],
      [{ ...boss, heldOut: 1 }, /heldOut: got 1; .*<1/],
      [{ ...boss, target: ring8 }, /unknown field\(s\) "target"/],
      [{ ...boss, task: 'bos' }, /task: got "bos"; allowed: "flow-matching", "score-matching", "surrogate", "boss"/],
      [{ ...boss, teacher: 'none.json' }, /--spec: teacher 'none\.json' \(.*none\.json\) cannot be read/],
      [{ ...boss, teacher: 'score.json' }, /--spec: teacher 'score\.json' is a score-matching model; allowed: a flow-matching model/],
    ];
    const inputs = outputs(dir, []);
    for (const [spec, pattern] of cases) {
      const result = runCli(['train', '--spec', writeJson(dir, 'bad.json', spec), '--out', join(dir, 'bad-student.json'), '--log', join(dir, 'bad-log.csv')]);
      expect(result.stderr).toMatch(pattern);
      expect(result.status).toBe(2);
      expect(outputs(dir, [...inputs, 'bad.json'])).toEqual([]);
    }
  });
});
