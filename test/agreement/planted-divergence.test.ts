// End to end, a difference planted on one side only must surface as divergences with the
// right fields: the differ must not be able to pass by comparing too little.
import { expect } from 'vitest';
import { kernelTest } from '../../harness/skip.js';
import { diffProgram } from '../../src/diff/index.js';
import type { HashMap } from '../../src/maps/index.js';
import { commandPacket, OP, TARGET } from './cases/map-update-lookup-delete.js';
import { slotPacket } from './cases/tail-call-chain.js';
import { exampleObject } from './objects.js';

const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);
const u64 = (v: bigint) => new Uint8Array(new BigUint64Array([v]).buffer);
const lookup7 = { data: commandPacket({ op: OP.LOOKUP, target: TARGET.HASH, key: 7 }) };
const initial = { hash_map: [{ key: 7, value: 70 }] };

kernelTest('a map value changed in the emulator only shows in the lookup reply and the final dump', async () => {
  const report = await diffProgram({
    objPath: exampleObject('map_update_lookup_delete'), prog: 'map_update_lookup_delete',
    maps: initial, inputs: [lookup7],
    prepare: { emulator: (obj) => void (obj.map('hash_map') as HashMap).userUpdate(u32(7), u64(71n)) },
  });
  expect(report.divergences.map((d) => [d.input, d.field])).toEqual([[0, 'data_out[46]'], ['final', 'map hash_map[key=7]']]);
  expect(report.divergences[1]).toMatchObject({ emulator: '71', kernel: '70' });
});

kernelTest('an entry added in the kernel only', async () => {
  const report = await diffProgram({
    objPath: exampleObject('map_update_lookup_delete'), prog: 'map_update_lookup_delete',
    maps: initial, inputs: [lookup7],
    prepare: { kernel: (kt) => kt.update('hash_map', u32(9), u64(90n)) },
  });
  expect(report.divergences).toEqual([{ input: 'final', field: 'map hash_map[key=9]', emulator: '(no entry)', kernel: '90' }]);
});

kernelTest('a prog array slot filled in the kernel only changes the retval', async () => {
  const report = await diffProgram({
    objPath: exampleObject('tail_call_chain'), prog: 'tail_call_entry',
    inputs: [{ data: slotPacket(3) }],
    prepare: { kernel: (kt) => kt.setProg('jump_table', 3, 'tail_c') },
  });
  expect(report.divergences).toEqual([
    { input: 0, field: 'retval', emulator: '1003', kernel: '130' },
    { input: 'final', field: 'map jump_table[key=3]', emulator: '(no entry)', kernel: '(occupied slot)' },
  ]);
});
