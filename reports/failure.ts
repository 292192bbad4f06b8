// Reports for a run that did not finish (bad scenario, a backend unavailable or crashing): the
// same three files, saying what went wrong, so CI gets a JUnit error instead of nothing.

import { basename, extname } from 'node:path';
import type { ToolVersions } from './environment.js';
import { versionProperties } from './junit.js';
import type { JunitSuite } from './junit-model.js';
import { xmlText as html } from './xml.js';

export interface RunFailure {
  file: string;
  message: string;
  exitCode: number;
  /** The error's class: CliError, BackendUnavailable, TypeError... */
  type: string;
}

export function failureName(file: string): string {
  return basename(file, extname(file)) || 'scenario';
}

export function failureSuite(f: RunFailure, versions: ToolVersions, timestamp: string): JunitSuite {
  return {
    name: failureName(f.file), file: f.file, timestamp, time: 0,
    properties: [...versionProperties(versions), ['exitCode', String(f.exitCode)]],
    cases: [{ classname: 'dpsim.run', name: 'run the scenario', error: { message: f.message.split('\n')[0]!, type: f.type, text: f.message } }],
  };
}

export function failureJson(f: RunFailure, versions: ToolVersions, generatedAt: string): string {
  return JSON.stringify({ format: 'dpsim-report/v1', generatedAt, scenario: { file: f.file }, exitCode: f.exitCode, error: { type: f.type, message: f.message }, versions }, null, 2) + '\n';
}

export function failureHtml(f: RunFailure, versions: ToolVersions, generatedAt: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>dpsim report: ${html(failureName(f.file))} did not run</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}pre{background:#f5f7fa;padding:12px;white-space:pre-wrap}</style></head>
<body><h1>dpsim report: ${html(failureName(f.file))} did not run (exit ${f.exitCode})</h1>
<div>${html(f.file)} · generated ${html(generatedAt)} · kernel ${html(versions.kernel)} · clang ${html(versions.clang)} · node ${html(versions.node)} · dpsim ${html(versions.dpsim)}</div>
<h2>${html(f.type)}</h2><pre id="error">${html(f.message)}</pre></body></html>
`;
}
