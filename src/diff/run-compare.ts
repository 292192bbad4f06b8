// One input's results on both sides: refusal, VM fault, retval, data_out, ctx_out, events.

import { compareEvents } from './events-compare.js';
import { describeBufferAt, firstDifference } from './hexdump.js';
import type { NormalisationLog } from './normalisation-log.js';
import { readField, SKB_CTX, type CtxLayout } from './ctx-fields.js';
import type { Divergence, RunRecord } from './types.js';

const NO_FAULT = 'no fault (the verifier accepted the program, so it cannot fault)';

export function compareRun(
  input: number, emu: RunRecord, ker: RunRecord, eventOrder: readonly string[], log: NormalisationLog, ctxLayout: CtxLayout = SKB_CTX,
): Divergence[] {
  const out: Divergence[] = [];
  const push = (field: string, emulator: string, kernel: string) => out.push({ input, field, emulator, kernel });
  if (emu.refused || ker.refused) {
    const text = (r: RunRecord) => (r.refused ? `refused: errno ${r.refused.errno}: ${r.refused.message}` : 'accepted');
    if (emu.refused?.errno !== ker.refused?.errno) push('input', text(emu), text(ker));
    return out;
  }
  if (emu.fault !== null || ker.fault !== null) push('fault', emu.fault ?? NO_FAULT, ker.fault ?? NO_FAULT);
  if (emu.retval !== ker.retval) push('retval', describeRetval(emu.retval), describeRetval(ker.retval));
  const at = firstDifference(emu.dataOut, ker.dataOut);
  if (at >= 0) push(`data_out[${at}]`, describeBufferAt(emu.dataOut, at), describeBufferAt(ker.dataOut, at));
  if (emu.ctxOut !== undefined || ker.ctxOut !== undefined) out.push(...compareCtx(input, emu.ctxOut, ker.ctxOut, ctxLayout));
  out.push(...compareEvents(input, emu.events, ker.events, eventOrder, log));
  return out;
}

/** 4294967274 is -22 (-EINVAL) as a program would have meant it. */
function describeRetval(v: number): string {
  const signed = v | 0;
  return signed < 0 ? `${v} (${signed})` : String(v);
}

function compareCtx(input: number, emu: Uint8Array | undefined, ker: Uint8Array | undefined, layout: CtxLayout): Divergence[] {
  if (emu === undefined || ker === undefined) {
    const text = (c: Uint8Array | undefined) => (c === undefined ? '(no ctx_out)' : `${c.length} bytes`);
    return [{ input, field: 'ctx_out', emulator: text(emu), kernel: text(ker) }];
  }
  const out: Divergence[] = [];
  const covered = new Set<number>();
  for (const f of layout.fields) {
    for (let i = 0; i < f.size; i++) covered.add(f.offset + i);
    const a = readField(emu, f), b = readField(ker, f);
    if (a !== b) out.push({ input, field: `ctx_out.${f.name}`, emulator: describeNumber(a), kernel: describeNumber(b) });
  }
  for (let i = 0; i < Math.max(emu.length, ker.length); i++) {
    if (!covered.has(i) && emu[i] !== ker[i]) {
      out.push({ input, field: `ctx_out[${i}]`, emulator: describeNumber(toBig(emu[i])), kernel: describeNumber(toBig(ker[i])) });
    }
  }
  return out;
}

function toBig(b: number | undefined): bigint | undefined {
  return b === undefined ? undefined : BigInt(b);
}

function describeNumber(v: bigint | undefined): string {
  return v === undefined ? '(past the end)' : `${v} (0x${v.toString(16)})`;
}
