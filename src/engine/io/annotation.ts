/**
 * OpenFWI annotation lists: one line per file pair, `seismic<TAB>velocity`; a line with one
 * path is seismic only (inference). Paths are resolved against the files the user supplied
 * (dropped files with their relative paths in the browser; every file under the list's folder
 * and the `--root` folders in the CLI), so OpenFWI's split files, written with absolute cluster
 * paths, work wherever the data now lies.
 */
import { FwiError } from '../errors.ts';

/** One line of an annotation list. `line` is 1-based, as an editor shows it. */
export interface AnnotationEntry {
  readonly line: number;
  readonly seismic: string;
  readonly velocity: string | null;
}

/**
 * Parses an annotation list. Accepts LF and CRLF, a missing final newline (OpenFWI's own parser
 * drops the last character there), blank lines and `#` comments. Fields are separated by a tab;
 * a line without a tab but with exactly two whitespace-separated `.npy` paths is read as a pair
 * too, since editors often turn tabs into spaces. Throws FwiError naming `listName`.
 */
export function parseAnnotation(text: string, listName: string): AnnotationEntry[] {
  const entries: AnnotationEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let fields = line.split('\t').map((f) => f.trim()).filter((f) => f !== '');
    if (fields.length === 1) {
      const words = line.split(/\s+/);
      if (words.length === 2 && words.every((w) => /\.npy$/i.test(w))) fields = words;
    }
    if (fields.length > 2) {
      throw new FwiError('annotation-syntax', `line ${i + 1}: expected "seismic<TAB>velocity" or one seismic path, found ${fields.length} tab-separated fields`, listName);
    }
    entries.push({ line: i + 1, seismic: fields[0], velocity: fields[1] ?? null });
  });
  if (entries.length === 0) throw new FwiError('annotation-empty', 'the annotation list names no files (it is empty or only comments)', listName);
  return entries;
}

/** A file the user supplied: its relative path (`/`-separated) within what was dropped or listed, and the file itself. */
export interface SuppliedFile<T> {
  readonly path: string;
  readonly file: T;
}

/** A resolved line: the supplied files for its seismic and (if any) velocity path. */
export interface ResolvedPair<T> {
  readonly line: number;
  readonly seismic: SuppliedFile<T>;
  readonly velocity: SuppliedFile<T> | null;
}

/** Splits a path into normalised segments: `\` as `/`, no `.` or empty segments, `..` applied where it can be. */
export function pathSegments(p: string): string[] {
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  // A drive letter ("C:") is not a folder anyone dropped.
  if (out.length && /^[A-Za-z]:$/.test(out[0])) out.shift();
  return out;
}

