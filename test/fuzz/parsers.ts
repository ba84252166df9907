/**
 * The parsers under fuzzing, one entry each: valid seed files (with their structured headers, so
 * header edits keep the framing consistent), how to read a file the way the studio and the CLI
 * do, and what a correct read must satisfy. A new file format is one more entry here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configToJson, defaultConfig, parseConfigJson, validateConfig, applyWidthPreset } from '../../src/engine/config.ts';
import { parseAnnotation, resolveAnnotation, type SuppliedFile } from '../../src/engine/io/annotation.ts';
import { bytesSource } from '../../src/engine/io/byteSource.ts';
import { encodeNpy, openNpy } from '../../src/engine/io/npy.ts';
import { encodeSafetensors, parseSafetensors } from '../../src/engine/io/safetensors.ts';
import { widthsFromStateDict } from '../../src/engine/model/stateDict.ts';
import { decodeCheckpointBundle, parseCheckpointMeta } from '../../src/engine/train/checkpoint.ts';
import { readTorchSave } from '../../src/engine/io/torchSave.ts';
import { readPdparams } from '../../src/engine/io/pdparams.ts';
import { readEventFile } from '../../src/engine/io/tensorboardEvents.ts';
import { readWeightsFile } from '../../src/engine/model/weightsFile.ts';
import { checkpointFromOpenFwi } from '../../src/engine/train/openfwiResume.ts';
import { encodeValues, headerDict, npyBytes } from '../unit/io/npyBuild.ts';
import type { Layer, Seed } from './mutations.ts';

export interface FuzzParser {
  readonly name: string;
  /** Valid files the mutations start from. */
  seeds(): Seed[];
  /** Reads a file as the studio does; throws FwiError naming `file` for anything it cannot read. */
  parse(bytes: Uint8Array, file: string): Promise<unknown>;
  /** What a successful read must satisfy; returns what is wrong, or null. */
  check(result: unknown, bytes: Uint8Array): string | null;
}

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes); // replacement characters, as File.text() in the browser
const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------------------------
// .npy

function npySeed(name: string, version: 1 | 2 | 3, descr: string, shape: number[], values: number[], fortran = false): Seed {
  const data = encodeValues(descr, values);
  const value = { descr, fortran_order: fortran, shape };
  const layer: Layer = { label: 'header', syntax: 'python', value, rebuild: (header) => npyBytes({ version, header, data }) };
  return { name, bytes: npyBytes({ version, header: headerDict(descr, shape, fortran), data }), layers: [layer] };
}

