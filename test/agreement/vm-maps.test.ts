// Map examples in the VM: each command's return code as the kernel's map semantics give
// it, and the contents left behind.
import { describe, expect, test } from 'vitest';
import type { MapsJson } from '../../src/maps/index.js';
import { LPM_OP, LPM_RESULT_OFF, lpmPacket, ROUTES } from './cases/lpm-trie-longest-match.js';
import { ARRAY_SCRIPT, commandPacket, HASH_SCRIPT, OP, PERCPU_SCRIPT, REPLY_OFF, TARGET, type MapCommand } from './cases/map-update-lookup-delete.js';
import { readS64le, readU32le, readU64le } from './packets.js';
import { runInVm } from './vm-run.js';

async function runScript(script: [MapCommand, number][], maps?: MapsJson) {
  const run = await runInVm('map_update_lookup_delete', script.map(([c]) => ({ data: commandPacket(c) })), maps ? { maps } : {});
  const replies = run.results.map((r) => ({ rc: Number(readS64le(r.dataOut, REPLY_OFF)), value: readU64le(r.dataOut, REPLY_OFF + 8) }));
  return { replies, maps: run.maps() };
}

const lru = (op: number, key: number, value?: bigint): [MapCommand, number] => [{ op, target: TARGET.LRU_HASH, key, ...(value !== undefined ? { value } : {}) }, 0];
const keysOf = (entries: unknown) => (entries as { key: number }[]).map((e) => e.key).sort();

describe('map_update_lookup_delete', () => {
  test('hash: EEXIST, ENOENT, E2BIG when full, EINVAL for unknown flags', async () => {
    const { replies, maps } = await runScript(HASH_SCRIPT);
    expect(replies.map((r) => r.rc)).toEqual(HASH_SCRIPT.map(([, rc]) => rc));
    expect(replies[8]!.value).toBe(10n); // lookup 1
    expect(replies[9]!.value).toBe(15n); // 10 + 5 in place
    expect(maps.hash_map).toEqual([{ key: 1, value: 15 }, { key: 3, value: 30 }, { key: 4, value: 41 }, { key: 5, value: 50 }]);
  });

  test('array: every index exists, none past max_entries, none deletable', async () => {
    const { replies, maps } = await runScript(ARRAY_SCRIPT);
    expect(replies.map((r) => r.rc)).toEqual(ARRAY_SCRIPT.map(([, rc]) => rc));
    expect(replies[6]!.value).toBe(8n);
    expect(maps.array_map).toEqual([{ key: 1, value: 8 }, { key: 2, value: 3 }]);
  });

  test('per-CPU array: the program changes only its own CPU slot (CPU 0)', async () => {
    const { replies, maps } = await runScript(PERCPU_SCRIPT, { percpu_map: [{ key: 0, value: [1, 100] }, { key: 1, value: [2, 200] }] });
    expect(replies.map((r) => r.rc)).toEqual(PERCPU_SCRIPT.map(([, rc]) => rc));
    expect(replies[0]!.value).toBe(6n);
    expect(maps.percpu_map).toEqual([{ key: 0, value: [6, 100] }, { key: 1, value: [9, 200] }]);
  });

  test('LRU hash: a full map evicts its least recently used entry; a lookup protects one', async () => {
    const plain = await runScript([lru(OP.UPDATE, 1, 1n), lru(OP.UPDATE, 2, 2n), lru(OP.UPDATE, 3, 3n), lru(OP.UPDATE, 4, 4n), lru(OP.UPDATE, 5, 5n)]);
    expect(keysOf(plain.maps.lru_map)).toEqual([2, 3, 4, 5]);
    const touched = await runScript([
      lru(OP.UPDATE, 1, 1n), lru(OP.UPDATE, 2, 2n), lru(OP.UPDATE, 3, 3n), lru(OP.UPDATE, 4, 4n),
      lru(OP.LOOKUP, 1), lru(OP.UPDATE, 5, 5n), lru(OP.UPDATE, 6, 6n),
    ]);
    expect(keysOf(touched.maps.lru_map)).toEqual([1, 4, 5, 6]);
  });
});

describe('lpm_trie_longest_match', () => {
  const NO_MATCH = 0xffffffff;
  const found = (r: { dataOut: Uint8Array }) => readU32le(r.dataOut, LPM_RESULT_OFF);

  test('the most specific covering prefix answers', async () => {
    const { results } = await runInVm('lpm_trie_longest_match', ['10.1.2.3', '10.1.9.9', '10.9.9.9', '192.168.1.1', '172.16.0.1'].map((d) => ({ data: lpmPacket(d) })), { maps: ROUTES });
    expect(results.map(found)).toEqual([3, 2, 1, 4, NO_MATCH]);
  });

  test('a program insert keeps the host bits of its key; delete matches the prefix only', async () => {
    const run = await runInVm('lpm_trie_longest_match', [
      { data: lpmPacket('10.1.2.200', LPM_OP.INSERT, 60) },
      { data: lpmPacket('10.1.2.3') },
      { data: lpmPacket('10.1.2.9', LPM_OP.DELETE) },
      { data: lpmPacket('10.1.2.3') },
      { data: lpmPacket('10.1.2.3', LPM_OP.DELETE) },
    ], { maps: ROUTES });
    const [insert, after, del, afterDelete, again] = run.results;
    expect(insert!.retval).toBe(0);
    expect(found(after!)).toBe(60);
    expect(del!.retval).toBe(0);
    expect(found(afterDelete!)).toBe(2);
    expect(again!.retval).toBe(-2 >>> 0); // ENOENT
    expect((run.maps().routes as { key: string }[]).map((e) => e.key)).not.toContain('10.1.2.200/24');
    const kept = await runInVm('lpm_trie_longest_match', [{ data: lpmPacket('10.5.5.5', LPM_OP.INSERT, 50) }], { maps: ROUTES });
    expect(kept.maps().routes).toContainEqual({ key: '10.5.5.5/24', value: 50 });
  });

  test('a full trie refuses a new prefix with ENOSPC', async () => {
    const full = { routes: Array.from({ length: 8 }, (_, i) => ({ key: `10.${i}.0.0/16`, value: i })) };
    const { results } = await runInVm('lpm_trie_longest_match', [{ data: lpmPacket('10.9.9.9', LPM_OP.INSERT) }], { maps: full });
    expect(results[0]!.retval).toBe(-28 >>> 0);
  });
});
