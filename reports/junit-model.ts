// JUnit's shape, and writing it: <testsuites> > <testsuite> (with <properties>) > <testcase>
// with at most one <failure>, <error> or <skipped>.

import { attrs, xmlText } from './xml.js';

export interface JunitProblem {
  message: string;
  type: string;
  text: string;
}

export interface JunitCase {
  classname: string;
  name: string;
  failure?: JunitProblem;
  error?: JunitProblem;
  skipped?: { message: string };
}

export interface JunitSuite {
  name: string;
  file?: string;
  timestamp: string;
  /** Seconds. */
  time: number;
  properties: [string, string][];
  cases: JunitCase[];
  systemOut?: string;
}

export function suiteCounts(s: JunitSuite): { tests: number; failures: number; errors: number; skipped: number } {
  return {
    tests: s.cases.length,
    failures: s.cases.filter((c) => c.failure).length,
    errors: s.cases.filter((c) => c.error).length,
    skipped: s.cases.filter((c) => c.skipped).length,
  };
}

const MESSAGE_MAX = 500;
const short = (s: string) => (s.length > MESSAGE_MAX ? s.slice(0, MESSAGE_MAX - 1) + '…' : s);

function caseXml(c: JunitCase): string {
  const head = `    <testcase${attrs({ classname: c.classname, name: c.name })}`;
  const problem = (tag: string, p: JunitProblem) => `      <${tag}${attrs({ message: short(p.message), type: p.type })}>${xmlText(p.text)}</${tag}>`;
  const body = c.failure ? problem('failure', c.failure) : c.error ? problem('error', c.error) : c.skipped ? `      <skipped${attrs({ message: c.skipped.message })}/>` : undefined;
  return body ? `${head}>\n${body}\n    </testcase>` : `${head}/>`;
}

function suiteXml(s: JunitSuite): string {
  const n = suiteCounts(s);
  const lines = [`  <testsuite${attrs({ name: s.name, tests: n.tests, failures: n.failures, errors: n.errors, skipped: n.skipped, time: s.time.toFixed(3), timestamp: s.timestamp, file: s.file })}>`];
  lines.push('    <properties>');
  for (const [name, value] of s.properties) lines.push(`      <property${attrs({ name, value })}/>`);
  lines.push('    </properties>');
  for (const c of s.cases) lines.push(caseXml(c));
  if (s.systemOut) lines.push(`    <system-out>${xmlText(s.systemOut)}</system-out>`);
  lines.push('  </testsuite>');
  return lines.join('\n');
}

export function junitDocument(suites: JunitSuite[]): string {
  const total = suites.map(suiteCounts).reduce((a, b) => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors, skipped: a.skipped + b.skipped }), { tests: 0, failures: 0, errors: 0, skipped: 0 });
  const time = suites.reduce((a, s) => a + s.time, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'dpsim', ...total, time: time.toFixed(3) })}>`,
    ...suites.map(suiteXml),
    '</testsuites>',
    '',
  ].join('\n');
}