function commonSuffix(a: string[], b: string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function isUnder(dir: string[], p: string[]): boolean {
  return p.length > dir.length && dir.every((s, i) => p[i] === s);
}

/** The supplied files normalised once, so resolving a list costs one lookup per line, not a pass over every file. */
interface FileIndex<T> {
  readonly files: readonly SuppliedFile<T>[];
  readonly segs: string[][];
  /** First file of each normalised relative path. */
  readonly byPath: Map<string, number>;
  /** Files by their last segment: only these can share a path suffix with a wanted path. */
  readonly byName: Map<string, number[]>;
  readonly hint: string;
}

function indexFiles<T>(files: readonly SuppliedFile<T>[]): FileIndex<T> {
  const segs = files.map((f) => pathSegments(f.path));
  const byPath = new Map<string, number>();
  const byName = new Map<string, number[]>();
  segs.forEach((s, i) => {
    const key = s.join('/');
    if (!byPath.has(key)) byPath.set(key, i);
    const name = s[s.length - 1];
    if (name !== undefined) byName.set(name, [...(byName.get(name) ?? []), i]);
  });
  const npy = files.filter((f) => /\.npy$/i.test(f.path)).map((f) => f.path);
  const hint = npy.length ? `; supplied .npy files include: ${npy.slice(0, 6).join(', ')}${npy.length > 6 ? `, … (${npy.length} in all)` : ''}` : '; no .npy files were supplied';
  return { files, segs, byPath, byName, hint };
}

/**
 * Finds the supplied file a path in a list means: the exact relative path (from the list's folder,
 * then from the top of the supplied set) first, then the longest common path suffix (a bare
 * file name is a suffix of one segment). A tie is broken in favour of a file under the list's
 * own folder; otherwise it is ambiguous. Missing and ambiguous matches throw FwiError naming
 * the list, the line and the candidates.
 */
export function resolvePath<T>(
  wanted: string,
  files: readonly SuppliedFile<T>[],
  ctx: { listName: string; listPath?: string; line: number },
): SuppliedFile<T> {
  return resolveIn(indexFiles(files), wanted, ctx);
}

function resolveIn<T>(index: FileIndex<T>, wanted: string, ctx: { listName: string; listPath?: string; line: number }): SuppliedFile<T> {
  const { files, segs } = index;
  const target = pathSegments(wanted);
  const listDir = ctx.listPath ? pathSegments(ctx.listPath).slice(0, -1) : [];

  for (const candidate of [[...listDir, ...target], target]) {
    const exact = index.byPath.get(candidate.join('/'));
    if (exact !== undefined) return files[exact];
  }

  let best = 0;
  let matches: number[] = [];
  for (const i of index.byName.get(target[target.length - 1]) ?? []) {
    const n = commonSuffix(segs[i], target);
    if (n > best) {
      best = n;
      matches = [i];
    } else if (n === best && n > 0) matches.push(i);
  }
  // The same file reachable under two roots is one candidate, not an ambiguity.
  matches = matches.filter((i, k) => matches.findIndex((j) => files[j].file === files[i].file) === k);
  if (matches.length > 1) {
    const local = matches.filter((i) => isUnder(listDir, segs[i]));
    if (listDir.length && local.length === 1) matches = local;
  }
  if (matches.length === 1) return files[matches[0]];

  if (matches.length === 0) {
    const name = target[target.length - 1] ?? wanted;
    throw new FwiError('annotation-missing', `line ${ctx.line}: no supplied file matches "${wanted}" (by relative path, path suffix or the name "${name}")${index.hint}`, ctx.listName);
  }
  const names = matches.map((i) => files[i].path);
  throw new FwiError(
    'annotation-ambiguous',
    `line ${ctx.line}: "${wanted}" matches ${names.length} supplied files equally well (${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}); supply only one, or write more of its path`,
    ctx.listName,
  );
}

/** The outcome of resolving a whole list: every line that resolved, and every problem found (not just the first). */
export interface AnnotationResolution<T> {
  readonly pairs: ResolvedPair<T>[];
  readonly problems: FwiError[];
}

/** Resolves every line of a parsed list against the supplied files, collecting all problems so the app can show each one. */
export function resolveAnnotation<T>(
  entries: readonly AnnotationEntry[],
  files: readonly SuppliedFile<T>[],
  ctx: { listName: string; listPath?: string },
): AnnotationResolution<T> {
  const pairs: ResolvedPair<T>[] = [];
  const problems: FwiError[] = [];
  const index = indexFiles(files);
  for (const e of entries) {
    try {
      const seismic = resolveIn(index, e.seismic, { ...ctx, line: e.line });
      const velocity = e.velocity === null ? null : resolveIn(index, e.velocity, { ...ctx, line: e.line });
      pairs.push({ line: e.line, seismic, velocity });
    } catch (err) {
      if (err instanceof FwiError) problems.push(err);
      else throw err;
    }
  }
  return { pairs, problems };
}

/** Parses and resolves a list, throwing the first problem (with a count of the others) if any. */
export function readAnnotation<T>(text: string, files: readonly SuppliedFile<T>[], ctx: { listName: string; listPath?: string }): ResolvedPair<T>[] {
  const { pairs, problems } = resolveAnnotation(parseAnnotation(text, ctx.listName), files, ctx);
  if (problems.length) {
    const first = problems[0];
    if (problems.length === 1) throw first;
    const message = first.message.slice(ctx.listName.length + 2);
    throw new FwiError(first.code, `${message} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`, first.file);
  }
  return pairs;
}
