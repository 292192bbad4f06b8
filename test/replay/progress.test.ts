// Progress on stderr: a bar redrawn in place on a terminal, plain lines otherwise.
import { describe, it, expect } from 'vitest';
import { Progress } from '../../src/replay/progress.js';

function sink(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 100, write: (s: string) => out.push(s) } };
}

describe('Progress', () => {
  it('auto: a bar on a terminal, lines otherwise', () => {
    expect(Progress.modeFor(sink(true).stream, 'auto')).toBe('bar');
    expect(Progress.modeFor(sink(false).stream, 'auto')).toBe('lines');
    expect(Progress.modeFor(sink(true).stream, 'none')).toBe('none');
  });

  it('the bar redraws in place with the fraction done, the rate and the time left, and ends with a newline', () => {
    const { out, stream } = sink(true);
    let now = 0;
    const p = new Progress(stream, { mode: 'bar', total: 1024, now: () => now });
    now = 1000;
    p.tick(256);
    now = 2000;
    p.tick(512);
    p.finish(1024);
    expect(out[0]).toMatch(/^\r\[=+> *\] 256\/1024 packets \(25%\), 256 pps, ETA 3 s\x1b\[K$/);
    expect(out[1]).toContain('512/1024 packets (50%)');
    expect(out.at(-2)).toContain('1024/1024 packets (100%)');
    expect(out.at(-1)).toBe('\n');
    p.clear();
    expect(out.at(-1)).toBe('\n'); // nothing drawn any more: nothing to clear
  });

  it('without a packet total, the fraction of the input read drives the bar (no counting pass)', () => {
    const { out, stream } = sink(true);
    let now = 0, fraction: number | undefined = 0.1;
    const p = new Progress(stream, { mode: 'bar', fraction: () => fraction, now: () => now });
    now = 1000;
    p.tick(256);
    expect(out[0]).toMatch(/^\r\[=*> *\] 256 packets \(10%\), 256 pps, ETA 9 s/);
    fraction = undefined; // looping until stopped: no end to show
    now = 2000;
    p.tick(512);
    expect(out[1]).toMatch(/^\r\[ *<=> *\] 512 packets, 256 pps\x1b\[K$/);
  });

  it('lines mode prints a plain line per interval and nothing at the end', () => {
    const { out, stream } = sink(false);
    let now = 0;
    const p = new Progress(stream, { mode: 'lines', intervalMs: 2000, now: () => now });
    now = 1000;
    p.tick(256); // too soon
    now = 2500;
    p.tick(512);
    p.tick(513); // only every 256 packets is the clock read
    p.finish(600);
    expect(out).toEqual(['replay: 512 packets, 205 pps\n']);
  });
});
