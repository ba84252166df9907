/**
 * What the studio makes of the files a user supplied: every `.npy` header read (the data only by
 * the separate value check, `checkValues`, which the worker runs after the report is out),
 * every annotation list parsed and resolved against the supplied files by relative path, each
 * list given a role (guessed from its name, overridable), and the splits' totals. Every problem is
 * attached to the file it concerns, so the data panel can show it inline while the rest of the
 * dataset stays usable.
 */
import { memoryModeFor, openDataset, type DatasetPairSource } from '../engine/data/dataset.ts';
import { NonFiniteScan, type NonFiniteReport } from '../engine/data/nonFinite.ts';
import { PRESETS } from '../engine/data/presets.ts';
import { errorMessage, isFwiError } from '../engine/errors.ts';
import { parseAnnotation, resolveAnnotation, type ResolvedPair, type SuppliedFile } from '../engine/io/annotation.ts';
import { blobSource } from '../engine/io/byteSource.ts';
import { openNpy, type NpyHeader } from '../engine/io/npy.ts';
import type { DataReport, FileRow, ListRole, SplitSummary } from './protocol.ts';

/** A list that resolved, with its role: what training, evaluation and inference are built from. */
export interface UsableList {
  path: string;
  role: ListRole;
  pairs: ResolvedPair<Blob>[];
  labelled: boolean;
}

export interface DataState {
  report: DataReport;
  lists: UsableList[];
}

const headerCache = new WeakMap<Blob, Promise<NpyHeader>>();
const valueCache = new WeakMap<Blob, Promise<NonFiniteReport>>();
/** Rows read at a time by the value check, so it holds at most this much at once. */
const VALUE_CHUNK_BYTES = 32e6;

function fileErrorText(e: unknown, path?: string): string {
  const text = errorMessage(e);
  // FwiError messages start with the file name; the row already shows it.
  return path && text.startsWith(`${path}: `) ? text.slice(path.length + 2) : text;
}

function readHeader(file: Blob, path: string): Promise<NpyHeader> {
  let p = headerCache.get(file);
  if (!p) {
    p = openNpy(blobSource(file, path));
    headerCache.set(file, p);
  }
  return p;
}

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** The role a list's name suggests: "val"/"valid"/"test" → validation, seismic-only → inference, else training. */
export function guessRole(path: string, seismicOnly: boolean): ListRole {
  const name = baseName(path).toLowerCase();
  if (seismicOnly) return 'inference';
  if (/val|test/.test(name)) return 'validation';
  return 'train';
}

/** The OpenFWI preset a folder or file name points at ("FlatVel_A", "curvevel-b", …), or null. */
export function presetFromPaths(paths: readonly string[]): { name: string; reason: string } | null {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (const preset of PRESETS) {
    const key = squash(preset.name);
    const hit = paths.find((p) => squash(p).includes(key));
    if (hit) return { name: preset.name, reason: `the path "${hit}" names it` };
  }
  return null;
}

function kindOf(header: NpyHeader): FileRow['kind'] {
  const s = header.shape;
  if (s.length === 4 && s[1] === 1) return 'velocity';
  if (s.length === 4) return 'seismic';
  return 'npy';
}

/**
 * Builds the data panel's report. `roles` holds the user's choices for lists; `presetHint` names
 * the preset of a generated (demo) dataset.
 */
