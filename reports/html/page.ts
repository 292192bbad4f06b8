// One self-contained HTML page per run: the header and topology rendered here, everything
// else rendered in the browser from the embedded JSON by the inlined viewer script. No
// external resource: the page's own Content-Security-Policy forbids any.

import { readFileSync } from 'node:fs';
import { repoPath } from '../../src/repo-root.js';
import { xmlText as html, xmlAttr as attr } from '../xml.js';
import type { ReportModel } from './model.js';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/** Read from the repository (not next to this module: the compiled dist/ has no assets). */
function asset(name: string, closing: string): string {
  const text = readFileSync(repoPath('reports', 'html', 'assets', name), 'utf8');
  if (text.toLowerCase().includes(closing)) throw new Error(`reports/html/assets/${name} contains ${closing}: it cannot be inlined`);
  return text;
}

/** JSON safe inside <script type="application/json">: no "<" (so no "</script>"), no U+2028/9. */
export function embeddedJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function header(m: ReportModel): string {
  const v = m.versions;
  return `<header>
<h1>dpsim report: ${html(m.scenario.name)} <span class="badge exit-${m.exitCode}" id="exit-code">exit ${m.exitCode}</span></h1>
${m.scenario.description ? `<div>${html(m.scenario.description)}</div>` : ''}
<div class="small mono">${html(m.scenario.file)} · backends: ${html(m.backends.join(', ') || 'none')} · generated ${html(m.generatedAt)}</div>
<div class="small versions"><span>kernel ${html(v.kernel)}</span><span>clang ${html(v.clang)}</span><span>node ${html(v.node)}</span><span>dpsim ${html(v.dpsim)}</span></div>
${m.notes.map((n) => `<div class="note">note: ${html(n)}</div>`).join('\n')}
</header>`;
}

const BODY = `
<section id="topology-section"><h2>Topology</h2><div class="topology-wrap">%TOPOLOGY%</div></section>
<section id="steps-section"><h2>Steps</h2><div class="small muted">Click a step to draw its packets' path.</div><table id="steps-table"></table></section>
<section id="path-section"><h2>Packet path</h2>
<div class="controls">
<label>step <select id="path-step"></select></label>
<label>backend <select id="path-backend"></select></label>
<button id="path-trace" type="button">trace the step's first program run</button>
</div>
<div id="path-caption" class="small"></div>
<div id="path" class="topology-wrap"></div>
<div class="scroll"><table id="packets-table"><thead><tr><th>Time</th><th>Observation point</th><th>Hook</th><th>Bytes</th><th>Packet</th><th></th></tr></thead><tbody id="packets-body"></tbody></table></div>
</section>
<section id="trace" hidden><h2 id="trace-title">Trace</h2><div id="trace-info"></div><pre id="trace-lines"></pre></section>
<section id="flows-section"><h2>Flows</h2>
<div class="controls">
<label>verdict <select id="filter-verdict"></select></label>
<label>pod <select id="filter-pod"></select></label>
<label>protocol <select id="filter-protocol"></select></label>
<label>backend <select id="filter-backend"></select></label>
<label>step <select id="filter-step"></select></label>
<label>text <input id="filter-text" type="search" placeholder="filter"></label>
<span id="flow-count" class="small"></span>
</div>
<div class="scroll"><table id="flows-table"></table></div>
</section>
<section id="divergences-section"><h2>Emulator vs kernel <span id="divergence-count" class="small"></span></h2><div id="divergences"></div></section>
`;

export function htmlPage(model: ReportModel, topologySvg: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${attr(CSP)}">
<title>dpsim report: ${html(model.scenario.name)}</title>
<style>
${asset('viewer.css', '</style')}
</style>
</head>
<body>
${header(model)}
${BODY.replace('%TOPOLOGY%', () => topologySvg)}
<script type="application/json" id="report-data">${embeddedJson(model)}</script>
<script>
${asset('viewer.js', '</script')}
</script>
</body>
</html>
`;
}
