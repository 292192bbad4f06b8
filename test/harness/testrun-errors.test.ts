// The helper answers bad input with "err 22 ..." and keeps going; verifier rejections
// name the program and carry the verifier log.
import { describe, expect } from 'vitest';
import { ensureHelperBuilt } from '../../harness/helper-build.js';
import { LineProcess } from '../../harness/line-process.js';
import { KernelTestRun, TestRunError } from '../../harness/testrun.js';
import { kernelTest } from '../../harness/skip.js';
import { compileFixture } from './fixtures.js';
import { ipv4Packet, u32le } from './packets.js';

async function rawHelper(obj: string): Promise<LineProcess> {
  const proc = new LineProcess(await ensureHelperBuilt(), [obj]);
  expect(await proc.nextLine()).toMatch(/^ok ready ncpus=\d+ pinned=[01]$/);
  return proc;
}

describe('dpsim-testrun errors', () => {
  kernelTest('malformed requests get err 22 and the helper keeps answering', async () => {
    const proc = await rawHelper(await compileFixture('testrun_fixture'));
    try {
      const bad = [
        '', '   ', 'bogus', 'run fixture_main 00', 'lookup seen 00000000', // not loaded yet
        'rodata .rodata x 00', 'rodata .rodata 0 zz', 'rodata .rodata 0 abc', 'rodata .rodata 6 00000000',
        'rodata seen 0 00', 'a b c d e f g h i j k l m n o p q', 'x'.repeat(200_000), 'run\x01 a',
      ];
      for (const line of bad) expect(await proc.request(line), JSON.stringify(line.slice(0, 40))).toMatch(/^err 22 /);
      expect(await proc.request('load')).toBe('ok');
      const afterLoad = [
        'update seen 0000 0000000000000000', 'update seen 00000000 00', 'update seen 00000000 0000000000000000 x',
        'lookup seen 0g000000', 'run fixture_main zz - 1', 'run fixture_main 00 - -1', 'run fixture_main 00 - 1 x',
        'progset jump x fixture_tail', 'progset seen 0 fixture_tail', 'mapset outer 00 inner_spare',
      ];
      for (const line of afterLoad) expect(await proc.request(line), line).toMatch(/^err 22 /);
      expect(await proc.request('lookup nosuchmap 00000000')).toMatch(/^err 22 no map nosuchmap/);
      expect(await proc.request('run nosuchprog 00 - 1')).toMatch(/^err 22 no loaded program nosuchprog/);
      expect(await proc.request('lookup seen 09090909')).toMatch(/^err 2 lookup on seen/);
      expect(await proc.request('run fixture_main - - 1')).toMatch(/^err 22 test run/); // kernel refuses empty data
      expect(await proc.request('load')).toMatch(/^err 16 already loaded/);
      expect(await proc.request('info')).toMatch(/^ok loaded=1 /);
      expect(await proc.request('quit')).toBe('ok bye');
      await proc.exited;
    } finally {
      await proc.end();
    }
  });

  kernelTest('the helper exits cleanly on EOF', async () => {
    const proc = await rawHelper(await compileFixture('testrun_fixture'));
    await proc.end();
    await expect(proc.request('info')).rejects.toThrow(/exited with 0/);
  });

  kernelTest('opening a missing object fails with its errno', async () => {
    await expect(KernelTestRun.open('/nonexistent/dpsim-missing.o')).rejects.toMatchObject({ errno: 2 });
  });

  kernelTest('client errors carry errno and message', async () => {
    const kt = await KernelTestRun.open(await compileFixture('testrun_fixture'));
    try {
      await expect(kt.run('fixture_main', new Uint8Array(14))).rejects.toThrow(/object not loaded/);
      await kt.load();
      await expect(kt.lookup('nosuchmap', u32le(0))).rejects.toMatchObject({ errno: 22, command: 'lookup' });
      await expect(kt.delete('seen', u32le(0))).rejects.toMatchObject({ errno: 2 });
      await expect(kt.update('seen', u32le(0), u32le(0))).rejects.toThrow(/value must be 8 bytes, got 4/);
      await expect(kt.update('seen bad', u32le(0), u32le(0))).rejects.toThrow(TypeError);
      await expect(kt.dump('ring_events')).rejects.toBeInstanceOf(TestRunError);
      await expect(kt.clear('.rodata')).rejects.toMatchObject({ errno: 1 }); // frozen by libbpf
      // The helper is still fine after all that.
      const ok = await kt.run('fixture_main', ipv4Packet({ protocol: 6, saddr: [1, 1, 1, 1], daddr: [2, 2, 2, 2] }));
      expect(ok.retval).toBe(0);
    } finally {
      await kt.close();
    }
  });

  kernelTest('a program the verifier rejects: the error names it and carries the log', async () => {
    const kt = await KernelTestRun.open(await compileFixture('testrun_rejected'));
    try {
      const err = await kt.load().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TestRunError);
      const { errno, detail } = err as TestRunError;
      expect(errno).toBe(13); // EACCES
      expect(detail).toContain("prog 'fixture_unchecked'");
      expect(detail).toContain('invalid access to packet');
      expect(detail).toContain('processed'); // the log's closing statistics line
      expect(detail.split('\n').length).toBeGreaterThan(3); // multi-line log came back intact
    } finally {
      await kt.close();
    }
  });
});
