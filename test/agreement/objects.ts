// The example objects under test, built on demand with bpf/Makefile (one target each, so
// an unrelated example that does not build cannot break these tests).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bpfDir = fileURLToPath(new URL('../../bpf/', import.meta.url));
const built = new Set<string>();

/** Path of bpf/build/NAME.o, compiled from bpf/examples/NAME.c if out of date. */
export function exampleObject(name: string): string {
  if (!built.has(name)) {
    execFileSync('make', ['-s', '-C', bpfDir, `build/${name}.o`], { stdio: ['ignore', 'ignore', 'pipe'] });
    built.add(name);
  }
  return `${bpfDir}build/${name}.o`;
}