const npy: FuzzParser = {
  name: 'npy',
  seeds: () => [
    { name: 'data1.npy', bytes: encodeNpy([2, 3, 4], Float32Array.from({ length: 24 }, (_, i) => i - 7.5)), layers: [] },
    npySeed('model1.npy', 1, '<f4', [2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => 1500 + 100 * i)),
    npySeed('fortran.npy', 2, '>f8', [3, 2], [1, 2, 3, 4, 5, 6], true),
    npySeed('bytes.npy', 3, '|u1', [5], [0, 1, 2, 254, 255]),
    npySeed('ints.npy', 1, '<i8', [2, 2], [-3, 4, 2 ** 40, -(2 ** 40)]),
    npySeed('half.npy', 1, '<f2', [2, 2], [0.5, -2, 65504, 0]),
    npySeed('empty.npy', 1, '<f4', [0, 4], []),
  ],
  async parse(bytes, file) {
    const f = await openNpy(bytesSource(bytes, file));
    const all = await f.readAll();
    const firstRow = f.rows > 0 ? await f.readRows(0, 1) : null;
    return { shape: f.shape, rows: f.rows, rowLength: f.rowLength, all, firstRow };
  },
  check(result) {
    const r = result as { shape: number[]; rows: number; rowLength: number; all: Float32Array; firstRow: Float32Array | null };
    if (r.all.length !== product(r.shape)) return `read ${r.all.length} values for shape (${r.shape.join(', ')})`;
    if (r.firstRow && (r.firstRow.length !== r.rowLength || r.firstRow.some((v, i) => !Object.is(v, r.all[i])))) return 'row 0 differs from the start of the whole array';
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// safetensors

function safetensorsLayer(bytes: Uint8Array, label = 'header'): Layer {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const value = JSON.parse(text(bytes.subarray(8, 8 + n)));
  const data = bytes.subarray(8 + n);
  return { label, syntax: 'json', value, rebuild: (header) => withSafetensorsHeader(header, data) };
}

function withSafetensorsHeader(header: string, data: Uint8Array): Uint8Array {
  const h = utf8.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

const safetensors: FuzzParser = {
  name: 'safetensors',
  seeds: () =>
    [
      encodeSafetensors(
        {
          'convblock1.layers.0.weight': { dtype: 'F32', shape: [2, 1, 2, 2], data: Float32Array.from({ length: 8 }, (_, i) => i / 8) },
          'convblock1.layers.1.num_batches_tracked': { dtype: 'I64', shape: [], data: [12] },
          half: { dtype: 'F16', shape: [3], data: [1, -0.5, 2] },
          brain: { dtype: 'BF16', shape: [1, 2], data: [3, -4] },
          wide: { dtype: 'F64', shape: [2], data: [Math.PI, -1e-300] },
          count: { dtype: 'I32', shape: [2], data: [7, -7] },
        },
        { format: 'pt' },
      ),
      encodeSafetensors({ empty: { dtype: 'F32', shape: [0, 3], data: [] } }),
    ].map((bytes, i) => ({ name: i === 0 ? 'generator.safetensors' : 'empty.safetensors', bytes, layers: [safetensorsLayer(bytes)] })),
  async parse(bytes, file) {
    return parseSafetensors(bytes, file);
  },
  check(result) {
    for (const [key, t] of (result as ReturnType<typeof parseSafetensors>).tensors) {
      if (t.data.length !== product(t.shape)) return `tensor ${key}: ${t.data.length} values for shape [${t.shape.join(', ')}]`;
    }
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// Annotation lists, parsed and resolved against the files a user dropped

const supplied: SuppliedFile<string>[] = ['flatvel/data/data1.npy', 'flatvel/model/model1.npy', 'flatvel/data/data2.npy', 'flatvel/model/model2.npy', 'other/data1.npy', 'flatvel/train.txt'].map(
  (path) => ({ path, file: path }),
);

const annotation: FuzzParser = {
  name: 'annotation',
  seeds: () =>
    [
      ['train.txt', 'data/data1.npy\tmodel/model1.npy\ndata/data2.npy\tmodel/model2.npy\n'],
      ['val.txt', '# validation\r\n/cluster/openfwi/flatvel/data/data2.npy\t/cluster/openfwi/flatvel/model/model2.npy\r\n\r\n'],
      ['infer.txt', 'data1.npy\ndata2.npy'],
      ['spaces.txt', 'data\\data1.npy    model\\model1.npy\n'],
    ].map(([name, t]) => ({ name, bytes: utf8.encode(t) })),
  async parse(bytes, file) {
    return resolveAnnotation(parseAnnotation(text(bytes), file), supplied, { listName: file, listPath: `flatvel/${file}` });
  },
  check(result, bytes) {
    const r = result as ReturnType<typeof resolveAnnotation<string>>;
    const paths = new Set(supplied.map((s) => s.path));
    for (const p of r.pairs) if (!paths.has(p.seismic.path) || (p.velocity && !paths.has(p.velocity.path))) return `line ${p.line} resolved to a file nobody supplied`;
    for (const e of r.problems) if (!e.file) return `a problem does not name the list: ${e.message}`;
    if (r.pairs.length + r.problems.length === 0) return `no lines and no problems from ${bytes.length} bytes`;
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// The configuration JSON (Export JSON / Import JSON…, --config)

const jsonSeed = (name: string, value: unknown): Seed => ({
  name,
  bytes: utf8.encode(JSON.stringify(value, null, 2)),
  layers: [{ label: 'json', syntax: 'json', value, rebuild: (t) => utf8.encode(t) }],
});

const config: FuzzParser = {
  name: 'config',
  seeds: () => [
    { name: 'studio.json', bytes: utf8.encode(configToJson(defaultConfig())), layers: [{ label: 'json', syntax: 'json', value: defaultConfig(), rebuild: (t) => utf8.encode(t) }] },
    jsonSeed('tiny.json', { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 4, epochs: 2 }),
    jsonSeed('partial.json', { preset: 'curvevel-a', lambda: { gp: 5 } }),
  ],
  async parse(bytes, file) {
    return parseConfigJson(text(bytes), file);
  },
  check(result) {
    const errors = Object.entries(validateConfig(result).errors);
    return errors.length ? `accepted a config that does not validate: ${errors.map(([k, v]) => `${k} ${v}`).join('; ')}` : null;
  },
};

// ---------------------------------------------------------------------------------------------
// Checkpoint bundles (Download checkpoint / Import…, --resume) and their JSON half

const bundleBytes = new Uint8Array(readFileSync(fileURLToPath(new URL('../fixtures/fuzz/checkpoint-w1.safetensors', import.meta.url))));

function bundleLayers(bytes: Uint8Array): Layer[] {
  const outer = safetensorsLayer(bytes, 'safetensors header');
  const header = outer.value as { __metadata__: Record<string, string> };
  const meta: Layer = {
    label: 'checkpoint description',
    syntax: 'json',
    value: JSON.parse(header.__metadata__.checkpoint),
    rebuild: (t) => outer.rebuild(JSON.stringify({ ...header, __metadata__: { ...header.__metadata__, checkpoint: t } })),
  };
  return [outer, meta];
}

const checkpointBundle: FuzzParser = {
  name: 'checkpoint bundle',
  seeds: () => [{ name: 'run.checkpoint.safetensors', bytes: bundleBytes, layers: bundleLayers(bundleBytes) }],
  async parse(bytes, file) {
    const c = decodeCheckpointBundle(bytes, file);
    // The widths an imported checkpoint's networks are then built at.
    return { c, generator: widthsFromStateDict('generator', c.generator, file), critic: widthsFromStateDict('critic', c.critic, file) };
  },
  check(result, bytes) {
    const { generator, critic } = result as { generator: number[]; critic: number[] };
    for (const w of [...generator, ...critic]) if (!Number.isInteger(w) || w < 1 || w > bytes.length) return `implausible width ${w} from a ${bytes.length}-byte file`;
    return null;
  },
};

const checkpointMeta: FuzzParser = {
  name: 'checkpoint.json',
  seeds: () => [jsonSeed('checkpoint.json', bundleLayers(bundleBytes)[1].value)],
  async parse(bytes, file) {
    return parseCheckpointMeta(text(bytes), file);
  },
  check(result) {
    const m = result as ReturnType<typeof parseCheckpointMeta>;
    const errors = Object.keys(validateConfig(m.config).errors);
    if (errors.length) return `accepted an invalid config (${errors.join(', ')})`;
    if (!Number.isFinite(m.elapsedSeconds) || m.elapsedSeconds < 0) return `accepted elapsedSeconds ${m.elapsedSeconds}`;
    return null;
  },
};

// ---------------------------------------------------------------------------------------------
// PyTorch .pth, PaddlePaddle .pdparams (the safe unpickler) and TensorBoard event files: byte damage of real files

const fixture = (path: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url))));
const binary = (name: string, path: string, read: (bytes: Uint8Array, file: string) => unknown): FuzzParser => ({
  name,
  seeds: () => [{ name: path.replace(/^.*\//, ''), bytes: fixture(path) }],
  async parse(bytes, file) {
    return read(bytes, file);
  },
  check: () => null,
});

/** Every parser the fuzzers run, by name. */
export const FUZZ_PARSERS: readonly FuzzParser[] = [
  npy,
  safetensors,
  annotation,
  config,
  checkpointBundle,
  checkpointMeta,
  binary('pth', 'pickle/custom_checkpoint.pth', readTorchSave),
  // The whole way from a damaged OpenFWI checkpoint.pth to a studio checkpoint to continue (optimiser states, args, counters).
  binary('openfwi-resume', 'pickle/resume_checkpoint.pth', (bytes, file) =>
    checkpointFromOpenFwi(readWeightsFile(bytes, file), {
      file,
      iterationsPerEpoch: () => 3,
      explicit: null,
      fallback: { preset: 'flatvel-a', transform: defaultConfig().transform },
    }),
  ),
  binary('pdparams', 'pickle/model_gen.pdparams', readPdparams),
  binary('tensorboard', 'tensorboard/events.out.tfevents.fixture', readEventFile),
];
