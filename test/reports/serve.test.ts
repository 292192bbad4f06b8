// `dpsim serve`: lists and serves what is under DIR, on 127.0.0.1, and nothing else: no "..",
// no encoded separators, no symlinks leading out, no dotfiles, GET/HEAD only.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'node:http';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveReports, type RunningServer } from '../../src/cli/serve.js';
import { ROOT } from './fixtures.js';

/** A raw request: the path goes on the wire as written (fetch would resolve "..").*/
function get(base: string, path: string, method = 'GET'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const u = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('dpsim serve', () => {
  let base: string, outside: string, server: RunningServer;

  beforeAll(async () => {
    const top = mkdtempSync(join(tmpdir(), 'dpsim-serve-'));
    base = join(top, 'reports');
    outside = join(top, 'outside');
    mkdirSync(join(base, 'default-1', '.cache'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(base, 'default-1', 'report.html'), '<!doctype html><title>r</title>');
    writeFileSync(join(base, 'default-1', 'summary.json'), JSON.stringify({ scenario: { name: 'default' }, exitCode: 0 }));
    writeFileSync(join(base, 'default-1', '.cache', 'x'), 'hidden');
    writeFileSync(join(base, '.env'), 'SECRET=1');
    writeFileSync(join(outside, 'secret.txt'), 'outside');
    symlinkSync(outside, join(base, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(base, 'secret-link.txt'));
    symlinkSync(join(base, 'default-1', 'report.html'), join(base, 'inside-link.html'));
    symlinkSync(join(base, '.env'), join(base, 'env-link'));
    server = await serveReports({ dir: base, port: 0 });
  });
  afterAll(async () => server?.close());

  it('binds 127.0.0.1 on a free port when asked for port 0', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  it('lists the report directories with links to their files, hiding dotfiles and links leading out', async () => {
    const r = await get(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('href="default-1/"');
    expect(r.body).toContain('href="default-1/report.html"');
    expect(r.body).toContain('default · exit 0');
    expect(r.body).not.toContain('.env');
    expect(r.body).not.toContain('escape');
    expect(r.body).not.toContain('secret-link');
    expect(r.body).not.toContain('env-link');
  });

  it('serves files under DIR, and symlinks that stay inside', async () => {
    const r = await get(server.url, '/default-1/report.html');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('<title>r</title>');
    expect((await get(server.url, '/inside-link.html')).status).toBe(200);
    expect((await get(server.url, '/default-1/report.html', 'HEAD')).status).toBe(200);
  });

  it('redirects a directory without its slash, to a path of its own making', async () => {
    const r = await get(server.url, '/default-1');
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/default-1/');
    const sneaky = await get(server.url, '//default-1');
    expect(sneaky.status).toBe(301);
    expect(sneaky.headers.location).toBe('/default-1/');
  });

  it('refuses ../ paths, encoded or not, with 403', async () => {
    for (const path of ['/../outside/secret.txt', '/default-1/../../outside/secret.txt', '/%2e%2e/outside/secret.txt', '/..%2foutside%2fsecret.txt', '/default-1/%2e%2e%2f%2e%2e%2foutside/secret.txt', '/..\\outside\\secret.txt']) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('outside');
    }
  });

  it('refuses paths that lead outside DIR through symlinks with 403', async () => {
    for (const path of ['/escape/secret.txt', '/escape/', '/secret-link.txt']) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(403);
      expect(r.body).not.toContain('outside');
    }
  });

  it('never serves dotfiles (404), directly or through a link', async () => {
    for (const path of ['/.env', '/%2eenv', '/default-1/.cache/x', '/env-link']) {
      const r = await get(server.url, path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('SECRET');
    }
  });

  it('answers 404 for what does not exist, 400 for bad encoding, 405 for other methods', async () => {
    expect((await get(server.url, '/nope.html')).status).toBe(404);
    expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
    expect((await get(server.url, '/default-1/report.html', 'POST')).status).toBe(405);
  });

  it('as a command: prints the URL it serves on with --port 0', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/dpsim.js'), 'serve', base, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m) ok(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`dpsim serve exited ${code}: ${out}`)));
      });
      expect((await get(url, '/default-1/report.html')).status).toBe(200);
      expect((await get(url, '/../outside/secret.txt')).status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise<number | null>((ok) => (child.exitCode !== null ? ok(child.exitCode) : child.on('exit', (c) => ok(c))));
    expect(code).toBe(0);
  }, 60_000);
});
