// `prog diff` over a generated corpus: every datapath program a kernel test run can exercise
// gets a corpus that walks through all of its behaviours (test/datapath/corpus.ts), and the
// emulator and the kernel must agree on every packet, every event and every map entry. The
// corpus must also really do what it is meant to: each packet's verdict and events (drop
// reasons, trace points, conntrack verdicts, decoded per docs/datapath-events.md) are checked
// on the emulator's side (equal to the kernel's when there is no divergence), and so are the
// rewrites that make the behaviours (DNAT, reverse NAT, SNAT ports).
//
// Then the same files through the CLI (`dpsim prog diff ... -j`), and a divergence planted on
// the kernel side only, which the differ must report by map, key and field.
import { describe, expect, test, beforeAll } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { kernelTest } from '../../harness/skip.js';
import { diffProgram, formatDiff, SKB_CTX, type ProgramDiffReport, type RunRecord } from '../../src/diff/index.js';
import { readField } from '../../src/diff/ctx-fields.js';
import { parsePcap } from '../../src/pcap/index.js';
import type { MapsJson } from '../../src/maps/index.js';
import { dpsim, REPO } from '../cli/run-cli.js';
import {
  allCorpora, corpusFiles, identityMark, outcomeOf, resolveCorpus, syncCorpusFiles, CLUSTER,
  client, web, web2, n1, webSvc, SVC_LOCAL_PORT, SVC_REMOTE_PORT, UDP,
  type Corpus, type CorpusCase, type CtxFields, type ResolvedCorpus,
} from './corpus.js';
import { entryBytes, ip4, policyEntries } from './cluster.js';
import { flowHash4, snatPort } from './hash.js';
import { parse } from './packets.js';
import { objectSpec } from './sides.js';

const CORPORA = allCorpora();
const resolved = new Map<string, ResolvedCorpus>();

beforeAll(async () => {
  for (const c of CORPORA) {
    const r = await resolveCorpus(c);
    resolved.set(c.name, r);
    const written = await syncCorpusFiles(r);
    if (written.length) console.info(`[corpus] regenerated ${written.map((p) => relative(REPO, p)).join(', ')}`);
  }
});

const R = (name: string): ResolvedCorpus => {
  const r = resolved.get(name);
  if (!r) throw new Error(`corpus ${name} not resolved`);
  return r;
};

/** The corpus as its files hold it: packets from the pcap, maps from the map JSON, ctx per case. */
function fromFiles(r: ResolvedCorpus): { inputs: { data: Uint8Array; ctx: Uint8Array }[]; maps: MapsJson } {
  const f = corpusFiles(r.corpus.name);
  const packets = parsePcap(new Uint8Array(readFileSync(f.pcap))).packets;
  expect(packets.length, `${f.pcap}: one record per case`).toBe(r.corpus.cases.length);
  return {
    inputs: packets.map((p, i) => ({ data: p.data, ctx: r.inputs[i]!.ctx! })),
    maps: JSON.parse(readFileSync(f.maps, 'utf8')) as MapsJson,
  };
}

// ---- what each corpus is meant to exercise, as sets (exactly these, no more, no fewer) ----

interface Coverage {
  verdicts: string[];
  drops: string[];
  traces: string[];
}

