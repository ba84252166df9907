/**
 * The webgpu tests run in Node on Dawn (the `webgpu` package) over SwiftShader, the software Vulkan
 * driver Debian's chromium package ships (CI installs chromium for the browser tests anyway). A
 * VK_ICD_FILENAMES already set (a real GPU's driver) is kept.
 */
import * as fs from 'node:fs';
import { initBackend } from '../../../src/engine/train/backend.ts';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Points Dawn at SwiftShader unless VK_ICD_FILENAMES names a driver already; fails saying what to install. */
export function useSwiftShader(): void {
  if (!process.env.VK_ICD_FILENAMES) {
    if (!fs.existsSync(SWIFTSHADER_ICD)) {
      throw new Error(`the webgpu tests need a Vulkan driver: apt-get install -y chromium (for ${SWIFTSHADER_ICD}), or set VK_ICD_FILENAMES to a GPU's ICD file`);
    }
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
}

/** Starts the webgpu backend on SwiftShader (or the driver VK_ICD_FILENAMES names). */
export async function initWebGpuForTests(): Promise<void> {
  useSwiftShader();
  await initBackend('webgpu');
}
