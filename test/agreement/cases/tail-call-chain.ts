import type { AgreementCase } from '../case.js';
import { concat, ethernet, u8, zeros } from '../packets.js';

export const slotPacket = (slot: number): Uint8Array => ethernet(concat(u8(slot), zeros(27)));

/** Slots 0 and 1 as the object fills them, plus 3 and 4 from userspace. */
export const JUMP_TABLE_FILLED = {
  jump_table: [
    { key: 0, value: 'tail_a' },
    { key: 1, value: 'tail_b' },
    { key: 3, value: 'tail_c' },
    { key: 4, value: 'tail_loop' },
  ],
};

const slots = (...s: number[]) => s.map((slot) => ({ data: slotPacket(slot) }));

export const tailCallCases: AgreementCase[] = [
  { name: 'slots from the object; empty and out-of-range slots fall through', example: 'tail_call_chain', prog: 'tail_call_entry', inputs: slots(0, 1, 2, 3, 4, 7, 8, 255) },
  { name: 'slots filled from userspace, and the 33-tail-call limit', example: 'tail_call_chain', prog: 'tail_call_entry', maps: JUMP_TABLE_FILLED, inputs: slots(0, 1, 3, 4, 2) },
  { name: 'an emptied prog array', example: 'tail_call_chain', prog: 'tail_call_entry', maps: { jump_table: [] }, inputs: slots(0, 1) },
  { name: 'running a tail-call target directly', example: 'tail_call_chain', prog: 'tail_loop', maps: JUMP_TABLE_FILLED, inputs: slots(0) },
];
