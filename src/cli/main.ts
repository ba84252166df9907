/**
 * `npx fwi <command>`: the headless entry points on the same engine as the studio.
 * Each command lives in its own file and exports `run(args): Promise<number>` (the exit status).
 */
import { isFwiError } from '../engine/errors.ts';

type Command = { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  inspect: { summary: 'describe .npy files or annotation lists (--scan for value ranges)', load: () => import('./inspect.ts') },
  parity: { summary: 'recompute a PyTorch parity fixture and compare every quantity', load: () => import('./parity.ts') },
  train: { summary: 'train VelocityGAN headless on annotation lists', load: () => import('./train.ts') },
  eval: { summary: 'evaluate generator weights (MAE, RMSE, SSIM)', load: () => import('./eval.ts') },
  runs: { summary: 'list, rename or delete the training runs kept in a folder', load: () => import('./runs.ts') },
  forward: { summary: 'forward-model seismic from velocity maps', load: () => import('./forward.ts') },
  synth: { summary: 'make a synthetic OpenFWI-layout dataset', load: () => import('./synth.ts') },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return ['usage: fwi <command> [options]', '', 'commands:', ...rows, '', 'fwi <command> --help for its options'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    console.error(`fwi: unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  const mod = await command.load();
  try {
    return await mod.run(rest);
  } finally {
    // A WebGPU device (Dawn's instance in Node) keeps the process alive until it is released.
    (await import('../engine/train/backend.ts')).releaseBackend();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isFwiError(err)) console.error(`fwi: ${err.message}`);
    else if (err instanceof Error) console.error(`fwi: ${err.message}${process.env.FWI_DEBUG ? `\n${err.stack}` : ''}`);
    else console.error(`fwi: ${String(err)}`);
    process.exitCode = 1;
  },
);
