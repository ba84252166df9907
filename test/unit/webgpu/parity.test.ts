import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatParityTable } from '../../../src/engine/parity/report.ts';
import { runParity } from '../../../src/engine/parity/runParity.ts';
import { releaseBackend } from '../../../src/engine/train/backend.ts';
import { initWebGpuForTests } from './swiftshader.ts';

const dir = 'test/fixtures/parity';

beforeAll(initWebGpuForTests);

// About 80 s on SwiftShader with the machine to itself: the one full parity run on webgpu.
describe('parity with the PyTorch reference on webgpu in Node (Dawn over SwiftShader)', () => {
  it('recomputes every quantity of the fixture within its tolerances, leaking no tensor', { timeout: 600_000 }, async () => {
    expect(tf.getBackend()).toBe('webgpu');
    const before = tf.memory().numTensors;
    const report = await runParity({ read: async (name) => new Uint8Array(readFileSync(`${dir}/${name}`)) });
    const table = formatParityTable(report.rows);
    expect(report.rows).toHaveLength(26);
    expect(report.rows.filter((r) => !r.pass), table).toEqual([]);
    // As close as on cpu (test/unit/parity.test.ts), not just under the tolerances.
    const row = (q: string) => report.rows.find((r) => r.quantity === q)!;
    expect(row('g_train_out').maxAbs).toBeLessThan(1e-4);
    expect(row('d_step_grads').relative).toBeLessThan(1e-4);
    expect(row('g_step_grads').relative).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
    releaseBackend();
  });
});
