// Differential fuzzing of the wasm engine against the interpreter on the real datapath
// objects (bpf_lxc, bpf_overlay, bpf_host), configured as the datapath tests configure them.
// Each object is loaded once per engine (same .rodata, same maps, same prandom seed) and the
// same fixed-seed stream of corpus, generated, reply and mutated packets goes through both, so
// conntrack and NAT state evolve identically; every run, and every few packets all maps, must
// be the same. See datapath-fuzz-lib.ts for the streams and what is compared.
//
//   DPSIM_FUZZ_PACKETS=5000 DPSIM_FUZZ_SEED=7 npx vitest run test/wasm/datapath-fuzz.test.ts
import { describe, expect, it, vi } from 'vitest';
import {
  TARGETS, fuzzObject, formatReport, formatMismatch, compareOutcomes, compareMaps, runOn, EnginePair, ctxBytes, toHex,
  type FuzzInput, type FuzzReport, type FuzzTarget, type Outcome,
} from './datapath-fuzz-lib.js';
import { exportMaps } from '../../src/maps/index.js';
import { assemble } from '../../src/isa/asm.js';
import { predecode } from '../../src/vm/program.js';
import { Vm } from '../../src/vm/interpreter.js';
import { WasmEngine } from '../../src/wasm/engine.js';
import { client, web, n1 } from '../datapath/corpus.js';
import { frame } from '../datapath/packets.js';

// Every helper call also checks the wasm engine's mirrors against the regions (engine.ts):
// a helper whose HELPER_WRITES class misses what it changes shows up as a wasm-only fault.
process.env.DPSIM_WASM_CHECK_MIRRORS = '1';
const PACKETS = Number(process.env.DPSIM_FUZZ_PACKETS ?? 500); // per program
vi.setConfig({ testTimeout: Math.max(60_000, PACKETS * 100) }); // longer runs on demand get the time they need
const SEED = Number(process.env.DPSIM_FUZZ_SEED ?? 0xd47a_f022);
/** Runs with a squeezed budget: a share of the main stream's size. */
const SQUEEZED_PACKETS = Math.max(20, Math.ceil(PACKETS / 3));

/** Each object's stream has its own seed, derived from SEED. */
const seedOf = (t: FuzzTarget) => (SEED ^ Math.imul(TARGETS.indexOf(t) + 1, 0x9e3779b1)) >>> 0;

const reports = new Map<string, Promise<FuzzReport>>();
function reportOf(t: FuzzTarget): Promise<FuzzReport> {
  let r = reports.get(t.object);
  if (!r) {
    r = fuzzObject(t, { packetsPerProg: PACKETS, seed: seedOf(t) });
    reports.set(t.object, r);
  }
  return r;
}

const target = (object: FuzzTarget['object']) => TARGETS.find((t) => t.object === object)!;
const lxc = target('bpf_lxc');

