// `dpsim serve [DIR]`: the report directories under DIR (default reports/out) listed and served
// over HTTP, on 127.0.0.1 unless told otherwise. Only GET/HEAD; nothing outside DIR (no "..",
// no encoded separators, no symlink leading out: 403) and no dotfiles (404).
import type { Argv } from 'yargs';
import express, { type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { AddressInfo } from 'node:net';
import { CliError, EXIT } from './exit-codes.js';
import { DEFAULT_REPORTS_DIR } from './report.js';
import { REPORT_FILES } from '../../reports/write.js';
import { xmlText as html, xmlAttr as attr } from '../../reports/xml.js';

const FILE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";
const LISTING_CSP = "default-src 'none'; style-src 'unsafe-inline'";

type Resolved = { status: 400 | 403 | 404 } | { real: string; stats: Stats; segments: string[] };

/** URL path → a real path inside root, or why not. */
export function resolveInside(root: string, urlPath: string): Resolved {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    if (raw === '') continue;
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      return { status: 400 };
    }
    if (s === '..' || s.includes('/') || s.includes('\\') || s.includes('\0')) return { status: 403 };
    if (s.startsWith('.')) return { status: 404 };
    segments.push(s);
  }
  let real: string;
  try {
    real = realpathSync(join(root, ...segments));
  } catch {
    return { status: 404 };
  }
  const rel = relative(root, real);
  if (rel !== '' && (rel.startsWith('..') || isAbsolute(rel))) return { status: 403 };
  if (rel !== '' && rel.split(sep).some((s) => s.startsWith('.'))) return { status: 404 };
  return { real, stats: statSync(real), segments };
}

function inside(root: string, path: string): boolean {
  try {
    const rel = relative(root, realpathSync(path));
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).some((s) => s.startsWith('.')));
  } catch {
    return false;
  }
}

function reportSummary(dir: string): string {
  try {
    const s = JSON.parse(readFileSync(join(dir, REPORT_FILES.json), 'utf8')) as { scenario?: { name?: string; file?: string }; exitCode?: number; error?: { message?: string } };
    return `${s.scenario?.name ?? s.scenario?.file ?? ''}${s.exitCode !== undefined ? ` · exit ${s.exitCode}` : ''}${s.error ? ' · did not run' : ''}`;
  } catch {
    return '';
  }
}

function listing(root: string, dir: string, segments: string[]): string {
  const title = '/' + segments.map((s) => s + '/').join('');
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && inside(root, join(dir, e.name)))
    .map((e) => ({ name: e.name, isDir: statSync(join(dir, e.name)).isDirectory(), mtime: statSync(join(dir, e.name)).mtime }))
    .sort((a, b) => Number(b.isDir) - Number(a.isDir) || b.mtime.getTime() - a.mtime.getTime() || a.name.localeCompare(b.name));
  const href = (name: string) => encodeURIComponent(name);
  const rows = entries.map((e) => {
    const link = `<a href="${attr(href(e.name) + (e.isDir ? '/' : ''))}">${html(e.name)}${e.isDir ? '/' : ''}</a>`;
    const files = e.isDir ? Object.values(REPORT_FILES).filter((f) => existsSync(join(dir, e.name, f))) : [];
    const links = files.map((f) => `<a href="${attr(`${href(e.name)}/${f}`)}">${html(f)}</a>`).join(' ');
    const summary = files.length ? reportSummary(join(dir, e.name)) : '';
    return `<tr class="entry"><td>${link}</td><td>${links}</td><td>${html(summary)}</td><td>${html(e.mtime.toISOString())}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dpsim reports ${html(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}td,th{padding:4px 12px;text-align:left;border-bottom:1px solid #ddd}a{margin-right:8px}</style></head>
<body><h1>dpsim reports ${html(title)}</h1>
${segments.length ? '<p><a href="../">../</a></p>' : ''}
<table><thead><tr><th>Name</th><th>Reports</th><th>Run</th><th>Modified</th></tr></thead><tbody>
${rows.join('\n') || '<tr><td colspan="4">no reports yet: dpsim report writes them here</td></tr>'}
</tbody></table></body></html>
`;
}

function sendFile(req: Request, res: Response, path: string, stats: Stats): void {
  res.status(200).type(extname(path) || 'application/octet-stream').set({ 'Content-Length': String(stats.size), 'Content-Security-Policy': FILE_CSP });
  if (req.method === 'HEAD') { res.end(); return; }
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function reportsApp(dir: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res) => {
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.set('Allow', 'GET, HEAD').status(405).type('text').send('method not allowed\n'); return; }
    let root: string;
    try {
      root = realpathSync(dir);
    } catch {
      res.status(404).type('text').send('no report directory\n');
      return;
    }
    const path = (req.originalUrl.split('?')[0] ?? '/');
    const r = resolveInside(root, path);
    if ('status' in r) {
      res.status(r.status).type('text').send(r.status === 403 ? 'forbidden\n' : r.status === 400 ? 'bad request\n' : 'not found\n');
      return;
    }
    if (r.stats.isDirectory()) {
      // Built from the checked segments: never a raw path (a "//host" would leave the site).
      if (!path.endsWith('/')) { res.redirect(301, '/' + r.segments.map((s) => encodeURIComponent(s) + '/').join('')); return; }
      res.status(200).type('html').set('Content-Security-Policy', LISTING_CSP).send(listing(root, r.real, r.segments));
      return;
    }
    if (!r.stats.isFile()) { res.status(404).type('text').send('not found\n'); return; }
    sendFile(req, res, r.real, r.stats);
  });
  return app;
}

export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export async function serveReports(opts: { dir: string; host?: string; port?: number }): Promise<RunningServer> {
  const server = createServer(reportsApp(opts.dir));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 8080, host, () => { server.off('error', fail); ok(); });
  });
  const a = server.address() as AddressInfo;
  const shown = a.family === 'IPv6' || a.address.includes(':') ? `[${a.address}]` : a.address;
  return {
    url: `http://${shown}:${a.port}/`,
    server,
    close: () => new Promise<void>((ok) => { server.close(() => ok()); server.closeAllConnections(); }),
  };
}

export function registerServe(y: Argv): Argv {
  return y.command('serve [dir]', 'list and serve report directories over HTTP (127.0.0.1 by default)', (c) => c
    .positional('dir', { type: 'string', describe: 'directory of reports (default: reports/out)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to bind' })
    .option('port', { type: 'number', default: 8080, describe: 'port (0 picks a free one)' }),
  async (a) => {
    const dir = resolve(a.dir ?? DEFAULT_REPORTS_DIR);
    if (!a.dir) mkdirSync(dir, { recursive: true });
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(EXIT.BAD_INPUT, `${dir}: no such directory`);
    if (!Number.isInteger(a.port) || a.port < 0 || a.port > 65535) throw new CliError(EXIT.BAD_INPUT, `--port must be 0..65535, got ${a.port}`);
    let s: RunningServer;
    try {
      s = await serveReports({ dir, host: a.host, port: a.port });
    } catch (e) {
      throw new CliError(EXIT.ENVIRONMENT, `cannot listen on ${a.host}:${a.port}: ${(e as Error).message}`);
    }
    process.stdout.write(`serving ${dir} at ${s.url}\n`);
    await new Promise<void>((done) => {
      const stop = () => { process.off('SIGINT', stop); process.off('SIGTERM', stop); void s.close().then(done); };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
