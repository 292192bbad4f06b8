// Pure parts of the harness client: response parsing, escaping, the skip/fail gate, build errors.
import { describe, expect, test } from 'vitest';
import { ensureHelperBuilt, HelperBuildError } from '../../harness/helper-build.js';
import { kernelGate } from '../../harness/skip.js';
import {
  checkName, parseDump, parseInfo, parseResponse, parseRun, splitPerCpu, toHexArg, TestRunError, unescapeText,
} from '../../harness/testrun-protocol.js';

describe('testrun protocol', () => {
  test('ok bodies and err lines', () => {
    expect(parseResponse('load', 'ok')).toBe('');
    expect(parseResponse('lookup', 'ok 0102')).toBe('0102');
    const err = (() => {
      try {
        parseResponse('load', "err 13 load failed: prog 'p': verifier log:\\n0: R1=ctx()\\nback\\\\slash \\x01");
      } catch (e) {
        return e as TestRunError;
      }
    })();
    expect(err).toBeInstanceOf(TestRunError);
    expect(err).toMatchObject({ errno: 13, command: 'load' });
    expect(err!.detail).toBe("load failed: prog 'p': verifier log:\n0: R1=ctx()\nback\\slash \x01");
    expect(() => parseResponse('info', 'garbage')).toThrow(/unexpected response/);
  });

  test('run responses', () => {
    const r = parseRun('retval=4294967295 duration=58 data_out=0a0b ctx_out= events=rb:01,pe:0203 lost=1', false);
    expect(r).toMatchObject({ retval: 0xffffffff, durationNs: 58, lostEvents: 1 });
    expect(r.ctxOut).toBeUndefined();
    expect([...r.dataOut]).toEqual([10, 11]);
    expect(r.events.map((e) => [e.map, [...e.data]])).toEqual([['rb', [1]], ['pe', [2, 3]]]);
    const withCtx = parseRun('retval=0 duration=1 data_out= ctx_out=ff events= lost=0', true);
    expect([...withCtx.ctxOut!]).toEqual([255]);
    expect(withCtx.events).toEqual([]);
  });

  test('info responses', () => {
    const info = parseInfo('loaded=1 ncpus=2 prog=main,tc/ingress,sched_cls,10,12,11 prog=odd\\x20name,sec\\x2cx,xdp,1,1,1 map=m.rodata,array,4,8,1,1152');
    expect(info.loaded).toBe(true);
    expect(info.possibleCpus).toBe(2);
    expect(info.progs).toEqual([
      { name: 'main', section: 'tc/ingress', type: 'sched_cls', insns: 10, xlatedInsns: 12, verifiedInsns: 11 },
      { name: 'odd name', section: 'sec,x', type: 'xdp', insns: 1, xlatedInsns: 1, verifiedInsns: 1 },
    ]);
    expect(info.maps).toEqual([{ name: 'm.rodata', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, flags: 1152 }]);
  });

  test('dumps, hex arguments, names, per-CPU values', () => {
    expect(parseDump('').length).toBe(0);
    expect(parseDump('00=01 02=03').map((e) => [[...e.key], [...e.value]])).toEqual([[[0], [1]], [[2], [3]]]);
    expect(toHexArg(new Uint8Array())).toBe('-');
    expect(toHexArg(new Uint8Array([0xab, 1]))).toBe('ab01');
    expect(toHexArg(new Uint8Array([9, 0xab, 1]).subarray(1))).toBe('ab01');
    expect(() => checkName('map', 'a b')).toThrow(TypeError);
    expect(() => checkName('map', '')).toThrow(TypeError);
    expect(unescapeText('a\\nb')).toBe('a\nb');
    const slots = splitPerCpu(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 0, 0, 0, 0]), 4);
    expect(slots.map((s) => [...s])).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
  });
});

describe('kernel gate', () => {
  test('runs when available, skips outside CI, fails in CI', () => {
    expect(kernelGate({ ok: true }, { CI: 'true' })).toEqual({ action: 'run' });
    expect(kernelGate({ ok: false, reason: 'not root' }, {})).toEqual({ action: 'skip', reason: 'not root' });
    expect(kernelGate({ ok: false, reason: 'not root' }, { CI: 'true' })).toEqual({
      action: 'fail', reason: 'kernel unavailable in CI: not root',
    });
  });
});

describe('helper build', () => {
  test('a failing build is reported clearly', async () => {
    const path = process.env.PATH;
    const override = process.env.DPSIM_TESTRUN_BIN;
    process.env.PATH = '/nonexistent';
    delete process.env.DPSIM_TESTRUN_BIN;
    try {
      await expect(ensureHelperBuilt()).rejects.toThrow(HelperBuildError);
      await expect(ensureHelperBuilt()).rejects.toThrow(/building dpsim-testrun failed \(make -C .*harness\): make is not installed/);
      process.env.PATH = path;
      await expect(ensureHelperBuilt()).resolves.toMatch(/harness\/build\/dpsim-testrun$/); // retried after the failure
    } finally {
      process.env.PATH = path;
      if (override !== undefined) process.env.DPSIM_TESTRUN_BIN = override;
    }
  });
});
