import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/forward.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { encodeNpy, openNpy } from '../../../src/engine/io/npy.ts';
import { forwardModel } from '../../../src/engine/physics/forwardModel.ts';
import { velocityMaps } from '../../../src/engine/physics/velocityFamilies.ts';
import { OPENFWI_FORWARD } from '../../../src/engine/physics/waveEquation.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwi-forward-'));
const maps = velocityMaps('curve', 5, 0, 3);
// 40 time steps keep each sample well under a second; the physics tests cover full records.
const SHORT = { ...OPENFWI_FORWARD, nt: 40 };

beforeAll(() => {
  writeFileSync(join(dir, 'velocity.npy'), encodeNpy([3, 1, 70, 70], maps));
  writeFileSync(join(dir, 'velocity3d.npy'), encodeNpy([3, 70, 70], maps));
  writeFileSync(join(dir, 'wrong.npy'), encodeNpy([3, 70, 35], new Float32Array(3 * 70 * 35).fill(2000)));
  const unstable = maps.slice();
  unstable[2 * 4900 + 100] = 7000;
  writeFileSync(join(dir, 'unstable.npy'), encodeNpy([3, 1, 70, 70], unstable));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.mocked(console.log).mockRestore?.());

async function readNpy(path: string) {
  return openNpy(bytesSource(new Uint8Array(readFileSync(path)), path));
}

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('fwi forward', () => {
  it('writes (n, 5, nt, 70) float32 equal to the engine forward model, in chunks of 2', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const out = join(dir, 'seismic.npy');
    expect(await run([join(dir, 'velocity.npy'), out, '--nt', '40', '--chunk', '2'])).toBe(0);
    const seismic = await readNpy(out);
    expect(seismic.shape).toEqual([3, 5, 40, 70]);
    expect(same(await seismic.readAll(), await forwardModel(maps, { params: SHORT }))).toBe(true);
  });

  it('accepts maps shaped (n, 70, 70) and gives the same seismic', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run([join(dir, 'velocity3d.npy'), join(dir, 'seismic3d.npy'), '--nt', '40'])).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'seismic3d.npy')), readFileSync(join(dir, 'seismic.npy')))).toBe(0);
  });

  it('rejects maps that are not 70×70, naming the file', async () => {
    await expect(run([join(dir, 'wrong.npy'), join(dir, 'x.npy')])).rejects.toSatisfy(
      (e: unknown) => e instanceof FwiError && e.code === 'npy-shape' && e.file === join(dir, 'wrong.npy'),
    );
  });

  it('stops at an unstable velocity, naming the samples, and leaves no output behind', async () => {
    const out = join(dir, 'unstable-seismic.npy');
    await expect(run([join(dir, 'unstable.npy'), out, '--nt', '40', '--chunk', '2'])).rejects.toSatisfy(
      (e: unknown) => e instanceof FwiError && e.code === 'velocity' && e.message.includes('samples 2–2') && e.message.includes('7000'),
    );
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).some((f) => f.endsWith('.partial'))).toBe(false);
  });

  it('answers usage errors with FwiError usage', async () => {
    for (const args of [[join(dir, 'velocity.npy')], [join(dir, 'velocity.npy'), 'x.npy', '--chunk', '0'], [join(dir, 'velocity.npy'), 'x.npy', '--kernel', 'gpu']]) {
      await expect(run(args)).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage');
    }
  });
});