export async function buildDataState(
  supplied: readonly SuppliedFile<Blob>[],
  roles: ReadonlyMap<string, ListRole>,
  presetHint: { name: string; reason: string } | null = null,
): Promise<DataState> {
  const rows = new Map<string, FileRow>();
  const npyFiles = supplied.filter((f) => /\.npy$/i.test(f.path));
  const headers = new Map<string, NpyHeader>();

  await Promise.all(
    supplied.map(async (f) => {
      const row: FileRow = { path: f.path, size: f.file.size, kind: 'other', shape: null, dtype: null, role: null, pairs: [], samples: null, problems: [] };
      rows.set(f.path, row);
      if (/\.npy$/i.test(f.path)) {
        row.kind = 'npy';
        try {
          const h = await readHeader(f.file, f.path);
          headers.set(f.path, h);
          row.kind = kindOf(h);
          row.shape = [...h.shape];
          row.dtype = h.descr;
          row.samples = h.shape[0] ?? 1;
          if (row.kind === 'npy') row.problems.push(`shape (${h.shape.join(', ')}) is neither seismic (n, shots, time, receivers) nor velocity (n, 1, H, W)`);
        } catch (e) {
          row.problems.push(fileErrorText(e, f.path));
        }
      } else if (/\.txt$/i.test(f.path)) {
        row.kind = 'annotation';
      } else {
        row.problems.push('not a .npy file or an annotation list (.txt); it is ignored');
      }
    }),
  );

  const lists: UsableList[] = [];
  for (const f of supplied) {
    const row = rows.get(f.path)!;
    if (row.kind !== 'annotation') continue;
    let entries;
    try {
      entries = parseAnnotation(await f.file.text(), f.path);
    } catch (e) {
      row.problems.push(fileErrorText(e, f.path));
      row.role = roles.get(f.path) ?? guessRole(f.path, false);
      continue;
    }
    const seismicOnly = entries.every((e) => e.velocity === null);
    const role = roles.get(f.path) ?? guessRole(f.path, seismicOnly);
    row.role = role;
    const { pairs, problems } = resolveAnnotation(entries, npyFiles, { listName: f.path, listPath: f.path });
    for (const p of problems) row.problems.push(fileErrorText(p, f.path));
    row.pairs = pairs.map((p) => ({ seismic: p.seismic.path, velocity: p.velocity?.path ?? null, samples: headers.get(p.seismic.path)?.shape[0] ?? 0 }));
    // A list is only as good as the files it names.
    for (const p of pairs) {
      for (const file of [p.seismic, p.velocity]) {
        if (!file) continue;
        const bad = rows.get(file.path)?.problems ?? [];
        for (const b of bad) row.problems.push(`line ${p.line}: ${file.path}: ${b}`);
      }
    }
    if (row.problems.length === 0 && pairs.length > 0) {
      try {
        const ds = await openDataset(pairs.map((p): DatasetPairSource => ({ seismic: blobSource(p.seismic.file, p.seismic.path), velocity: p.velocity ? blobSource(p.velocity.file, p.velocity.path) : null })));
        row.samples = ds.length;
        await ds.close();
      } catch (e) {
        const file = isFwiError(e) ? e.file : undefined;
        const message = fileErrorText(e, file);
        row.problems.push(file ? `${file}: ${message}` : message);
        if (file && rows.has(file)) rows.get(file)!.problems.push(message);
      }
    }
    if (role !== 'inference' && seismicOnly) row.problems.push('its lines name seismic files only: it can only be used for inference');
    if (row.problems.length === 0) lists.push({ path: f.path, role, pairs, labelled: !seismicOnly });
  }

  const splits: SplitSummary[] = [];
  for (const role of ['train', 'validation', 'inference'] as const) {
    const chosen = lists.filter((l) => l.role === role);
    if (chosen.length === 0) continue;
    const filesUsed = new Map<string, number>();
    for (const l of chosen) for (const p of l.pairs) for (const f of [p.seismic, p.velocity]) if (f) filesUsed.set(f.path, f.file.size);
    const samples = chosen.reduce((n, l) => n + (rows.get(l.path)!.samples ?? 0), 0);
    const bytes = [...filesUsed.values()].reduce((a, b) => a + b, 0);
    splits.push({
      role,
      lists: chosen.map((l) => l.path),
      samples,
      files: filesUsed.size,
      bytes,
      memoryMode: memoryModeFor(bytes),
      labelled: chosen.every((l) => l.labelled),
    });
  }

  const problems: string[] = [];
  const train = splits.find((s) => s.role === 'train');
  const val = splits.find((s) => s.role === 'validation');
  if (supplied.length > 0 && !train) problems.push('No usable training list: add an annotation list (train.txt) whose files resolve, or set a list’s role to “train”.');
  if (train && !train.labelled) problems.push('The training lists must name velocity files too.');
  if (train && !val) problems.push('No validation list: training will run without validation metrics or velocity maps.');
  const detectedPreset = presetHint ?? presetFromPaths(supplied.map((f) => f.path));

  return {
    report: {
      files: supplied.map((f) => rows.get(f.path)!),
      splits,
      totalBytes: supplied.reduce((n, f) => n + f.file.size, 0),
      detectedPreset,
      ready: !!train && train.labelled,
      problems,
    },
    lists,
  };
}

/**
 * Reads every value of a seismic or velocity `.npy` once (per Blob: the result is kept) and
 * reports its NaN and ±Infinity by sample and position, as `fwi inspect --scan` does.
 */
export function checkValues(file: Blob, path: string, kind: 'seismic' | 'velocity'): Promise<NonFiniteReport> {
  let p = valueCache.get(file);
  if (!p) {
    p = (async () => {
      const npy = await openNpy(blobSource(file, path));
      const scan = new NonFiniteScan(path, npy.rowShape, kind);
      const rows = Math.max(1, Math.floor(VALUE_CHUNK_BYTES / Math.max(1, npy.rowLength * 4)));
      for (let i = 0; i < npy.rows; i += rows) scan.add(await npy.readRows(i, Math.min(npy.rows, i + rows)), i);
      return scan.report();
    })();
    p.catch(() => valueCache.delete(file));
    valueCache.set(file, p);
  }
  return p;
}

/** The .npy files of the training and validation lists, by path, with their kind: what the value check reads. */
export function filesToCheck(state: DataState): Map<string, { file: Blob; kind: 'seismic' | 'velocity'; roles: Set<ListRole> }> {
  const out = new Map<string, { file: Blob; kind: 'seismic' | 'velocity'; roles: Set<ListRole> }>();
  for (const l of state.lists) {
    if (l.role !== 'train' && l.role !== 'validation') continue;
    for (const p of l.pairs) {
      for (const [f, kind] of [[p.seismic, 'seismic'], [p.velocity, 'velocity']] as const) {
        if (!f) continue;
        const entry = out.get(f.path) ?? { file: f.file, kind, roles: new Set<ListRole>() };
        entry.roles.add(l.role);
        out.set(f.path, entry);
      }
    }
  }
  return out;
}

/** The pairs of every usable list with this role, in list order (what a split's dataset opens). */
export function splitPairs(lists: readonly UsableList[], role: ListRole): ResolvedPair<Blob>[] {
  return lists.filter((l) => l.role === role).flatMap((l) => l.pairs);
}
