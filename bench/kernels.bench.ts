/**
 * Per-kernel profile of a VelocityGAN training step on webgpu (`npm run bench -- kernels`): one
 * critic step (with the gradient penalty's double backward) and one generator step, profiled with
 * tf.profile, whose kernel times on webgpu come from the adapter's timestamp queries. It runs the
 * step twice, once with tf.js's own conv-gradient kernels and once with the gradients rewritten as
 * forward convolutions (model/convGradients.ts), and prints GPU milliseconds per kernel for both:
 * the measurement behind each backend's choice. Widths and batch: tiny/2 on a software adapter
 * (SwiftShader), full/8 on a GPU; FWI_BENCH_WIDTHS and FWI_BENCH_BATCH set others.
 */
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { convGradientRewrite, useConvGradientRewrite } from '../src/engine/model/convGradients.ts';
import { releaseBackend } from '../src/engine/train/backend.ts';
import { alphaTensor, criticStep, generatorStep } from '../src/engine/train/steps.ts';
import { createBenchRun, startWebGpuOrSkip } from './benchRun.ts';

const LOSS_WEIGHTS = { g1v: 100, g2v: 0, adv: 1, gp: 10 };

interface KernelRow {
  calls: number;
  ms: number;
}

interface StepProfile {
  wallMs: number;
  gpuMs: number;
  kernels: Map<string, KernelRow>;
}

/** GPU time per kernel of one call of `step`, after one unprofiled warm-up call. */
async function profileStep(step: () => Promise<unknown>): Promise<StepProfile> {
  await step();
  const started = performance.now();
  const info = await tf.profile(async () => {
    await step();
    return [];
  });
  const wallMs = performance.now() - started;
  const kernels = new Map<string, KernelRow>();
  let gpuMs = 0;
  for (const k of info.kernels) {
    const ms = Number(await k.kernelTimeMs) || 0;
    const row = kernels.get(k.name) ?? { calls: 0, ms: 0 };
    row.calls += 1;
    row.ms += ms;
    gpuMs += ms;
    kernels.set(k.name, row);
  }
  return { wallMs, gpuMs, kernels };
}

async function profileBoth(widths: keyof typeof WIDTH_PRESETS, batch: number): Promise<{ critic: StepProfile; generator: StepProfile }> {
  const { G, D, optG, optD, rng, data, label, dispose } = createBenchRun(widths, batch);
  const critic = await profileStep(async () => {
    const alpha = alphaTensor(() => rng.next(), batch);
    await criticStep(G, D, optD, data, label, alpha, LOSS_WEIGHTS);
    alpha.dispose();
  });
  const generator = await profileStep(() => generatorStep(G, D, optG, data, label, LOSS_WEIGHTS));
  dispose();
  return { critic, generator };
}

function table(title: string, builtin: StepProfile, rewrite: StepProfile): string[] {
  const names = [...new Set([...builtin.kernels.keys(), ...rewrite.kernels.keys()])];
  const total = (p: StepProfile, n: string) => p.kernels.get(n)?.ms ?? 0;
  names.sort((a, b) => Math.max(total(builtin, b), total(rewrite, b)) - Math.max(total(builtin, a), total(rewrite, a)));
  const cell = (p: StepProfile, n: string) => {
    const r = p.kernels.get(n);
    return r ? `${r.ms.toFixed(1)} ms (${r.calls})` : '—';
  };
  const lines = [`${title}`, `  ${'kernel (program)'.padEnd(34)} ${'tf.js kernels'.padStart(20)} ${'forward-conv rewrite'.padStart(22)}`];
  for (const n of names.slice(0, 14)) lines.push(`  ${n.padEnd(34)} ${cell(builtin, n).padStart(20)} ${cell(rewrite, n).padStart(22)}`);
  const rest = (p: StepProfile) => names.slice(14).reduce((s, n) => s + total(p, n), 0);
  if (names.length > 14) lines.push(`  ${`${names.length - 14} other kernels`.padEnd(34)} ${`${rest(builtin).toFixed(1)} ms`.padStart(20)} ${`${rest(rewrite).toFixed(1)} ms`.padStart(22)}`);
  lines.push(`  ${'GPU time, all kernels'.padEnd(34)} ${`${builtin.gpuMs.toFixed(1)} ms`.padStart(20)} ${`${rewrite.gpuMs.toFixed(1)} ms`.padStart(22)}`);
  lines.push(`  ${'wall time of the step (profiled)'.padEnd(34)} ${`${builtin.wallMs.toFixed(0)} ms`.padStart(20)} ${`${rewrite.wallMs.toFixed(0)} ms`.padStart(22)}`);
  return lines;
}

export async function main(): Promise<void> {
  const gpu = await startWebGpuOrSkip();
  if (!gpu) return;
  const widths = (process.env.FWI_BENCH_WIDTHS ?? (gpu.software ? 'tiny' : 'full')) as keyof typeof WIDTH_PRESETS;
  const batch = Number(process.env.FWI_BENCH_BATCH ?? (gpu.software ? 2 : 8));
  console.log(`per-kernel GPU time on webgpu (${gpu.adapterName}), ${widths} widths, batch ${batch}, timestamp queries: ${gpu.device.features.has('timestamp-query') ? 'yes' : 'no'}`);
  const chosen = convGradientRewrite('webgpu');
  useConvGradientRewrite('webgpu', false);
  const builtin = await profileBoth(widths, batch);
  useConvGradientRewrite('webgpu', true);
  const rewrite = await profileBoth(widths, batch);
  useConvGradientRewrite('webgpu', chosen);
  for (const line of table('critic step (with gradient penalty)', builtin.critic, rewrite.critic)) console.log(line);
  for (const line of table('generator step', builtin.generator, rewrite.generator)) console.log(line);
  console.log(`  webgpu's conv gradients now: ${chosen ? 'forward-conv rewrite' : "tf.js's kernels"}`);
  releaseBackend();
}
