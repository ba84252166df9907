/**
 * WebGPU outside a browser: `navigator.gpu` from the `webgpu` npm package (Dawn), for the CLI, the
 * benchmarks and the tests in Node. Dawn reaches the GPU through Vulkan: the loader
 * (libvulkan.so.1) and a driver's ICD file (NVIDIA's nvidia_icd.json, or SwiftShader's from
 * Debian's chromium package where there is no GPU). The modules are loaded by name at run time so
 * that a browser build never bundles them.
 */
import { errorMessage, FwiError } from '../errors.ts';

/** What to set to run on SwiftShader, the software Vulkan driver Debian's chromium package ships. */
export const SWIFTSHADER_ENV = 'VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium';

/** glibc's RTLD_NODELETE, which Node's os.constants.dlopen does not list. */
const RTLD_NODELETE = 0x1000;

const loadModule = (name: string): Promise<Record<string, unknown>> => import(/* @vite-ignore */ name);

/** Node's total memory (what a software adapter allocates from). */
export async function nodeMemoryBytes(): Promise<number> {
  return ((await loadModule('node:os')) as typeof import('node:os')).totalmem();
}

/** Whether this is Node (not a browser or a worker in one). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof (globalThis as { window?: unknown }).window === 'undefined';
}

/** The advice given when Dawn finds no adapter. */
export function noDriverAdvice(detail: string): string {
  return (
    `the webgpu backend found no GPU adapter in Node (${detail}). Dawn needs the Vulkan loader (libvulkan.so.1; Debian: apt-get install libvulkan1) ` +
    `and a Vulkan driver: on an NVIDIA machine the driver's nvidia_icd.json (under /usr/share/vulkan/icd.d or /etc/vulkan/icd.d; ` +
    `point VK_ICD_FILENAMES at it if it lives elsewhere); without a GPU, Debian's chromium package has SwiftShader: run with ${SWIFTSHADER_ENV}`
  );
}

/**
 * Loads libvulkan.so.1 from the folder of a VK_ICD_FILENAMES entry, where a driver folder ships its
 * own loader (chromium's, bench/gpu.sh's bundle), so VK_ICD_FILENAMES alone is enough. Dawn's later
 * dlopen("libvulkan.so.1") finds the loaded library by its soname.
 */
async function preloadVulkanLoader(): Promise<void> {
  const icds = (process.env.VK_ICD_FILENAMES ?? '').split(':').filter(Boolean);
  if (!icds.length || process.platform !== 'linux') return;
  const fs = (await loadModule('node:fs')) as typeof import('node:fs');
  const path = (await loadModule('node:path')) as typeof import('node:path');
  for (const icd of icds) {
    const loader = path.join(path.dirname(icd), 'libvulkan.so.1');
    if (!fs.existsSync(loader)) continue;
    const os = (await loadModule('node:os')) as typeof import('node:os');
    const { RTLD_NOW, RTLD_GLOBAL } = os.constants.dlopen as { RTLD_NOW: number; RTLD_GLOBAL: number };
    try {
      process.dlopen({ exports: {} }, loader, RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    } catch {
      // It is a plain library, not a Node addon: Node says so after loading it, which is all we need.
    }
    return;
  }
}

let nodeGpu: GPU | null = null;

/**
 * `navigator.gpu` in Node, created on first use (with the WebGPU globals tf.js expects, such as
 * GPUBufferUsage). Throws FwiError('usage') naming what to install when the package cannot load.
 */
export async function startNodeGpu(): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  await preloadVulkanLoader();
  let dawn: { create: (options: string[]) => GPU; globals: Record<string, unknown> };
  try {
    dawn = (await loadModule('webgpu')) as typeof dawn;
  } catch (e) {
    throw new FwiError('usage', `the webgpu backend in Node needs the "webgpu" npm package (Dawn), which did not load: ${errorMessage(e)}`);
  }
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  nodeGpu = dawn.create([]);
  const g = globalThis as { navigator?: object };
  if (typeof g.navigator === 'undefined') g.navigator = {};
  Object.defineProperty(g.navigator, 'gpu', { value: nodeGpu, configurable: true, writable: true });
  return nodeGpu;
}

/** Drops Node's `navigator.gpu`: while Dawn's instance is referenced, Node does not exit. */
export function stopNodeGpu(): void {
  if (!nodeGpu) return;
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu === nodeGpu) delete g.navigator.gpu;
  nodeGpu = null;
}