const REFUSED = 'refused errno 22';
const INTENDED: Record<string, Coverage> = {
  cil_from_container: {
    verdicts: ['OK', 'REDIRECT', 'SHOT', REFUSED],
    drops: ['CT_INVALID_HDR', 'FRAG_NOSUPPORT', 'INVALID', 'INVALID_SIP', 'NO_SERVICE', 'NO_TUNNEL_ENDPOINT', 'POLICY', 'POLICY_DENY',
      'TTL_EXCEEDED', 'UNKNOWN_ICMP4_TYPE', 'UNKNOWN_L3', 'UNKNOWN_L4', 'UNROUTABLE'],
    traces: ['FROM_LXC', 'TO_LXC', 'TO_LXC(established)', 'TO_LXC(new)', 'TO_LXC(reply)', 'TO_OVERLAY(established)', 'TO_OVERLAY(new)',
      'TO_STACK', 'TO_STACK(established)', 'TO_STACK(new)'],
  },
  'cil_from_container-no-slot2': { verdicts: ['OK', 'REDIRECT', 'SHOT'], drops: ['MISSED_TAIL_CALL'], traces: ['FROM_LXC', 'TO_OVERLAY(new)', 'TO_STACK(new)'] },
  'cil_from_container-no-slots': { verdicts: ['REDIRECT', 'SHOT'], drops: ['INVALID_SIP', 'MISSED_TAIL_CALL'], traces: ['FROM_LXC', 'TO_LXC'] },
  cil_to_container: {
    verdicts: ['OK', 'SHOT', REFUSED],
    drops: ['CT_INVALID_HDR', 'FRAG_NOSUPPORT', 'INVALID', 'POLICY', 'POLICY_DENY', 'UNKNOWN_ICMP4_TYPE', 'UNKNOWN_L3', 'UNKNOWN_L4', 'UNROUTABLE'],
    traces: ['TO_LXC(established)', 'TO_LXC(new)', 'TO_LXC(reply)'],
  },
  cil_to_overlay: { verdicts: ['OK', 'SHOT', REFUSED], drops: ['INVALID', 'NO_TUNNEL_ENDPOINT', 'UNKNOWN_L3'], traces: ['TO_OVERLAY'] },
  cil_from_overlay: { verdicts: ['SHOT', REFUSED], drops: ['NO_TUNNEL_KEY'], traces: [] },
  cil_to_netdev: {
    verdicts: ['OK', 'SHOT', REFUSED],
    drops: ['CT_INVALID_HDR', 'FRAG_NOSUPPORT', 'INVALID', 'NAT_NO_MAPPING', 'NAT_UNSUPP_PROTO', 'UNKNOWN_ICMP4_TYPE'],
    traces: ['TO_NETWORK'],
  },
  cil_from_netdev: { verdicts: ['OK', 'REDIRECT', 'SHOT', REFUSED], drops: ['INVALID', 'TTL_EXCEEDED'], traces: ['FROM_NETWORK'] },
};

