// Writing a run's reports into a directory: summary.json, junit.xml and report.html.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunOutcome } from '../src/cli/run.js';
import { reportContext, type ReportContext } from './context.js';
import { jsonReport } from './json.js';
import { junitReport } from './junit.js';
import { htmlReport } from './html/index.js';
import { junitDocument } from './junit-model.js';
import { toolVersions } from './environment.js';
import { failureHtml, failureJson, failureSuite, type RunFailure } from './failure.js';

export interface ReportFiles {
  json: string;
  junit: string;
  html: string;
}

export const REPORT_FILES = { json: 'summary.json', junit: 'junit.xml', html: 'report.html' } as const;

function write(dir: string, contents: { json: string; junit: string; html: string }): ReportFiles {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const files = { json: join(abs, REPORT_FILES.json), junit: join(abs, REPORT_FILES.junit), html: join(abs, REPORT_FILES.html) };
  writeFileSync(files.json, contents.json);
  writeFileSync(files.junit, contents.junit);
  writeFileSync(files.html, contents.html);
  return files;
}

export async function writeReports(outcome: RunOutcome, dir: string, ctx: ReportContext = reportContext(outcome)): Promise<ReportFiles> {
  return write(dir, { json: jsonReport(outcome, ctx), junit: junitReport([{ outcome, ctx }]), html: await htmlReport(outcome, ctx) });
}

export function writeFailureReports(failure: RunFailure, dir: string, now = new Date()): ReportFiles {
  const versions = toolVersions();
  const at = now.toISOString();
  return write(dir, { json: failureJson(failure, versions, at), junit: junitDocument([failureSuite(failure, versions, at)]), html: failureHtml(failure, versions, at) });
}
