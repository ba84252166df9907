/**
 * The run store's files primitive (src/engine/session/runFiles.ts) over IndexedDB, for browsers
 * that give pages no origin private file system. Every file is one record of one object store,
 * keyed by its path; a folder is the paths under it. Each operation is one IndexedDB transaction,
 * so a rename (of a file, or of a whole folder) is atomic, as `fileCheckpointStore` needs, and an
 * append never leaves half its bytes. A full quota is FwiError('storage-full') naming the file.
 */
import { errorMessage, FwiError } from '../engine/errors.ts';
import { entriesIn, pathParts, type RunFileEntry, type RunFiles } from '../engine/session/runFiles.ts';

const STORE = 'files';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Opens (creating when needed) the database `name` holding the files. */
export async function openIdbDatabase(name: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new FwiError('io', 'this browser gives pages neither a private file system (OPFS) nor IndexedDB to keep runs in', 'browser storage');
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  try {
    return await request(open);
  } catch (e) {
    throw new FwiError('io', `could not open the database: ${errorMessage(e)}`, `browser storage: ${name}`);
  }
}

/** Files in the IndexedDB database `db`, named to the user as "browser storage: <label>/…". */
export function idbFiles(db: IDBDatabase, label = db.name): RunFiles {
  const where = (p: string) => `browser storage: ${p === '' ? label : `${label}/${p}`}`;
  const under = (p: string) => IDBKeyRange.bound(`${p}/`, `${p}/\uffff`);

  /** Runs `work` in one transaction; resolves with its result once the transaction has committed. */
  async function transaction<T>(mode: IDBTransactionMode, action: string, p: string, work: (files: IDBObjectStore) => Promise<T>, bytes?: number): Promise<T> {
    try {
      const t = db.transaction(STORE, mode);
      const done = new Promise<void>((resolve, reject) => {
        t.oncomplete = () => resolve();
        t.onerror = () => reject(t.error);
        t.onabort = () => reject(t.error ?? new Error('the transaction was aborted'));
      });
      done.catch(() => undefined); // awaited below; a failure of `work` itself is the one reported
      const result = await work(t.objectStore(STORE));
      await done;
      return result;
    } catch (e) {
      if (e instanceof FwiError) throw e;
      if ((e as { name?: string } | null)?.name === 'QuotaExceededError') {
        const need = bytes === undefined ? '' : ` (this write needed ${bytes.toLocaleString('en-US')} bytes)`;
        throw new FwiError('storage-full', `could not ${action}: browser storage is full${need}`, where(p));
      }
      throw new FwiError('io', `could not ${action}: ${errorMessage(e)}`, where(p));
    }
  }

  return {
    where,
    async read(p) {
      pathParts(p);
      const bytes = await transaction('readonly', 'read', p, (files) => request(files.get(p)));
      return bytes instanceof Uint8Array ? bytes.slice() : null;
    },
    async write(p, bytes) {
      pathParts(p);
      await transaction('readwrite', 'write', p, (files) => request(files.put(bytes.slice(), p)), bytes.byteLength);
    },
    async append(p, bytes) {
      pathParts(p);
      await transaction(
        'readwrite',
        'append to',
        p,
        async (files) => {
          const old = ((await request(files.get(p))) as Uint8Array | undefined) ?? new Uint8Array(0);
          const next = new Uint8Array(old.length + bytes.length);
          next.set(old);
          next.set(bytes, old.length);
          await request(files.put(next, p));
        },
        bytes.byteLength,
      );
    },
    async remove(p) {
      pathParts(p);
      await transaction('readwrite', 'remove', p, async (files) => {
        await request(files.delete(p));
        await request(files.delete(under(p)));
      });
    },
    async list(p): Promise<RunFileEntry[]> {
      if (p !== '') pathParts(p);
      const keys = (await transaction('readonly', 'list', p, (files) => request(files.getAllKeys(p === '' ? undefined : under(p))))) as string[];
      return entriesIn(keys, p);
    },
    async rename(from, to) {
      pathParts(from);
      pathParts(to);
      await transaction('readwrite', `rename to ${to}`, from, async (files) => {
        const file = await request(files.get(from));
        if (file !== undefined) {
          await request(files.put(file, to));
          await request(files.delete(from));
          return;
        }
        const inside = (await request(files.getAllKeys(under(from)))) as string[];
        if (!inside.length) throw new FwiError('io', 'cannot rename: no such file or folder', where(from));
        if ((await request(files.count(to))) > 0 || (await request(files.count(under(to)))) > 0) throw new FwiError('io', `cannot rename a folder onto ${to}, which exists`, where(from));
        for (const key of inside) {
          await request(files.put(await request(files.get(key)), to + key.slice(from.length)));
          await request(files.delete(key));
        }
      });
    },
  };
}
