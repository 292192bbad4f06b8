// Decoding the datapath's monitor events (docs/datapath-events.md): drop and trace
// notifications, each followed by the first bytes of the packet.

export const NOTIFY = { DROP: 1, TRACE: 4 } as const;
export const DROP_NOTIFY_LEN = 40;
export const TRACE_NOTIFY_LEN = 48;

/** Cilium's drop reasons (bpf/lib/common.h, pkg/monitor/api/drop.go) that this datapath emits. */
export const DROP = {
  INVALID_SIP: 132,
  POLICY: 133,
  INVALID: 134,
  CT_INVALID_HDR: 135,
  UNKNOWN_L3: 139,
  MISSED_TAIL_CALL: 140,
  WRITE_ERROR: 141,
  UNKNOWN_L4: 142,
  UNKNOWN_ICMP4_TYPE: 144,
  NO_TUNNEL_KEY: 147,
  UNROUTABLE: 151,
  CSUM_L3: 153,
  CSUM_L4: 154,
  CT_CREATE_FAILED: 155,
  FRAG_NOSUPPORT: 157,
  NO_SERVICE: 158,
  NO_TUNNEL_ENDPOINT: 160,
  NAT_NO_MAPPING: 167,
  NAT_UNSUPP_PROTO: 168,
  POLICY_DENY: 181,
  INVALID_VNI: 183,
  TTL_EXCEEDED: 196,
} as const;

/** Observation points (Cilium's enum trace_point). */
export const TRACE = {
  TO_LXC: 0, TO_PROXY: 1, TO_HOST: 2, TO_STACK: 3, TO_OVERLAY: 4, FROM_LXC: 5, FROM_PROXY: 6,
  FROM_HOST: 7, FROM_STACK: 8, FROM_OVERLAY: 9, FROM_NETWORK: 10, TO_NETWORK: 11,
} as const;

/** Trace reasons: the conntrack verdict. */
export const REASON = { POLICY: 0, ESTABLISHED: 1, REPLY: 2, RELATED: 3, UNKNOWN: 5 } as const;

const dropNames = new Map(Object.entries(DROP).map(([k, v]) => [v as number, `DROP_${k}`]));
const traceNames = new Map(Object.entries(TRACE).map(([k, v]) => [v as number, `TRACE_${k}`]));

export const FILES: Record<number, string> = {
  1: 'bpf_host.c', 3: 'bpf_lxc.c', 4: 'bpf_overlay.c', 101: 'arp.h', 102: 'conntrack.h', 103: 'encap.h',
  104: 'ipv4.h', 105: 'l3.h', 106: 'lb.h', 107: 'nat.h', 108: 'policy.h',
};

interface Common {
  source: number;
  hash: number;
  lenOrig: number;
  lenCap: number;
  version: number;
  srcLabel: number;
  dstLabel: number;
  ifindex: number;
  /** The captured packet bytes (len_cap of them). */
  packet: Uint8Array;
}

export interface DropEvent extends Common {
  kind: 'drop';
  reason: number;
  reasonName: string;
  dstId: number;
  line: number;
  file: string;
  flags: number;
}

export interface TraceEvent extends Common {
  kind: 'trace';
  obsPoint: number;
  obsName: string;
  dstId: number;
  reason: number;
  flags: number;
  /** Address before translation ("0.0.0.0" if none). */
  origIp: string;
}

export type DpEvent = DropEvent | TraceEvent;

/** The meaningful bytes of a perf sample: the kernel pads raw samples to 8 bytes (size + 4). */
export function trimEvent(data: Uint8Array): Uint8Array {
  if (data.length < 16) return data;
  const lenCap = data[12]! | (data[13]! << 8);
  const hdr = data[0] === NOTIFY.DROP ? DROP_NOTIFY_LEN : data[0] === NOTIFY.TRACE ? TRACE_NOTIFY_LEN : data.length;
  return data.subarray(0, Math.min(data.length, hdr + lenCap));
}

export function decodeEvent(raw: Uint8Array): DpEvent {
  const data = trimEvent(raw);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const common = {
    source: v.getUint16(2, true),
    hash: v.getUint32(4, true),
    lenOrig: v.getUint32(8, true),
    lenCap: v.getUint16(12, true),
    version: data[14]!,
    srcLabel: v.getUint32(16, true),
    dstLabel: v.getUint32(20, true),
  };
  if (data[0] === NOTIFY.DROP) {
    if (data.length < DROP_NOTIFY_LEN) throw new Error(`drop notify of ${data.length} bytes`);
    return {
      kind: 'drop', ...common,
      reason: data[1]!, reasonName: dropNames.get(data[1]!) ?? `DROP_${data[1]}`,
      dstId: v.getUint32(24, true), line: v.getUint16(28, true), file: FILES[data[30]!] ?? `file ${data[30]}`,
      ifindex: v.getUint32(32, true), flags: data[36]!,
      packet: data.slice(DROP_NOTIFY_LEN),
    };
  }
  if (data[0] === NOTIFY.TRACE) {
    if (data.length < TRACE_NOTIFY_LEN) throw new Error(`trace notify of ${data.length} bytes`);
    return {
      kind: 'trace', ...common,
      obsPoint: data[1]!, obsName: traceNames.get(data[1]!) ?? `TRACE_${data[1]}`,
      dstId: v.getUint16(24, true), reason: data[26]!, flags: data[27]!, ifindex: v.getUint32(28, true),
      origIp: [...data.subarray(32, 36)].join('.'),
      packet: data.slice(TRACE_NOTIFY_LEN),
    };
  }
  throw new Error(`unknown event type ${data[0]}`);
}

/** A compact description for expectations: "trace FROM_LXC 20001->0", "drop POLICY 20001->20002". */
export function summary(e: DpEvent): string {
  return e.kind === 'drop'
    ? `drop ${e.reasonName.replace(/^DROP_/, '')} ${e.srcLabel}->${e.dstLabel}`
    : `trace ${e.obsName.replace(/^TRACE_/, '')} ${e.srcLabel}->${e.dstLabel}`;
}
