/**
 * Recomputes test/fixtures/flatvel-a-stats.json from real FlatVel-A velocity files (not in the
 * repository: OpenFWI's licence), and prints the synthetic flat family's statistics beside it:
 *   npx tsx bench/flatvelStats.ts ../shared/data/flatvel-a/model1.npy ../shared/data/flatvel-a/model2.npy
 */
import { bytesSource } from '../src/engine/io/byteSource.ts';
import { openNpy } from '../src/engine/io/npy.ts';
import { layerStatistics } from '../src/engine/physics/layerStatistics.ts';
import { velocityMaps } from '../src/engine/physics/velocityFamilies.ts';
import { readFileSync, writeFileSync } from 'node:fs';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: npx tsx bench/flatvelStats.ts <model.npy>…');
const parts: Float32Array[] = [];
for (const f of files) parts.push(await (await openNpy(bytesSource(new Uint8Array(readFileSync(f)), f))).readAll());
const maps = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
let at = 0;
for (const p of parts) {
  maps.set(p, at);
  at += p.length;
}
const count = maps.length / 4900;
const real = layerStatistics(maps, count);
const round = (_: string, v: unknown) => (typeof v === 'number' ? Math.round(v * 1000) / 1000 : v);
writeFileSync(new URL('../test/fixtures/flatvel-a-stats.json', import.meta.url), `${JSON.stringify({ source: 'OpenFWI FlatVel-A model1.npy + model2.npy (training files 1 and 2)', ...real }, round, 1)}\n`);
console.log('FlatVel-A', JSON.stringify(real, round));
console.log('synthetic flat, seed 1', JSON.stringify(layerStatistics(velocityMaps('flat', 1, 0, count), count), round));
