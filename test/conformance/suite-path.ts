// Where the public bpf_conformance suite lives: shared/ beside the repository checkout.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const SUITE_DIR = path.resolve(repoRoot, '../shared/bpf_conformance/tests');

export function suiteFiles(): string[] {
  return readdirSync(SUITE_DIR).filter((f) => f.endsWith('.data')).sort();
}
