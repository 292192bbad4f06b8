// kernelTest: a vitest test that needs the kernel. Where the kernel is unavailable it is
// skipped with the reason printed, except in CI (CI=true), which has root and BPF: there a
// skip would hide a regression, so it fails instead.
import { test } from 'vitest';
import { kernelAvailability, type KernelAvailability } from './kernel-availability.js';

export type KernelGate = { action: 'run' } | { action: 'skip' | 'fail'; reason: string };

export function kernelGate(availability: KernelAvailability, env: NodeJS.ProcessEnv = process.env): KernelGate {
  if (availability.ok) return { action: 'run' };
  if (env.CI === 'true') return { action: 'fail', reason: `kernel unavailable in CI: ${availability.reason}` };
  return { action: 'skip', reason: availability.reason };
}

export function kernelTest(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void {
  test(
    name,
    async (ctx) => {
      const gate = kernelGate(await kernelAvailability());
      if (gate.action === 'fail') throw new Error(gate.reason);
      if (gate.action === 'skip') {
        console.warn(`[dpsim] skipping "${name}": ${gate.reason}`);
        ctx.skip(gate.reason);
      }
      await fn();
    },
    timeoutMs,
  );
}
