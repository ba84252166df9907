import { describe, expect, it } from 'vitest';
import { thrownFwiError } from '../thrownFwiError.ts';
import { parseAnnotation, pathSegments, readAnnotation, resolveAnnotation, resolvePath, type SuppliedFile } from '../../../src/engine/io/annotation.ts';

const supplied = (...paths: string[]): SuppliedFile<string>[] => paths.map((p) => ({ path: p, file: `file:${p}` }));


describe('annotation parsing', () => {
  it('reads tab-separated pairs, CRLF, comments, blank lines and a missing final newline without losing a character', () => {
    const text = '# FlatVel-A train\r\n/data/data1.npy\t/data/model1.npy\r\n\r\n   \n/data/data2.npy\t/data/model2.npy';
    expect(parseAnnotation(text, 'train.txt')).toEqual([
      { line: 2, seismic: '/data/data1.npy', velocity: '/data/model1.npy' },
      { line: 5, seismic: '/data/data2.npy', velocity: '/data/model2.npy' },
    ]);
  });

  it('reads a line with one path as seismic only, and space-separated .npy pairs', () => {
    expect(parseAnnotation('a/data1.npy\nb/data2.npy  b/model2.npy\n', 'x.txt')).toEqual([
      { line: 1, seismic: 'a/data1.npy', velocity: null },
      { line: 2, seismic: 'b/data2.npy', velocity: 'b/model2.npy' },
    ]);
  });

  it('keeps paths with spaces when tab-separated', () => {
    expect(parseAnnotation('my data/d 1.npy\tmy data/m 1.npy\n', 'x.txt')[0]).toEqual({ line: 1, seismic: 'my data/d 1.npy', velocity: 'my data/m 1.npy' });
  });

  it('an empty list or only comments is an error naming the list', () => {
    for (const text of ['', '\n\n', '# nothing here\r\n']) {
      const e = thrownFwiError(() => parseAnnotation(text, 'val.txt'));
      expect(e.code).toBe('annotation-empty');
      expect(e.message).toBe('val.txt: the annotation list names no files (it is empty or only comments)');
    }
  });

  it('three fields on a line is an error naming the line', () => {
    const e = thrownFwiError(() => parseAnnotation('a.npy\tb.npy\n a.npy\tb.npy\tc.npy\n', 'train.txt'));
    expect(e.code).toBe('annotation-syntax');
    expect(e.message).toMatch(/^train\.txt: line 2: .*found 3/);
  });
});

describe('annotation resolution', () => {
  it('normalises separators, dots and drive letters', () => {
    expect(pathSegments('C:\\data\\.\\x\\..\\data1.npy')).toEqual(['data', 'data1.npy']);
    expect(pathSegments('./a//b/')).toEqual(['a', 'b']);
  });

  it('prefers the exact relative path from the list folder, then from the top', () => {
    const files = supplied('flatvel-a/data/data1.npy', 'data/data1.npy', 'other/data/data1.npy');
    expect(resolvePath('data/data1.npy', files, { listName: 'train.txt', listPath: 'flatvel-a/train.txt', line: 1 }).path).toBe('flatvel-a/data/data1.npy');
    expect(resolvePath('data/data1.npy', files, { listName: 'train.txt', listPath: 'train.txt', line: 1 }).path).toBe('data/data1.npy');
  });

  it("resolves OpenFWI's absolute cluster paths by the longest path suffix", () => {
    const files = supplied('drop/flatvel-a/data/data1.npy', 'drop/curvevel-a/data/data1.npy', 'drop/flatvel-a/model/model1.npy');
    const ctx = { listName: 'flatvel_a_train.txt', line: 1 };
    expect(resolvePath('/global/cfs/cdirs/openfwi/flatvel-a/data/data1.npy', files, ctx).path).toBe('drop/flatvel-a/data/data1.npy');
    expect(resolvePath('/scratch/x/model1.npy', files, ctx).path).toBe('drop/flatvel-a/model/model1.npy');
  });

  it('falls back to the bare file name', () => {
    const files = supplied('stuff/model7.npy', 'stuff/data7.npy');
    expect(resolvePath('/somewhere/else/entirely/data7.npy', files, { listName: 'l.txt', line: 4 }).file).toBe('file:stuff/data7.npy');
  });

  it('a tie is won by the file under the list folder, otherwise it is an ambiguity naming line and candidates', () => {
    const files = supplied('a/data1.npy', 'b/data1.npy');
    expect(resolvePath('/cluster/data1.npy', files, { listName: 'b/train.txt', listPath: 'b/train.txt', line: 1 }).path).toBe('b/data1.npy');
    const e = thrownFwiError(() => resolvePath('/cluster/data1.npy', files, { listName: 'train.txt', listPath: 'train.txt', line: 3 }));
    expect(e.code).toBe('annotation-ambiguous');
    expect(e.message).toBe('train.txt: line 3: "/cluster/data1.npy" matches 2 supplied files equally well (a/data1.npy, b/data1.npy); supply only one, or write more of its path');
  });

  it('a missing file is an error naming the line, the path and what was supplied', () => {
    const e = thrownFwiError(() => resolvePath('/cluster/data9.npy', supplied('a/data1.npy', 'a/train.txt'), { listName: 'train.txt', line: 2 }));
    expect(e.code).toBe('annotation-missing');
    expect(e.file).toBe('train.txt');
    expect(e.message).toBe('train.txt: line 2: no supplied file matches "/cluster/data9.npy" (by relative path, path suffix or the name "data9.npy"); supplied .npy files include: a/data1.npy');
  });

  it('collects every problem of a list, and readAnnotation reports the first with a count', () => {
    const files = supplied('d/data1.npy', 'd/model1.npy');
    const entries = parseAnnotation('data1.npy\tmodel1.npy\ndata2.npy\tmodel2.npy\ndata3.npy\n', 'train.txt');
    const { pairs, problems } = resolveAnnotation(entries, files, { listName: 'train.txt' });
    expect(pairs.map((p) => [p.line, p.seismic.path, p.velocity?.path])).toEqual([[1, 'd/data1.npy', 'd/model1.npy']]);
    expect(problems.map((p) => p.message.match(/line \d/)![0])).toEqual(['line 2', 'line 3']);
    const e = thrownFwiError(() => readAnnotation('data1.npy\tmodel1.npy\ndata2.npy\tmodel2.npy\ndata3.npy\n', files, { listName: 'train.txt' }));
    expect(e.message).toMatch(/^train\.txt: line 2: no supplied file matches "data2\.npy".*\(and 1 more problem\)$/);
  });
});

describe('annotation resolution with overlapping roots', () => {
  it('one file listed under two roots is not ambiguous', () => {
    const files: SuppliedFile<string>[] = [
      { path: 'data1.npy', file: '/d/flatvel/data1.npy' },
      { path: 'flatvel/data1.npy', file: '/d/flatvel/data1.npy' },
    ];
    expect(resolvePath('/cluster/x/data1.npy', files, { listName: 't.txt', line: 1 }).file).toBe('/d/flatvel/data1.npy');
  });
});
