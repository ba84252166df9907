import { describe, expect, it } from 'vitest';
import { chromiumPlan, CHROMIUM_BINARY, SWIFTSHADER_ICD, type HostFacts } from '../ensureChromium.ts';

function host(files: string[], over: Partial<HostFacts> = {}): HostFacts {
  return { chromiumPath: undefined, exists: (p) => files.includes(p), isRoot: false, isDebian: true, hasAptGet: true, ...over };
}

describe('npm test brings Chromium or stops with the command to run', () => {
  it('uses Debian chromium when the binary and the SwiftShader driver are there', () => {
    expect(chromiumPlan(host([CHROMIUM_BINARY, SWIFTSHADER_ICD]))).toEqual({ action: 'ready', executable: CHROMIUM_BINARY });
  });

  it('installs with apt-get as root on Debian', () => {
    expect(chromiumPlan(host([], { isRoot: true }))).toEqual({ action: 'apt-install' });
    // The browser alone is not enough: the Node WebGPU tests need its Vulkan driver.
    expect(chromiumPlan(host([CHROMIUM_BINARY], { isRoot: true }))).toEqual({ action: 'apt-install' });
  });

  it('stops with the sudo command on Debian without root, naming what is missing', () => {
    const plan = chromiumPlan(host([]));
    expect(plan.action).toBe('stop');
    if (plan.action !== 'stop') return;
    expect(plan.message).toContain('sudo apt-get install -y chromium');
    expect(plan.message).toContain(CHROMIUM_BINARY);
  });

  it('stops without apt-get on a Debian root without it, and outside Debian points at CHROMIUM_PATH', () => {
    expect(chromiumPlan(host([], { isRoot: true, hasAptGet: false })).action).toBe('stop');
    const plan = chromiumPlan(host([], { isDebian: false, isRoot: true }));
    expect(plan.action).toBe('stop');
    if (plan.action === 'stop') expect(plan.message).toContain('CHROMIUM_PATH');
  });

  it('takes CHROMIUM_PATH when it exists and refuses a wrong one by name', () => {
    expect(chromiumPlan(host(['/opt/c/chrome'], { chromiumPath: '/opt/c/chrome' }))).toEqual({ action: 'ready', executable: '/opt/c/chrome' });
    const plan = chromiumPlan(host([CHROMIUM_BINARY, SWIFTSHADER_ICD], { chromiumPath: '/nope/chrome' }));
    expect(plan.action).toBe('stop');
    if (plan.action === 'stop') expect(plan.message).toContain('/nope/chrome');
  });
});
