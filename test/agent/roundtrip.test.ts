// The plan's map JSON and .rodata go into real datapath objects: every object of every node
// loads in the VM with the plan's configuration, imports its maps (so the formats match the
// objects' BTF), and exports the same entries and values back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { entryBytes } from '../../src/agent/map-bytes.js';
import { rodataPatches } from '../../src/agent/node-config.js';
import { parseObjectSpec } from '../../src/elf/index.js';
import { exportMap, importMaps } from '../../src/maps/index.js';
import { LoadedObject } from '../../src/vm/index.js';
import { cnp, datapathDir, netpol, plan, pod, service } from './helpers.js';

const p = plan({
  cluster: { world: [{ name: 'internet', ip: '1.1.1.1' }] },
  pods: [pod('client', 'node1', { app: 'client' }), pod('web', 'node2', { app: 'web' }), pod('web2', 'node1', { app: 'web' })],
  objects: [
    service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }, { port: 53, protocol: 'UDP' }] }),
    cnp('web', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '8000', endPort: 8010, protocol: 'TCP' }] }] }] }),
    netpol('client', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '1.0.0.0/8', except: ['1.2.0.0/16'] } }] }] }),
  ],
});

describe('plan → datapath objects', () => {
  for (const node of p.nodes) {
    for (const obj of node.objects) {
      test(`${node.name} ${obj.file}: .rodata and maps load and read back`, () => {
        const spec = parseObjectSpec(readFileSync(join(datapathDir(), obj.file)), obj.file);
        const loaded = LoadedObject.load(spec, { globals: rodataPatches(spec, obj.rodata) });
        expect(exportMap(loaded.map('.rodata'))).toEqual([{ key: 0, value: obj.rodata }]);
        importMaps([...loaded.maps.values()], obj.maps);
        for (const [name, entries] of Object.entries(obj.maps)) {
          expect(entries.length, name).toBeGreaterThan(0);
          expect([...loaded.map(name).entries()].length, name).toBe(entries.length);
        }
        // Exported (unions come back as hex), the same entries load into a fresh object identically.
        const exported = Object.fromEntries(Object.keys(obj.maps).map((name) => [name, exportMap(loaded.map(name))]));
        const again = LoadedObject.load(spec);
        importMaps([...again.maps.values()], exported);
        expect(Object.fromEntries(Object.keys(obj.maps).map((name) => [name, exportMap(again.map(name))]))).toEqual(exported);
        // The kernel path: the same JSON as per-entry bytes.
        expect(entryBytes(spec, obj.maps)).toHaveLength(Object.values(obj.maps).reduce((n, e) => n + e.length, 0));
      });
    }
  }
});
