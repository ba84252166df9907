/**
 * `npm run bench`: every benchmark of the project, one after another, each printing its figures.
 * Benchmarks are not tests: they measure, they do not pass or fail. Pass names to run a subset:
 * `npm run bench -- data forward`.
 */
const suites: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  data: () => import('./data.bench.ts'),
  train: () => import('./train.bench.ts'),
  forward: () => import('./forward.bench.ts'),
  charts: () => import('./charts.bench.ts'),
  kernels: () => import('./kernels.bench.ts'),
  gpu: () => import('./gpu.bench.ts'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(suites);
console.log(`machine: ${(await import('node:os')).cpus()[0]?.model ?? 'unknown cpu'}, ${(await import('node:os')).cpus().length} cores, ${Math.round((await import('node:os')).totalmem() / 2 ** 30)} GiB, node ${process.version}`);
for (const name of names) {
  const load = suites[name];
  if (!load) throw new Error(`unknown benchmark "${name}" (have: ${Object.keys(suites).join(', ')})`);
  console.log(`\n=== ${name} ===`);
  await (await load()).main();
}

export {};
