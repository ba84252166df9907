/**
 * Catches an allocation sized from an unchecked header: while installed, every ArrayBuffer and
 * typed array constructed through the globals is measured, and one larger than the limit is
 * refused (a `AllocationRefused` is thrown instead of allocating) and recorded, so a parser that
 * swallows the error still fails the case. Parsers reach these constructors through the globals
 * (`new Float32Array(n)`, `Float32Array.from(…)`), so wrapping the globals sees every one.
 */
const CONSTRUCTORS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
] as const;

export class AllocationRefused extends Error {
  constructor(readonly bytes: number, readonly limit: number, readonly what: string) {
    super(`allocation of ${bytes} bytes (${what}) exceeds the ${limit}-byte limit for this input`);
    this.name = 'AllocationRefused';
  }
}

function requestedBytes(ctor: { BYTES_PER_ELEMENT?: number }, args: unknown[]): number {
  const per = ctor.BYTES_PER_ELEMENT ?? 1;
  const a = args[0];
  if (typeof a === 'number') return a * per;
  if (typeof a === 'bigint') return Number(a) * per;
  if (a instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && a instanceof SharedArrayBuffer)) return 0; // a view, nothing allocated
  if (a !== null && typeof a === 'object' && 'length' in a && typeof (a as { length: unknown }).length === 'number') return (a as { length: number }).length * per;
  return 0;
}

/** Runs `body` with allocations above `limitBytes` refused; returns its outcome and the refused allocations. */
export async function withAllocationLimit<T>(limitBytes: number, body: () => Promise<T>): Promise<{ value?: T; error?: unknown; refused: AllocationRefused[] }> {
  const g = globalThis as unknown as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  const refused: AllocationRefused[] = [];
  for (const name of CONSTRUCTORS) {
    const original = g[name] as (new (...args: unknown[]) => object) & { BYTES_PER_ELEMENT?: number };
    if (typeof original !== 'function') continue;
    originals.set(name, original);
    const proxy: object = new Proxy(original, {
      construct(target, args, newTarget) {
        const bytes = requestedBytes(target, args);
        if (bytes > limitBytes) {
          const e = new AllocationRefused(bytes, limitBytes, `new ${name}`);
          refused.push(e);
          throw e;
        }
        return Reflect.construct(target, args, newTarget === proxy ? target : newTarget);
      },
    });
    g[name] = proxy;
  }
  try {
    return { value: await body(), refused };
  } catch (error) {
    return { error, refused };
  } finally {
    for (const [name, original] of originals) g[name] = original;
  }
}
