// Program type and expected attach type from the SEC() name, following libbpf's section_defs
// for the common cases. A name matches an entry when it equals it or continues with '/'.

export const BPF_PROG_TYPE = {
  unspec: 0, socket_filter: 1, kprobe: 2, sched_cls: 3, sched_act: 4, tracepoint: 5, xdp: 6,
  perf_event: 7, cgroup_skb: 8, cgroup_sock: 9, lwt_in: 10, lwt_out: 11, lwt_xmit: 12,
  sock_ops: 13, sk_skb: 14, cgroup_device: 15, sk_msg: 16, raw_tracepoint: 17,
  cgroup_sock_addr: 18, lwt_seg6local: 19, lirc_mode2: 20, sk_reuseport: 21, flow_dissector: 22,
  cgroup_sysctl: 23, raw_tracepoint_writable: 24, cgroup_sockopt: 25, tracing: 26,
  struct_ops: 27, ext: 28, lsm: 29, sk_lookup: 30, syscall: 31, netfilter: 32,
} as const;

export type ProgTypeName = keyof typeof BPF_PROG_TYPE;

interface SectionRule {
  prefix: string;
  type: ProgTypeName;
  attachType?: string;
}

// More specific names come before the names they extend ("tc/ingress" before "tc").
const RULES: readonly SectionRule[] = [
  { prefix: 'socket', type: 'socket_filter' },
  { prefix: 'sk_reuseport/migrate', type: 'sk_reuseport', attachType: 'sk_reuseport_select_or_migrate' },
  { prefix: 'sk_reuseport', type: 'sk_reuseport', attachType: 'sk_reuseport_select' },
  { prefix: 'kprobe', type: 'kprobe' },
  { prefix: 'kretprobe', type: 'kprobe' },
  { prefix: 'uprobe', type: 'kprobe' },
  { prefix: 'uretprobe', type: 'kprobe' },
  { prefix: 'tracepoint', type: 'tracepoint' },
  { prefix: 'tp', type: 'tracepoint' },
  { prefix: 'raw_tracepoint', type: 'raw_tracepoint' },
  { prefix: 'raw_tp', type: 'raw_tracepoint' },
  { prefix: 'tp_btf', type: 'tracing', attachType: 'trace_raw_tp' },
  { prefix: 'fentry', type: 'tracing', attachType: 'trace_fentry' },
  { prefix: 'fexit', type: 'tracing', attachType: 'trace_fexit' },
  { prefix: 'fmod_ret', type: 'tracing', attachType: 'modify_return' },
  { prefix: 'lsm', type: 'lsm', attachType: 'lsm_mac' },
  { prefix: 'tc/ingress', type: 'sched_cls', attachType: 'tcx_ingress' },
  { prefix: 'tc/egress', type: 'sched_cls', attachType: 'tcx_egress' },
  { prefix: 'tcx/ingress', type: 'sched_cls', attachType: 'tcx_ingress' },
  { prefix: 'tcx/egress', type: 'sched_cls', attachType: 'tcx_egress' },
  { prefix: 'netkit/primary', type: 'sched_cls', attachType: 'netkit_primary' },
  { prefix: 'netkit/peer', type: 'sched_cls', attachType: 'netkit_peer' },
  { prefix: 'tc', type: 'sched_cls' },
  { prefix: 'classifier', type: 'sched_cls' },
  { prefix: 'action', type: 'sched_act' },
  { prefix: 'xdp.frags/devmap', type: 'xdp', attachType: 'xdp_devmap' },
  { prefix: 'xdp.frags/cpumap', type: 'xdp', attachType: 'xdp_cpumap' },
  { prefix: 'xdp.frags', type: 'xdp', attachType: 'xdp' },
  { prefix: 'xdp/devmap', type: 'xdp', attachType: 'xdp_devmap' },
  { prefix: 'xdp/cpumap', type: 'xdp', attachType: 'xdp_cpumap' },
  { prefix: 'xdp', type: 'xdp', attachType: 'xdp' },
  { prefix: 'perf_event', type: 'perf_event' },
  { prefix: 'lwt_in', type: 'lwt_in' },
  { prefix: 'lwt_out', type: 'lwt_out' },
  { prefix: 'lwt_xmit', type: 'lwt_xmit' },
  { prefix: 'lwt_seg6local', type: 'lwt_seg6local' },
  { prefix: 'sockops', type: 'sock_ops', attachType: 'cgroup_sock_ops' },
  { prefix: 'sk_skb/stream_parser', type: 'sk_skb', attachType: 'sk_skb_stream_parser' },
  { prefix: 'sk_skb/stream_verdict', type: 'sk_skb', attachType: 'sk_skb_stream_verdict' },
  { prefix: 'sk_skb', type: 'sk_skb' },
  { prefix: 'sk_msg', type: 'sk_msg', attachType: 'sk_msg_verdict' },
  { prefix: 'flow_dissector', type: 'flow_dissector', attachType: 'flow_dissector' },
  { prefix: 'cgroup_skb/ingress', type: 'cgroup_skb', attachType: 'cgroup_inet_ingress' },
  { prefix: 'cgroup_skb/egress', type: 'cgroup_skb', attachType: 'cgroup_inet_egress' },
  { prefix: 'cgroup/skb', type: 'cgroup_skb' },
  { prefix: 'cgroup/sock_create', type: 'cgroup_sock', attachType: 'cgroup_inet_sock_create' },
  { prefix: 'cgroup/sock_release', type: 'cgroup_sock', attachType: 'cgroup_inet_sock_release' },
  { prefix: 'cgroup/sock', type: 'cgroup_sock', attachType: 'cgroup_inet_sock_create' },
  { prefix: 'cgroup/connect4', type: 'cgroup_sock_addr', attachType: 'cgroup_inet4_connect' },
  { prefix: 'cgroup/connect6', type: 'cgroup_sock_addr', attachType: 'cgroup_inet6_connect' },
  { prefix: 'cgroup/sendmsg4', type: 'cgroup_sock_addr', attachType: 'cgroup_udp4_sendmsg' },
  { prefix: 'cgroup/sendmsg6', type: 'cgroup_sock_addr', attachType: 'cgroup_udp6_sendmsg' },
  { prefix: 'cgroup/recvmsg4', type: 'cgroup_sock_addr', attachType: 'cgroup_udp4_recvmsg' },
  { prefix: 'cgroup/recvmsg6', type: 'cgroup_sock_addr', attachType: 'cgroup_udp6_recvmsg' },
  { prefix: 'cgroup/bind4', type: 'cgroup_sock_addr', attachType: 'cgroup_inet4_bind' },
  { prefix: 'cgroup/bind6', type: 'cgroup_sock_addr', attachType: 'cgroup_inet6_bind' },
  { prefix: 'cgroup/dev', type: 'cgroup_device', attachType: 'cgroup_device' },
  { prefix: 'cgroup/sysctl', type: 'cgroup_sysctl', attachType: 'cgroup_sysctl' },
  { prefix: 'cgroup/getsockopt', type: 'cgroup_sockopt', attachType: 'cgroup_getsockopt' },
  { prefix: 'cgroup/setsockopt', type: 'cgroup_sockopt', attachType: 'cgroup_setsockopt' },
  { prefix: 'sk_lookup', type: 'sk_lookup', attachType: 'sk_lookup' },
  { prefix: 'struct_ops', type: 'struct_ops' },
  { prefix: 'syscall', type: 'syscall' },
  { prefix: 'netfilter', type: 'netfilter', attachType: 'netfilter' },
];

export interface ProgTypeGuess {
  type: ProgTypeName;
  attachType?: string;
}

/** Unknown sections give 'unspec': still loadable into the VM, which is told the type explicitly. */
export function progTypeForSection(section: string): ProgTypeGuess {
  const rule = RULES.find((r) => section === r.prefix || section.startsWith(r.prefix + '/'));
  if (!rule) return { type: 'unspec' };
  return rule.attachType ? { type: rule.type, attachType: rule.attachType } : { type: rule.type };
}