function coverage(runs: readonly RunRecord[]): Coverage {
  const verdicts = new Set<string>(), drops = new Set<string>(), traces = new Set<string>();
  for (const run of runs) {
    const o = outcomeOf(run);
    verdicts.add(o.verdict);
    for (const e of o.events) (e.startsWith('drop ') ? drops.add(e.slice(5)) : traces.add(e));
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return { verdicts: sorted(verdicts), drops: sorted(drops), traces: sorted(traces) };
}

// ---- rewrites the behaviours consist of, checked on the emulator's (= the kernel's) output ----

/** The run of the one case whose name starts with `prefix`. */
function caseRun(corpus: Corpus, report: ProgramDiffReport, prefix: string): { c: CorpusCase; run: RunRecord } {
  const hits = corpus.cases.map((c, i) => ({ c, i })).filter(({ c }) => c.name.startsWith(prefix));
  expect(hits.map(({ c }) => c.name), `exactly one case of ${corpus.name} named "${prefix}..."`).toHaveLength(1);
  return { c: hits[0]!.c, run: report.emulator.runs[hits[0]!.i]! };
}

const ctxField = (run: RunRecord, name: string): number => {
  const f = SKB_CTX.fields.find((x) => x.name === name)!;
  return Number(readField(run.ctxOut!, f));
};

const snatOf = (sport: number, dst: string, dport: number, attempt: number) =>
  snatPort(flowHash4(ip4(client.ip), ip4(dst), sport, dport, UDP, CLUSTER.hashSeed), attempt, CLUSTER.snatPorts[0], CLUSTER.snatPorts[1]);

const REWRITES: Record<string, (corpus: Corpus, report: ProgramDiffReport) => void> = {
  cil_from_container: (corpus, report) => {
    const at = (p: string) => caseRun(corpus, report, p).run;
    expect(parse(at('client -> web TCP SYN :80').dataOut)).toMatchObject({ dstMac: web.mac, srcMac: web.lxcMac, ttl: 63 });
    const arp = at('ARP who-has the router IP').dataOut;
    expect([arp[20], arp[21]], 'an ARP reply').toEqual([0, 2]);
    expect(parse(at('client -> web VIP:80, hashed to the local backend').dataOut)).toMatchObject({ dst: web.ip, dport: 8080, sport: SVC_LOCAL_PORT });
    expect(parse(at('web:8080 -> client reply').dataOut)).toMatchObject({ src: webSvc.vip, sport: 80, dst: client.ip, dport: SVC_LOCAL_PORT });
    expect(parse(at('client -> web VIP:80, hashed to the remote backend').dataOut)).toMatchObject({ dst: web2.ip, dport: 8080, sport: SVC_REMOTE_PORT });
    const spoofed = at('spoofed: client\'s own IP on web\'s lxc');
    expect(spoofed.events).toHaveLength(1);
  },
  cil_to_container: (corpus, report) => {
    const at = (p: string) => caseRun(corpus, report, p).run;
    expect(ctxField(at('identity from the mark'), 'mark'), 'the identity mark is consumed').toBe(0);
    expect(ctxField(at('a mark without the identity magic'), 'mark'), 'another mark is left alone').toBe(0x1234);
    expect(parse(at('web2:8080 -> client, reply of a service flow').dataOut)).toMatchObject({ src: webSvc.vip, sport: 80, dst: client.ip });
  },
  cil_to_netdev: (corpus, report) => {
    const at = (p: string) => caseRun(corpus, report, p).run;
    expect(parse(at('client -> world UDP: SNAT').dataOut)).toMatchObject({ src: n1.ip, sport: snatOf(33000, '8.8.8.8', 53, 0) });
    expect(parse(at('port of attempt 0 taken').dataOut).sport).toBe(snatOf(33002, '8.8.8.8', 53, 1));
    expect(parse(at('same pod port to another remote endpoint').dataOut).sport).toBe(snatOf(33002, '8.8.4.4', 53, 0));
    const first = parse(at('colliding flows, first').dataOut).sport;
    const second = parse(at('colliding flows, second').dataOut).sport;
    expect(second, 'the second flow wanted the first one\'s port and took the next').toBe(first === CLUSTER.snatPorts[1] ? CLUSTER.snatPorts[0] : first + 1);
    expect(parse(at('node -> world').dataOut).src, 'no SNAT for the node').toBe(n1.ip);
  },
  cil_from_netdev: (corpus, report) => {
    const at = (p: string) => caseRun(corpus, report, p).run;
    const r = at('UDP reply to a masqueraded flow');
    expect(parse(r.dataOut)).toMatchObject({ dst: client.ip, dport: 33020, dstMac: client.mac, srcMac: client.lxcMac, ttl: 63 });
    expect(ctxField(r, 'mark'), 'world identity in the mark').toBe(identityMark(2));
    expect(parse(at('ICMP echo reply').dataOut)).toMatchObject({ dst: client.ip, icmpId: 0x1234 });
  },
};

// ---- the corpus files ----

describe('corpus files (test/fixtures/corpus/)', () => {
  test('every corpus is on disk as generated: pcap records = packets, map JSON = initial maps', async () => {
    for (const c of CORPORA) {
      const r = R(c.name);
      const f = corpusFiles(c.name);
      const { inputs, maps } = fromFiles(r);
      inputs.forEach((input, i) => expect(Buffer.from(input.data).equals(Buffer.from(c.cases[i]!.data)), `${c.name} #${i} ${c.cases[i]!.name}`).toBe(true));
      expect(maps).toEqual(r.maps);
      const manifest = JSON.parse(readFileSync(f.manifest, 'utf8')) as { prog: string; cases: { name: string; ctx: CtxFields }[] };
      expect(manifest.prog).toBe(c.prog);
      expect(manifest.cases.map((x) => x.name)).toEqual(c.cases.map((x) => x.name));
    }
  });

  test('every program a test run can reach has a corpus, and the intended coverage is declared', () => {
    const progs = new Set(CORPORA.map((c) => c.prog));
    expect([...progs].sort()).toEqual(['cil_from_container', 'cil_from_netdev', 'cil_from_overlay', 'cil_to_container', 'cil_to_netdev', 'cil_to_overlay']);
    expect(Object.keys(INTENDED).sort()).toEqual(CORPORA.map((c) => c.name).sort());
  });
});

// ---- emulator vs kernel over each corpus ----

describe('prog diff over the corpus: zero divergences, every behaviour exercised', () => {
  for (const corpus of CORPORA) {
    kernelTest(`${corpus.name} (${corpus.cases.length} packets)`, async () => {
      const r = R(corpus.name);
      const { inputs, maps } = fromFiles(r);
      const report = await diffProgram({ objPath: r.objPath, prog: corpus.prog, inputs, maps, globals: r.globals });
      expect(report.divergences, formatDiff(report)).toEqual([]);
      expect(report.kernel.runs).toHaveLength(corpus.cases.length);

      // Each packet did what it is in the corpus for.
      const got = report.emulator.runs.map((run, i) => ({ case: `#${i} ${corpus.cases[i]!.name}`, ...outcomeOf(run) }));
      const want = corpus.cases.map((c, i) => ({ case: `#${i} ${c.name}`, ...c.expect }));
      expect(got).toEqual(want);
      expect(coverage(report.emulator.runs)).toEqual(INTENDED[corpus.name]);
      REWRITES[corpus.name]?.(corpus, report);
    });
  }
});

// ---- a divergence planted in the kernel only ----

describe('a planted divergence', () => {
  kernelTest('one policy entry turned into a deny in the kernel only: named by map, key and field', async () => {
    const r = R('cil_from_container');
    const spec = await objectSpec('bpf_lxc');
    const [allow] = entryBytes(spec, { cilium_policy: policyEntries(CLUSTER, { pod: 'web', direction: 'ingress', peer: 'client', proto: 'TCP', port: 80 }) });
    const deny = allow!.value.slice();
    deny[0] = 1; // struct policy_entry.deny
    const report = await diffProgram({
      objPath: r.objPath, prog: r.corpus.prog, inputs: r.inputs, maps: r.maps, globals: r.globals,
      prepare: { kernel: (kt) => kt.update('cilium_policy', allow!.key, deny) },
    });
    const syn = r.corpus.cases.findIndex((c) => c.name.startsWith('client -> web TCP SYN :80'));
    // The first packet the entry decides: delivered by the emulator, dropped by the kernel.
    expect(report.divergences, formatDiff(report)).toContainEqual({ input: syn, field: 'retval', emulator: '7', kernel: '2' });
    expect(report.divergences.filter((d) => d.input !== 'final').every((d) => typeof d.input === 'number' && d.input >= syn)).toBe(true);
    // After the last input: the entry itself, by key, with its deny field and counters apart.
    const keyData = Buffer.from(allow!.key.subarray(4)).toString('hex');
    const policy = report.divergences.filter((d) => d.field.startsWith('map cilium_policy['));
    expect(policy).toHaveLength(1);
    expect(policy[0]).toMatchObject({ input: 'final', field: `map cilium_policy[key={"prefixlen":80,"data":"${keyData}"}]` });
    expect(policy[0]!.emulator).toContain('"deny":0');
    expect(policy[0]!.kernel).toContain('"deny":1');
    // And what followed from it: conntrack entries only one side has, the metrics.
    expect(report.divergences.some((d) => d.field.startsWith('map cilium_ct4_global['))).toBe(true);
    expect(report.divergences.some((d) => d.field.startsWith('map cilium_metrics['))).toBe(true);
  });

  // Through the CLI there is no honest way to plant a one-sided difference: `dpsim prog diff`
  // loads the same object, the same .rodata, the same map JSON and the same packets into both
  // sides by construction, so every divergence it can report is a real one (and there is none
  // on these corpora). The planted one stays with diffProgram's prepare.kernel hook above.
});

// ---- the same files through the CLI ----

/**
 * The CLI takes one ctx for every packet and has no way to set .rodata (the object's defaults
 * are an unconfigured node: node_ip 0, no pod CIDR, masquerading off; see bpf/lib/config.h).
 * So these runs check agreement on the same packets and maps under the default node config.
 * Corpora whose cases all arrive with the same ctx get exactly that ctx; cil_from_container
 * runs as if every packet came from client's lxc, cil_to_container as if none had a mark.
 */
const CLI_CTX: Record<string, CtxFields> = { cil_from_container: { ingress_ifindex: client.ifindex }, cil_to_container: {} };

function uniformCtx(c: Corpus): CtxFields | undefined {
  const first = JSON.stringify(c.cases[0]!.ctx);
  return c.cases.every((x) => JSON.stringify(x.ctx) === first) ? c.cases[0]!.ctx : undefined;
}

describe('dpsim prog diff on the corpus files (default .rodata)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dpsim-corpus-cli-'));
  chmodSync(tmp, 0o755);
  for (const corpus of CORPORA.filter((c) => !c.name.includes('-'))) {
    kernelTest(`${corpus.prog} through the CLI: exit 0, no divergence`, async () => {
      const f = corpusFiles(corpus.name);
      const ctx = uniformCtx(corpus) ?? CLI_CTX[corpus.name];
      expect(ctx, `a ctx for ${corpus.name}`).toBeDefined();
      const ctxFile = join(tmp, `${corpus.name}.ctx.json`);
      writeFileSync(ctxFile, JSON.stringify(ctx));
      const r = dpsim(['prog', 'diff', `bpf/build/${corpus.object}.o`, corpus.prog, '--packets', f.pcap, '--maps', f.maps, '--ctx', ctxFile, '-j']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      const j = JSON.parse(r.stdout) as { divergences: unknown[]; normalisations: { name: string }[]; inputs: number };
      expect(Object.keys(j).sort()).toEqual(['divergences', 'inputs', 'normalisations']);
      expect(j.divergences).toEqual([]);
      expect(j.inputs).toBe(corpus.cases.length);
    });
  }
});
