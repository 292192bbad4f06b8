// Reading a scenario file: YAML with positions (so every error names line:column), the
// scenario validated with zod, embedded Kubernetes/Cilium objects (inline under `objects:` or
// as further YAML documents) validated, and unsupported features refused with their line.

import { readFileSync } from 'node:fs';
import YAML, { LineCounter, isMap, isSeq, isScalar, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { Scenario } from './schema.js';
import { KubeObject, UNSUPPORTED } from './k8s.js';

export interface Located {
  file: string;
  line: number;
  col: number;
}

export class ScenarioError extends Error {
  constructor(readonly problems: (Located & { message: string })[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join('\n'));
  }
}

export interface ParsedScenario {
  scenario: Scenario;
  objects: z.infer<typeof KubeObject>[];
  file: string;
  /** Where a path of the scenario (or of objects[i]) is in the file, for later errors. */
  locate(path: (string | number)[]): Located;
}

export function loadScenario(file: string): ParsedScenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ScenarioError([{ file, line: 0, col: 0, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  return parseScenario(text, file);
}

export function parseScenario(text: string, file = '<scenario>'): ParsedScenario {
  const lc = new LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number): Located => { const p = lc.linePos(offset); return { file, line: p.line, col: p.col }; };
  const problems: (Located & { message: string })[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  for (const d of list) for (const e of d.errors) problems.push({ ...at(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` });
  if (problems.length) throw new ScenarioError(problems);
  if (list.length === 0 || list[0]!.contents === null) throw new ScenarioError([{ file, line: 1, col: 1, message: 'empty scenario' }]);

  const main = list[0]!;
  const locateIn = (doc: Document, path: (string | number)[]): Located => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as YamlNode | undefined;
      if (node && (node as { range?: [number, number, number] }).range) return at((node as { range: [number, number, number] }).range[0]);
    }
    return { file, line: 1, col: 1 };
  };

  // Refuse unsupported features before validation, so the message says why.
  const refuse = (doc: Document, node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        const why = UNSUPPORTED[key];
        if (why) problems.push({ ...at((pair.key as YamlNode).range![0]), message: `${key}: ${why}` });
        refuse(doc, pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => refuse(doc, item, [...path, i]));
    }
  };
  const objectsNode = main.get('objects', true);
  refuse(main, objectsNode, ['objects']);
  for (const d of list.slice(1)) refuse(d, d.contents, []);

  const raw = main.toJS() as unknown;
  const res = Scenario.safeParse(raw);
  if (!res.success) {
    for (const issue of res.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push({ ...locateIn(main, path), message: `${path.join('.') || 'scenario'}: ${issue.message}` });
    }
  }

  // Objects: inline ones, then extra documents.
  const objects: z.infer<typeof KubeObject>[] = [];
  const sources: { doc: Document; base: (string | number)[] }[] = [];
  const rawObjects: unknown[] = [];
  const inline = (raw as { objects?: unknown[] } | null)?.objects;
  if (Array.isArray(inline)) inline.forEach((o, i) => { rawObjects.push(o); sources.push({ doc: main, base: ['objects', i] }); });
  for (const d of list.slice(1)) {
    if (d.contents === null) continue;
    rawObjects.push(d.toJS());
    sources.push({ doc: d, base: [] });
  }
  rawObjects.forEach((o, i) => {
    const src = sources[i]!;
    const r = KubeObject.safeParse(o);
    if (r.success) { objects.push(r.data); return; }
    for (const issue of r.error.issues) {
      // Keys refused above with their reason need no second "unrecognized key" message.
      if (issue.code === 'unrecognized_keys' && issue.keys.every((k) => UNSUPPORTED[k])) continue;
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const kind = (o as { kind?: string })?.kind ?? 'object';
      problems.push({ ...locateIn(src.doc, [...src.base, ...path]), message: `${kind}${path.length ? ' ' + path.join('.') : ''}: ${issue.message}` });
    }
  });
  if (problems.length) throw new ScenarioError(dedupe(problems));

  const scenario = res.data!;
  return {
    scenario,
    objects,
    file,
    locate: (path) => (path[0] === 'objects' && typeof path[1] === 'number' && sources[path[1]]
      ? locateIn(sources[path[1]]!.doc, [...sources[path[1]]!.base, ...path.slice(2)])
      : locateIn(main, path)),
  };
}

function dedupe<T extends { line: number; col: number; message: string }>(ps: T[]): T[] {
  const seen = new Set<string>();
  return ps.filter((p) => { const k = `${p.line}:${p.col}:${p.message}`; if (seen.has(k)) return false; seen.add(k); return true; })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}
