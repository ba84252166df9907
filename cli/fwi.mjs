#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import { realpathSync } from 'node:fs';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
register();
await import(pathToFileURL(resolve(here, '../src/cli/main.ts')).href);
