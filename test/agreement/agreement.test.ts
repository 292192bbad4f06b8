// The emulator agrees with the kernel on every example: each case's inputs run through
// both (BPF_PROG_TEST_RUN in the kernel), and not one divergence may show.
import { describe, expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { diffProgram, formatDiff } from '../../src/diff/index.js';
import { ALL_CASES } from './all-cases.js';
import { exampleObject } from './objects.js';

const examples = [...new Set(ALL_CASES.map((c) => c.example))];

for (const example of examples) {
  describe(example, () => {
    for (const c of ALL_CASES.filter((x) => x.example === example)) {
      kernelTest(c.name, async () => {
        const report = await diffProgram({
          objPath: exampleObject(c.example),
          prog: c.prog ?? c.example,
          inputs: c.inputs,
          ...(c.maps ? { maps: c.maps } : {}),
          ...(c.globals ? { globals: c.globals } : {}),
          ...(c.repeat ? { repeat: c.repeat } : {}),
        });
        expect(report.divergences, formatDiff(report)).toEqual([]);
      });
    }
  });
}
