// The HTML report of a run: model (with each step's trace) + topology → one page.

import type { RunOutcome } from '../../src/cli/run.js';
import type { ReportContext } from '../context.js';
import { stepTraces, type TraceOptions } from '../traces.js';
import { reportModel } from './model.js';
import { topologySvg } from './topology-svg.js';
import { htmlPage } from './page.js';

export async function htmlReport(outcome: RunOutcome, ctx: ReportContext, traceOpts: TraceOptions = {}): Promise<string> {
  const traces = await stepTraces(outcome, ctx.plan, traceOpts);
  return htmlPage(reportModel(outcome, ctx, traces), topologySvg(ctx.plan));
}
