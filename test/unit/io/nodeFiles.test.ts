import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSink, fileSource, listFiles } from '../../../src/cli/nodeFiles.ts';
import { NpyWriter, openNpy } from '../../../src/engine/io/npy.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwi-nodefiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Node files', () => {
  it('fileSource reads ranges of a file and names it in errors', async () => {
    const p = join(dir, 'bytes.bin');
    writeFileSync(p, Uint8Array.from({ length: 50 }, (_, i) => i));
    const src = fileSource(p, 'bytes.bin');
    expect(src.size).toBe(50);
    expect(Array.from(await src.read(47, 3))).toEqual([47, 48, 49]);
    const r = await src.read(1, 4);
    expect(r.byteOffset).toBe(0);
    await expect(src.read(48, 3)).rejects.toThrow('bytes.bin: cannot read 3 bytes at offset 48: the file has 50 bytes');
    await src.close();
    expect(() => fileSource(join(dir, 'nope.npy'), 'nope.npy')).toThrow('nope.npy: cannot open: no such file');
  });

  it('an NpyWriter over fileSink makes a file the reader reads back', async () => {
    const p = join(dir, 'out.npy');
    const w = new NpyWriter(fileSink(p), [3, 2]);
    await w.writeRows(Float32Array.from([1, 2, 3, 4]));
    await w.writeRows(Float32Array.from([5, 6]));
    await w.close();
    const file = await openNpy(fileSource(p));
    expect(Array.from(await file.readAll())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readFileSync(p).length).toBe(128 + 24);
  });

  it('listFiles lists every file below a folder with / separated relative paths', () => {
    mkdirSync(join(dir, 'tree/a/b'), { recursive: true });
    mkdirSync(join(dir, 'tree/.hidden'), { recursive: true });
    writeFileSync(join(dir, 'tree/top.txt'), '');
    writeFileSync(join(dir, 'tree/a/b/data1.npy'), '');
    writeFileSync(join(dir, 'tree/.hidden/x'), '');
    const rel = listFiles(join(dir, 'tree')).map((f) => f.relativePath).sort();
    expect(rel).toEqual(['a/b/data1.npy', 'top.txt']);
  });
});