describe(`datapath fuzzing: wasm engine vs interpreter (${PACKETS} packets per program, seed 0x${SEED.toString(16)})`, () => {
  for (const t of TARGETS) {
    it(`${t.object}: ${t.progs.join(', ')} agree on every packet and on all maps`, async () => {
      const rep = await reportOf(t);
      console.log(formatReport(rep));
      if (rep.mismatch) expect.fail(formatMismatch(rep.mismatch));
      for (const [prog, s] of Object.entries(rep.perProg)) {
        expect(s.packets, prog).toBe(PACKETS);
        expect(s.faults, `${prog}: no faults on either engine`).toEqual({});
      }
      expect(rep.mapChecks).toBeGreaterThan(0);
    });
  }

  it('the streams reach deep paths: tail calls, DNAT and reverse NAT, encapsulation, SNAT and reverse SNAT, overlay delivery', async () => {
    const [l, o, h] = await Promise.all(TARGETS.map(reportOf));
    for (const rep of [l!, o!, h!]) if (rep.mismatch) expect.fail(`the stream stopped early: ${formatMismatch(rep.mismatch)}`);
    const brief = (r: FuzzReport) => { const { redirects: _r, ...rest } = r.deep; return rest; };
    console.log(`deep paths: ${JSON.stringify({ bpf_lxc: brief(l!), bpf_overlay: brief(o!), bpf_host: brief(h!) })}`);
    const [dl, dov, dh] = [l!.deep, o!.deep, h!.deep];
    expect(dl.tailFromLxcCont, 'cil_from_container tail-called tail_ipv4_from_lxc_cont').toBeGreaterThan(0);
    expect(dl.tailToEndpoint, 'tail_ipv4_to_endpoint was tail-called').toBeGreaterThan(0);
    expect(l!.perProg['cil_from_container']!.tailCalls['tail_ipv4_to_endpoint'], 'both tail calls from the entry point').toBeGreaterThan(0);
    expect(dl.encapsulated, 'bpf_lxc redirected into the tunnel with a key').toBeGreaterThan(0);
    expect(dl.dnat, 'service VIPs translated to a backend').toBeGreaterThan(0);
    expect(dl.revNat, 'backend replies translated back to the VIP').toBeGreaterThan(0);
    expect(dl.finalEntries['cilium_ct4_global']).toBeGreaterThan(0);
    expect(dov.encapsulated, 'cil_to_overlay set a tunnel key').toBeGreaterThan(0);
    expect(dov.overlayDelivered, 'cil_from_overlay delivered into a pod').toBeGreaterThan(0);
    expect(dh.snat, 'cil_to_netdev masqueraded a pod').toBeGreaterThan(0);
    expect(dh.revSnat, 'cil_from_netdev reverse-SNATed into a pod').toBeGreaterThan(0);
    expect(dh.finalEntries['cilium_snat_v4_external']).toBeGreaterThan(0);
    // Every verdict, refusals, replies and mutations happen in every object.
    for (const rep of [l!, o!, h!]) {
      const sum = (k: 'passed' | 'dropped' | 'redirected' | 'refused' | 'replies' | 'mutated' | 'otherCpu' | 'repeated') =>
        Object.values(rep.perProg).reduce((n, s) => n + s[k], 0);
      for (const k of ['passed', 'dropped', 'redirected', 'refused', 'replies', 'mutated', 'otherCpu', 'repeated'] as const) {
        expect(sum(k), `${rep.target.object}: ${k}`).toBeGreaterThan(0);
      }
      expect(Object.keys(rep.controlEvents).length, `${rep.target.object}: control-plane edits`).toBeGreaterThan(0);
    }
  });

  // Runs given a small instruction budget fault part way (budget-exceeded at a taken jump or
  // call). The fault (kind, pc, program), what the run left in the packet, the events and the
  // maps must be the same; retval, r0 and insnCount of faulted runs are collected per field
  // (the stream goes on) and must be the same too.
  it(`runs that fault part way (squeezed budgets, ${SQUEEZED_PACKETS} packets per program): same fault, same effects, same result`, async () => {
    const reps = [];
    for (const t of TARGETS) {
      reps.push(await fuzzObject(t, { packetsPerProg: SQUEEZED_PACKETS, seed: seedOf(t) ^ 0x5a5a, squeeze: 35, collectOnFault: ['retval', 'r0', 'insnCount'] }));
    }
    for (const rep of reps) console.log(formatReport(rep));
    for (const rep of reps) if (rep.mismatch) expect.fail(formatMismatch(rep.mismatch));
    for (const rep of reps) {
      expect(rep.faultedRuns, rep.target.object).toBeGreaterThan(0);
      for (const s of Object.values(rep.perProg)) expect(Object.keys(s.squeezedFaults).filter((k) => k !== 'budget-exceeded')).toEqual([]);
    }
    const diffs = reps.flatMap((rep) => Object.entries(rep.faultDiffs).map(([field, { runs, first }]) =>
      `${rep.target.object}: ${runs} of ${rep.faultedRuns} faulted runs differ in ${field}; the first:\n${formatMismatch(first)}`));
    expect(diffs, diffs.join('\n\n')).toEqual([]);
  });

  describe('minimal reproductions of the differences the fuzzer found', () => {
    /** One run on each engine: the datapath object of `t`, a 14-byte frame of zeros, a budget of 1. */
    async function zeroFrameWithBudget1(t: FuzzTarget, prog: string) {
      const pair = await EnginePair.open(t, { seed: 1 });
      const input: FuzzInput = { prog, data: new Uint8Array(14), ctx: null, tunnelKey: null, ingress: false, origin: 'minimal', budget: 1 };
      const [a, b] = [runOn(pair.interp, input), runOn(pair.wasm, input)];
      if (a.kind !== 'ran' || b.kind !== 'ran') throw new Error('both run');
      expect([a.r.engine, b.r.engine]).toEqual(['interp', 'wasm']);
      expect([a.r.fault?.kind, b.r.fault?.kind]).toEqual(['budget-exceeded', 'budget-exceeded']);
      expect(b.r.fault?.pc).toBe(a.r.fault?.pc);
      return { a: a.r, b: b.r, hex: toHex(input.data) };
    }
    const raw = (src: string, budget: number) => (['interp', 'wasm'] as const).map((engine) => {
      const vm = new Vm();
      vm.fastPath = engine === 'wasm' ? new WasmEngine(vm) : null;
      vm.budget = budget;
      const r = vm.run(predecode(assemble(src), { name: 'raw' }));
      expect(vm.lastEngine).toBe(engine);
      return { engine, r0: r.r0lo, insnCount: r.insnCount, fault: r.fault ? { kind: r.fault.kind, pc: r.fault.pc, message: r.fault.message } : null };
    });

    // Interpreter bug: on a budget fault at a taken jump (or BPF-to-BPF call), overBudget(count)
    // is thrown after `count += pc - bs + 1` but before `bs` moves on, and exec()'s catch adds
    // `pc - bs + 1` again ("up to and including the faulting instruction"): the run's straight
    // line is counted twice. Its own fault message has the right count; so has the wasm engine.
    it('a budget fault reports the count it faulted at (interpreter: the last straight run counted twice)', async () => {
      const [interp, wasm] = raw('mov r0, 0\nmov r1, 0\nmov r2, 0\nja +0\nexit', 3);
      expect(wasm!.fault).toEqual({ kind: 'budget-exceeded', pc: 3, message: 'executed 4 instructions, over the budget of 3' });
      expect(interp!.fault).toEqual(wasm!.fault);
      expect.soft({ wasm: wasm!.insnCount, interp: interp!.insnCount }, 'mov, mov, mov, ja +0 with a budget of 3').toEqual({ wasm: 4, interp: 4 }); // interp: 8

      const { a, b, hex } = await zeroFrameWithBudget1(lxc, 'cil_from_container');
      expect(b.fault!.message).toBe(`executed ${b.insnCount} instructions, over the budget of 1`);
      expect.soft(a.insnCount, `bpf_lxc cil_from_container, data_in ${hex}, budget 1: fault at pc ${a.fault!.pc}; ${a.fault!.message}`).toBe(b.insnCount); // 34 vs 17
    });

    // wasm engine: registers live in wasm locals and only r1..r5 are stored for helper calls,
    // so when a run faults the Vm's r0 is whatever the last helper returned (0 if none) — the
    // run's retval/r0 are stale — while the interpreter reports r0 as it was at the fault.
    it('a faulted run reports the same r0 / retval on both engines (wasm: the last helper\'s r0)', async () => {
      const [interp, wasm] = raw('mov r0, 7\nldxdw r1, [r0+0]\nexit', 100);
      expect(wasm!.fault).toEqual(interp!.fault);
      expect.soft({ wasm: wasm!.r0, interp: interp!.r0 }, 'mov r0, 7; ldxdw r1, [r0+0] (invalid-address at pc 1)').toEqual({ wasm: 7, interp: 7 }); // wasm: 0

      const { a, b, hex } = await zeroFrameWithBudget1(lxc, 'cil_to_container');
      expect.soft(b.retval, `bpf_lxc cil_to_container, data_in ${hex}, budget 1: fault at pc ${a.fault!.pc}`).toBe(a.retval); // wasm 0, interp 0xfd000075
    });
  });

  describe('the comparison catches planted differences', () => {
    it('one map entry changed on one side only (client\'s endpoint entry gone from the wasm side)', async () => {
      const rep = await fuzzObject(lxc, {
        packetsPerProg: 40, seed: seedOf(lxc), churn: false,
        plant: {
          side: 'wasm',
          maps: (obj) => {
            const m = obj.map('cilium_lxc');
            const key = [...m.keys()].find((k) => k.length >= 4 && [...k.subarray(0, 4)].join('.') === client.ip);
            expect(key, 'client\'s cilium_lxc entry').toBeDefined();
            expect(m.userDelete(key!)).toBe(0);
          },
        },
      });
      expect(rep.mismatch, 'a mismatch is reported').not.toBeNull();
      const text = formatMismatch(rep.mismatch!);
      console.log(`planted map entry, reported as:\n${text}`);
      expect(rep.mismatch!.when).toBe('run');
      expect(text).toMatch(/first difference: \S+/);
      expect(text).toMatch(/packet \([0-9]+ bytes\): [0-9a-f]+/);
    });

    it('one config global changed on one side only (the node\'s hash seed on the interpreter side)', async () => {
      const rep = await fuzzObject(lxc, { packetsPerProg: 60, seed: seedOf(lxc), churn: false, plant: { side: 'interp', rodata: { hash_seed: 43 } } });
      expect(rep.mismatch, 'a mismatch is reported').not.toBeNull();
      console.log(`planted config global, reported as:\n${formatMismatch(rep.mismatch!)}`);
    });

    it('a difference only in map contents (an entry no packet reads) is caught by the map comparison', async () => {
      const rep = await fuzzObject(target('bpf_host'), {
        packetsPerProg: 10, seed: 1, churn: false, mapEvery: 4,
        plant: {
          side: 'wasm',
          maps: (obj) => {
            const m = obj.map('cilium_snat_v4_external') as unknown as { keySize: number; valueSize: number; userUpdate(k: Uint8Array, v: Uint8Array): number };
            expect(m.userUpdate(new Uint8Array(m.keySize).fill(0xee), new Uint8Array(m.valueSize).fill(1))).toBe(0);
          },
        },
      });
      expect(rep.mismatch?.when).toBe('maps');
      expect(rep.mismatch?.index).toBe(3); // the first map comparison
      expect(rep.mismatch?.diff.field).toMatch(/^map cilium_snat_v4_external, key /);
      expect(rep.mismatch?.diff.interp).toBe('(no entry)');
    });

    it('differences injected into the comparator: retval, dataOut, events, fault, insnCount, redirect, skb, tail calls, refusal', async () => {
      const pair = await EnginePair.open(lxc, { seed: 1 });
      const syn = frame({ srcMac: client.mac, dstMac: n1.routerMac, src: client.ip, dst: web.ip, l4: { proto: 'TCP', sport: 40000, dport: 80, flags: 'S' } });
      const input: FuzzInput = { prog: 'cil_from_container', data: syn, ctx: ctxBytes({ ingressIfindex: client.ifindex }), tunnelKey: null, ingress: true, origin: 'injected' };
      const a = runOn(pair.interp, input);
      const b = runOn(pair.wasm, input);
      if (a.kind !== 'ran' || b.kind !== 'ran') throw new Error('both run');
      expect([a.r.engine, b.r.engine]).toEqual(['interp', 'wasm']);
      expect(compareOutcomes(a, b)).toBeNull();
      expect(compareMaps(exportMaps(pair.interp.obj.maps.values()), exportMaps(pair.wasm.obj.maps.values()))).toBeNull();
      expect(a.r.retval).toBe(7);
      expect(a.tails).toEqual(['tail_ipv4_from_lxc_cont', 'tail_ipv4_to_endpoint']);

      const tweak = (f: (o: Extract<Outcome, { kind: 'ran' }>) => void): Outcome => {
        const o = { ...b, r: { ...b.r, dataOut: b.r.dataOut.slice(), events: b.r.events.map((e) => ({ ...e, data: e.data.slice() })) } };
        f(o);
        return o;
      };
      expect(compareOutcomes(a, tweak((o) => { o.r.retval = 0; }))).toMatchObject({ field: 'retval', interp: '7', wasm: '0' });
      expect(compareOutcomes(a, tweak((o) => { o.r.dataOut[22] ^= 1; }))?.field).toBe('dataOut[byte 22]');
      expect(compareOutcomes(a, tweak((o) => { o.r.dataOut = o.r.dataOut.subarray(0, 40); }))?.field).toBe('dataOut.length');
      expect(compareOutcomes(a, tweak((o) => { o.r.events[1]!.data[40] ^= 0x80; }))?.field).toBe('events[1].data[byte 40]');
      expect(compareOutcomes(a, tweak((o) => { o.r.fault = { kind: 'out-of-bounds', message: 'x', pc: 12, program: 'cil_from_container' }; }))?.field).toBe('fault');
      expect(compareOutcomes(a, tweak((o) => { o.r.insnCount++; }))?.field).toBe('insnCount');
      expect(compareOutcomes(a, tweak((o) => { o.r.redirect = { ...o.r.redirect!, ifindex: 99 }; }))?.field).toBe('redirect.ifindex');
      expect(compareOutcomes(a, tweak((o) => { o.r.skb = { ...o.r.skb!, mark: 1 }; }))?.field).toBe('skb.mark');
      expect(compareOutcomes(a, tweak((o) => { o.tails = ['tail_ipv4_from_lxc_cont']; }))?.field).toBe('tailCalls.length');
      expect(compareOutcomes(a, { kind: 'refused', errno: 22, message: 'x' })).toMatchObject({ field: 'outcome', interp: '"ran"' });
    });
  });
});
