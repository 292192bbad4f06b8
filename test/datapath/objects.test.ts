// The datapath objects: every program passes the kernel's verifier with a real node's
// configuration, the VM loads the same programs, and the maps have the documented layouts
// (docs/datapath.md).
import { describe, expect, test } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { KernelTestRun } from '../../harness/testrun.js';
import { LoadedObject } from '../../src/vm/index.js';
import { nodeConfig, rodataPatches } from './cluster.js';
import { objectPath, objectSpec, type ObjectName } from './sides.js';
import { CLUSTER } from './testbed.js';

const PROGRAMS: Record<ObjectName, string[]> = {
  bpf_lxc: ['cil_from_container', 'tail_ipv4_from_lxc_cont', 'tail_ipv4_to_endpoint', 'cil_to_container'],
  bpf_overlay: ['cil_from_overlay', 'cil_to_overlay'],
  bpf_host: ['cil_from_netdev', 'cil_to_netdev'],
};

/** name -> [type, key size, value size, max entries] */
const MAPS: Record<string, [string, number, number, number]> = {
  cilium_ipcache: ['lpm_trie', 24, 12, 16384],
  cilium_lxc: ['hash', 20, 24, 1024],
  cilium_policy: ['lpm_trie', 16, 24, 16384],
  cilium_ct4_global: ['lru_hash', 16, 32, 65536],
  cilium_snat_v4_external: ['lru_hash', 16, 8, 65536],
  cilium_lb4_services_v2: ['hash', 12, 12, 4096],
  cilium_lb4_backends_v3: ['hash', 4, 8, 4096],
  cilium_lb4_reverse_nat: ['hash', 2, 8, 4096],
  cilium_metrics: ['percpu_hash', 8, 16, 1024],
  cilium_events: ['perf_event_array', 4, 4, 0],
  cilium_calls: ['prog_array', 4, 4, 8],
};

const OBJECT_MAPS: Record<ObjectName, string[]> = {
  bpf_lxc: ['cilium_metrics', 'cilium_events', 'cilium_lxc', 'cilium_ipcache', 'cilium_ct4_global', 'cilium_policy',
    'cilium_lb4_services_v2', 'cilium_lb4_backends_v3', 'cilium_lb4_reverse_nat', 'cilium_calls'],
  bpf_overlay: ['cilium_metrics', 'cilium_events', 'cilium_lxc', 'cilium_ipcache'],
  bpf_host: ['cilium_metrics', 'cilium_events', 'cilium_lxc', 'cilium_ipcache', 'cilium_snat_v4_external'],
};

const objects = Object.keys(PROGRAMS) as ObjectName[];

describe('datapath objects', () => {
  test.each(objects)('%s: programs, maps and .rodata config as documented; the VM loads it', async (name) => {
    const spec = await objectSpec(name);
    expect(spec.programs.map((p) => p.name).sort()).toEqual([...PROGRAMS[name]].sort());
    expect(spec.programs.every((p) => p.section === 'tc')).toBe(true);
    const maps = spec.maps.filter((m) => m.source !== 'data');
    expect(maps.map((m) => m.name).sort()).toEqual([...OBJECT_MAPS[name]].sort());
    for (const m of maps) {
      const [type, k, v, max] = MAPS[m.name]!;
      expect([m.typeName, m.keySize, m.valueSize, m.maxEntries], m.name).toEqual([type, k, v, max]);
    }
    const rodata = spec.maps.find((m) => m.name === '.rodata')!;
    expect(rodata.dataLayout!.map((d) => d.name).sort()).toEqual(Object.keys(nodeConfig(CLUSTER, 'node1')).sort());
    const obj = LoadedObject.load(spec, { globals: rodataPatches(spec, nodeConfig(CLUSTER, 'node1')) });
    expect([...obj.programs.keys()].sort()).toEqual([...PROGRAMS[name]].sort());
    if (name === 'bpf_lxc') {
      expect(spec.maps.find((m) => m.name === 'cilium_calls')!.initialValues).toEqual([
        { index: 1, progName: 'tail_ipv4_from_lxc_cont' },
        { index: 2, progName: 'tail_ipv4_to_endpoint' },
      ]);
    }
  });

  for (const config of ['node1', 'unconfigured'] as const) {
    kernelTest(`every program passes the kernel verifier (${config === 'node1' ? "node1's configuration" : 'the .rodata defaults'})`, async () => {
      const rows: string[] = [];
      for (const name of objects) {
        const spec = await objectSpec(name);
        const rodata = config === 'node1' ? rodataPatches(spec, nodeConfig(CLUSTER, 'node1')) : [];
        const kt = await KernelTestRun.open(objectPath(name), { rodata });
        try {
          await kt.load();
          const info = await kt.info();
          expect(info.loaded).toBe(true);
          for (const prog of PROGRAMS[name]) {
            const p = info.progs.find((x) => x.name === prog);
            expect(p, `${name}: ${prog}`).toMatchObject({ section: 'tc', type: 'sched_cls' });
            expect(p!.verifiedInsns, `${name}: ${prog}`).toBeGreaterThan(0);
            expect(p!.xlatedInsns, `${name}: ${prog}`).toBeGreaterThan(0);
            rows.push(`${`${name}/${prog}`.padEnd(36)} insns ${String(p!.insns).padStart(5)}  xlated ${String(p!.xlatedInsns).padStart(5)}  verified ${String(p!.verifiedInsns).padStart(6)}`);
          }
          // libbpf filled the tail call slots from the object at load.
          if (name === 'bpf_lxc') expect((await kt.dump('cilium_calls')).map((e) => e.key[0])).toEqual([1, 2]);
        } finally {
          await kt.close();
        }
      }
      console.log(`verifier (${config}):\n${rows.join('\n')}`);
    });
  }
});
