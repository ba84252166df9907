/**
 * First step of `npm test`: the browser tests need Debian's Chromium (WebGPU on SwiftShader), and
 * the Node WebGPU tests need the SwiftShader Vulkan driver that ships with it. Where it is missing,
 * install it with apt-get when running as root on Debian; anywhere else stop at once with the exact
 * command to run, before minutes of unit tests go by.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_BINARY = '/usr/bin/chromium';
/** SwiftShader's Vulkan driver manifest in Debian's chromium package (Dawn in Node uses it too). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const APT_INSTALL = 'apt-get install -y chromium';

export interface HostFacts {
  /** CHROMIUM_PATH from the environment, if set. */
  chromiumPath: string | undefined;
  exists: (path: string) => boolean;
  isRoot: boolean;
  isDebian: boolean;
  hasAptGet: boolean;
}

export type ChromiumPlan =
  | { action: 'ready'; executable: string }
  | { action: 'apt-install' }
  | { action: 'stop'; message: string };

/** Decides what `npm test` does about Chromium on this host; pure, so it is tested as a table. */
export function chromiumPlan(host: HostFacts): ChromiumPlan {
  if (host.chromiumPath !== undefined && host.chromiumPath !== '') {
    if (host.exists(host.chromiumPath)) return { action: 'ready', executable: host.chromiumPath };
    return {
      action: 'stop',
      message: `CHROMIUM_PATH is set to ${host.chromiumPath}, which does not exist. Point it at a Chromium binary, or unset it and run: ${host.isDebian ? (host.isRoot ? '' : 'sudo ') + APT_INSTALL : 'install Chromium'}`,
    };
  }
  if (host.exists(CHROMIUM_BINARY) && host.exists(SWIFTSHADER_ICD)) return { action: 'ready', executable: CHROMIUM_BINARY };
  const missing = host.exists(CHROMIUM_BINARY) ? `${SWIFTSHADER_ICD} (SwiftShader's Vulkan driver)` : CHROMIUM_BINARY;
  if (host.isDebian && host.isRoot && host.hasAptGet) return { action: 'apt-install' };
  if (host.isDebian) {
    return {
      action: 'stop',
      message: `The tests need Debian's chromium package (${missing} is missing). Run:\n  sudo apt-get update && sudo ${APT_INSTALL}\nthen run the tests again.`,
    };
  }
  return {
    action: 'stop',
    message: `The tests need Chromium with WebGPU and its SwiftShader Vulkan driver (${missing} is missing). They are set up for Debian's chromium package (apt-get install -y chromium); elsewhere install Chromium and set CHROMIUM_PATH to its binary (the Node WebGPU tests also need VK_ICD_FILENAMES pointing at a Vulkan driver manifest).`,
  };
}

function hostFacts(): HostFacts {
  const which = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' });
  return {
    chromiumPath: process.env.CHROMIUM_PATH,
    exists: existsSync,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    isDebian: existsSync('/etc/debian_version'),
    hasAptGet: which.status === 0,
  };
}

function aptInstall(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  console.log(`Chromium is missing; installing it: apt-get update && ${APT_INSTALL}`);
  for (const args of [['update'], ['install', '-y', 'chromium']]) {
    const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (run.status !== 0) {
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal}); run "apt-get update && ${APT_INSTALL}" by hand and try again`);
    }
  }
}

function main(): number {
  const plan = chromiumPlan(hostFacts());
  if (plan.action === 'stop') {
    console.error(plan.message);
    return 1;
  }
  if (plan.action === 'apt-install') {
    try {
      aptInstall();
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
      return 1;
    }
    const after = chromiumPlan(hostFacts());
    if (after.action !== 'ready') {
      console.error(`apt-get installed chromium, but ${CHROMIUM_BINARY} or ${SWIFTSHADER_ICD} is still missing`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main();
