import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfigJson } from '../../../src/engine/config.ts';
import { describeValue, FwiError } from '../../../src/engine/errors.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { parseSafetensors } from '../../../src/engine/io/safetensors.ts';
import { widthsFromStateDict } from '../../../src/engine/model/stateDict.ts';
import { parseCheckpointMeta } from '../../../src/engine/train/checkpoint.ts';
import { FUZZ_PARSERS } from '../../fuzz/parsers.ts';
import { npyBytes } from '../io/npyBuild.ts';

// What the fuzzers found, each kept as a plain regression test (README, "Reliability").

const deepList = (d: number) => '['.repeat(d) + ']'.repeat(d);

function safetensorsWithHeader(header: string): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  return out;
}

const checkpointMeta = () => structuredClone(FUZZ_PARSERS.find((p) => p.name === 'checkpoint.json')!.seeds()[0].layers![0].value) as Record<string, unknown>;

describe('fuzz findings', () => {
  it('safetensors: a 100,000-deep dtype is refused by name (it was a RangeError from quoting it in the message)', () => {
    const bytes = safetensorsWithHeader(`{"w": {"dtype": ${deepList(100_000)}, "shape": [0], "data_offsets": [0, 0]}}`);
    expect(() => parseSafetensors(bytes, 'deep.safetensors')).toThrow(new FwiError('safetensors', 'tensor "w" has unsupported dtype a list (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)', 'deep.safetensors'));
  });

  it('safetensors: a dtype named after an Object.prototype member ("toString") is an unsupported dtype', () => {
    const bytes = safetensorsWithHeader('{"w": {"dtype": "toString", "shape": [1], "data_offsets": [0, 0]}}');
    expect(() => parseSafetensors(bytes, 'proto.safetensors')).toThrow(/proto\.safetensors: tensor "w" has unsupported dtype "toString"/);
  });

  it('checkpoint: a deep "version" or "format" is described, not stringified', () => {
    expect(() => parseCheckpointMeta(JSON.stringify({ ...checkpointMeta(), version: 7 }).replace('"version":7', `"version":${deepList(100_000)}`), 'c.json')).toThrow(
      new FwiError('config', 'checkpoint version a list is not supported (this build reads 1)', 'c.json'),
    );
    expect(() => parseCheckpointMeta(`{"format": ${deepList(50_000)}}`, 'c.json')).toThrow(new FwiError('config', 'not a VelocityGAN Studio checkpoint (format is a list)', 'c.json'));
  });

  it('checkpoint: each validation entry is checked at the edge (a null entry crashed the charts of a resumed run)', () => {
    const meta = checkpointMeta();
    const good = { type: 'validation', epoch: 1, generatorStep: 4, loss: 12.5, mae: 0.1, mse: 0.04, rmse: 0.2, ssim: 0.7, maeMs: 150, rmseMs: 300 };
    expect(parseCheckpointMeta(JSON.stringify({ ...meta, validation: [good] }), 'c.json').validation).toEqual([good]);
    // Saved before the MSE was recorded: RMSE² stands in for it.
    const { mse: _, ...older } = { ...good, rmse: 0.5 };
    expect(parseCheckpointMeta(JSON.stringify({ ...meta, validation: [older] }), 'c.json').validation[0].mse).toBe(0.25);
    expect(() => parseCheckpointMeta(JSON.stringify({ ...meta, validation: [good, null] }), 'c.json')).toThrow(new FwiError('config', 'validation entry 1 of the checkpoint is malformed (not an object)', 'c.json'));
    expect(() => parseCheckpointMeta(JSON.stringify({ ...meta, validation: [{ ...good, mae: 'x', ssim: null }] }), 'c.json')).toThrow(/validation entry 0 of the checkpoint is malformed \(mae, ssim\)/);
    expect(() => parseCheckpointMeta(JSON.stringify({ ...meta, validation: 'all' }), 'c.json')).toThrow(/lacks valid validation/);
    expect(() => parseCheckpointMeta(JSON.stringify({ ...meta, elapsedSeconds: -3 }), 'c.json')).toThrow(/lacks valid elapsedSeconds/);
  });

  it('config: a "transform" or "lambda" that is not an object, or holds unknown keys, is an error, not the defaults', () => {
    const base = defaultConfig();
    expect(() => parseConfigJson(JSON.stringify({ ...base, transform: 'flatvel' }), 'a.json')).toThrow(new FwiError('config', 'transform must be an object', 'a.json'));
    expect(() => parseConfigJson(JSON.stringify({ ...base, lambda: [100, 0, 1, 10] }), 'a.json')).toThrow(new FwiError('config', 'lambda must be an object', 'a.json'));
    expect(() => parseConfigJson(JSON.stringify({ ...base, lambda: { ...base.lambda, g3v: 1 } }), 'a.json')).toThrow(new FwiError('config', 'lambda.g3v unknown setting', 'a.json'));
    expect(parseConfigJson(JSON.stringify({ transform: { k: 2 } }), 'a.json').transform).toEqual({ ...base.transform, k: 2 });
  });

  it('weights: a conv weight with an empty axis cannot claim a width of 10^9 at no cost in bytes', () => {
    const t = (shape: number[]) => ({ dtype: 'F32', shape, data: new Float32Array(0) });
    const tensors = new Map([['convblock1.layers.0.weight', t([1_000_000_000, 0, 3, 3])]]);
    expect(() => widthsFromStateDict('generator', tensors, 'g.safetensors')).toThrow(new FwiError('weights', '"convblock1.layers.0.weight" has an empty axis (shape [1000000000, 0, 3, 3])', 'g.safetensors'));
  });

  it('npy: a "__proto__" key in the header is a plain key, never a source of inherited "descr"/"shape"', async () => {
    const bytes = npyBytes({ header: "{'__proto__': {'descr': '<f4', 'fortran_order': False, 'shape': (1,)}, 'fortran_order': False, 'shape': (1,), }", data: new Uint8Array(4) });
    await expect(openNpy(bytesSource(bytes, 'proto.npy'))).rejects.toThrow(new FwiError('npy-header', 'malformed header (no "descr" key)', 'proto.npy'));
  });

  it('describeValue keeps messages short and never recurses', () => {
    expect([describeValue('F32'), describeValue('x'.repeat(50)), describeValue(3), describeValue(null), describeValue(undefined), describeValue({}), describeValue([[1]])]).toEqual([
      '"F32"',
      `"${'x'.repeat(40)}…"`,
      '3',
      'null',
      'nothing',
      'an object',
      'a list',
    ]);
  });
});
