// The context structs by field (struct __sk_buff for tc, struct xdp_md for XDP, from
// linux/bpf.h), so a ctx_out difference is named ("ctx_out.mark") and shown as a number.

export interface CtxField {
  name: string;
  offset: number;
  size: 1 | 4 | 8;
}

export interface CtxLayout {
  /** sizeof the struct on this UAPI. */
  size: number;
  fields: readonly CtxField[];
}

const four = (entries: [string, number][]): CtxField[] => entries.map(([name, offset]) => ({ name, offset, size: 4 }));

export const SKB_CTX: CtxLayout = {
  size: 192,
  fields: [
    ...four([
      ['len', 0], ['pkt_type', 4], ['mark', 8], ['queue_mapping', 12], ['protocol', 16], ['vlan_present', 20],
      ['vlan_tci', 24], ['vlan_proto', 28], ['priority', 32], ['ingress_ifindex', 36], ['ifindex', 40],
      ['tc_index', 44], ['cb[0]', 48], ['cb[1]', 52], ['cb[2]', 56], ['cb[3]', 60], ['cb[4]', 64], ['hash', 68],
      ['tc_classid', 72], ['data', 76], ['data_end', 80], ['napi_id', 84], ['family', 88], ['remote_ip4', 92],
      ['local_ip4', 96], ['remote_ip6[0]', 100], ['remote_ip6[1]', 104], ['remote_ip6[2]', 108], ['remote_ip6[3]', 112],
      ['local_ip6[0]', 116], ['local_ip6[1]', 120], ['local_ip6[2]', 124], ['local_ip6[3]', 128], ['remote_port', 132],
      ['local_port', 136], ['data_meta', 140], ['wire_len', 160], ['gso_segs', 164], ['gso_size', 176],
    ]),
    { name: 'flow_keys', offset: 144, size: 8 },
    { name: 'tstamp', offset: 152, size: 8 },
    { name: 'sk', offset: 168, size: 8 },
    { name: 'tstamp_type', offset: 180, size: 1 },
    { name: 'hwtstamp', offset: 184, size: 8 },
  ],
};

export const XDP_CTX: CtxLayout = {
  size: 24,
  fields: four([['data', 0], ['data_end', 4], ['data_meta', 8], ['ingress_ifindex', 12], ['rx_queue_index', 16], ['egress_ifindex', 20]]),
};

/** The field's value as a little-endian unsigned number, or undefined past the end. */
export function readField(ctx: Uint8Array, f: CtxField): bigint | undefined {
  if (f.offset + f.size > ctx.length) return undefined;
  let v = 0n;
  for (let i = f.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(ctx[f.offset + i]!);
  return v;
}
