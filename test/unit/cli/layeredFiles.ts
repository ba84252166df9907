/**
 * The layered test dataset of test/unit/train written as OpenFWI-style files in a temporary
 * folder: `.npy` pairs under `data/` and annotation lists beside them, as a user would have them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeNpy } from '../../../src/engine/io/npy.ts';
import { DEPTH, RECEIVERS, SHOTS, TIME, layeredSeismic, layeredVelocity, type Planted } from '../train/layeredDataset.ts';

/**
 * Writes `<name>.txt` lists for each split ({name: [first sample, count, planted values]}) plus
 * `seismic_only.txt` of the last split; returns the folder.
 */
export function writeLayeredFiles(splits: Record<string, [number, number, Planted?]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwi-cli-'));
  fs.mkdirSync(path.join(dir, 'data'));
  let last = '';
  for (const [name, [first, count, plant]] of Object.entries(splits)) {
    const velocity = new Float32Array(count * DEPTH * RECEIVERS);
    const seismic = new Float32Array(count * SHOTS * TIME * RECEIVERS);
    for (let k = 0; k < count; k++) {
      const v = layeredVelocity(first + k);
      velocity.set(v, k * v.length);
      seismic.set(layeredSeismic(v), k * SHOTS * TIME * RECEIVERS);
    }
    for (const { at: [n, s, t, r], value } of plant?.seismic ?? []) seismic[((n * SHOTS + s) * TIME + t) * RECEIVERS + r] = value;
    for (const { at: [n, z, x], value } of plant?.velocity ?? []) velocity[(n * DEPTH + z) * RECEIVERS + x] = value;
    fs.writeFileSync(path.join(dir, 'data', `${name}_seis.npy`), encodeNpy([count, SHOTS, TIME, RECEIVERS], seismic));
    fs.writeFileSync(path.join(dir, 'data', `${name}_vel.npy`), encodeNpy([count, 1, DEPTH, RECEIVERS], velocity));
    fs.writeFileSync(path.join(dir, `${name}.txt`), `data/${name}_seis.npy\tdata/${name}_vel.npy\n`);
    last = name;
  }
  fs.writeFileSync(path.join(dir, 'seismic_only.txt'), `data/${last}_seis.npy\n`);
  return dir;
}
