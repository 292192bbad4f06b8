// The scenario format: a small cluster (nodes, pods, world hosts), Kubernetes/Cilium objects,
// traffic steps and what each step must show. `dpsim scenario schema` prints it as JSON Schema.

import { z } from 'zod';

const ipv4 = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, 'an IPv4 address like 10.244.1.10');
const cidr = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, 'an IPv4 CIDR like 10.244.1.0/24');
const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label: lower-case letters, digits and -');

export const NodeSpec = z.object({
  name,
  ip: ipv4.describe('underlay (node) IP'),
  podCIDR: cidr,
}).strict();

export const WorldHost = z.object({
  name,
  ip: ipv4,
  listen: z.array(z.object({ port: z.number().int().min(1).max(65535), protocol: z.enum(['TCP', 'UDP']).default('TCP') }).strict()).optional(),
}).strict();

export const PodSpec = z.object({
  name,
  namespace: name.default('default'),
  node: name,
  labels: z.record(z.string(), z.string()).default({}),
  ip: ipv4.optional(),
  listen: z.array(z.object({ port: z.number().int().min(1).max(65535), protocol: z.enum(['TCP', 'UDP']).default('TCP') }).strict()).optional(),
}).strict();

const reason = z.union([z.string(), z.number().int()]).describe('a Hubble drop reason name (POLICY_DENIED), a Cilium DROP_* name, or the number (133)');

export const Expectation = z.object({
  /** The packet (or the connection's first packet) reached the destination. */
  delivered: z.boolean().optional(),
  /** A reply came back (ping: echo reply; tcp: connection established and data echoed; udp: answer). */
  reply: z.boolean().optional(),
  /** Dropped, with this reason. */
  dropped: reason.optional(),
  /** The source address the far end sees (masquerading). */
  sourceSeen: ipv4.optional(),
  /** The pod that answered (services). */
  backend: name.optional(),
}).strict();

const endpoint = z.string().describe('a pod name, namespace/pod, world host, service (svc/name or namespace/svc/name) or IPv4 address');

const PingStep = z.object({ from: endpoint, to: endpoint, count: z.number().int().min(1).max(100).default(1) }).strict();
const TcpStep = z.object({ from: endpoint, to: endpoint, port: z.number().int().min(1).max(65535), bytes: z.number().int().min(0).max(16 << 20).default(64) }).strict();
const UdpStep = z.object({ from: endpoint, to: endpoint, port: z.number().int().min(1).max(65535), bytes: z.number().int().min(1).max(1400).default(32) }).strict();
const PacketStep = z.object({
  at: z.string().describe('where to inject: NODE/DEVICE:ingress|egress, or a pod name (its eth0)'),
  hex: z.string().regex(/^[0-9a-fA-F\s]+$/).describe('an Ethernet frame in hex'),
}).strict();
const PcapStep = z.object({ at: z.string(), file: z.string() }).strict();

export const TrafficStep = z.object({
  name: z.string().optional(),
  ping: PingStep.optional(),
  tcp: TcpStep.optional(),
  udp: UdpStep.optional(),
  packet: PacketStep.optional(),
  pcap: PcapStep.optional(),
  expect: Expectation.default({}),
}).strict().superRefine((s, ctx) => {
  const kinds = ['ping', 'tcp', 'udp', 'packet', 'pcap'].filter((k) => (s as Record<string, unknown>)[k] !== undefined);
  if (kinds.length !== 1) ctx.addIssue({ code: 'custom', message: `a traffic step has exactly one of ping, tcp, udp, packet, pcap (found ${kinds.length ? kinds.join(', ') : 'none'})` });
  if (s.expect.dropped !== undefined && (s.expect.delivered === true || s.expect.reply === true)) {
    ctx.addIssue({ code: 'custom', message: 'expect: dropped contradicts delivered/reply: true', path: ['expect'] });
  }
});

export const Scenario = z.object({
  apiVersion: z.literal('dpsim/v1'),
  kind: z.literal('Scenario'),
  name,
  description: z.string().optional(),
  cluster: z.object({
    tunnel: z.literal('vxlan').default('vxlan'),
    masquerade: z.boolean().default(true),
    serviceCIDR: cidr.default('10.96.0.0/16'),
    nodes: z.array(NodeSpec).min(1),
    world: z.array(WorldHost).default([]),
  }).strict(),
  namespaces: z.record(name, z.object({ labels: z.record(z.string(), z.string()).default({}) }).strict()).default({}),
  pods: z.array(PodSpec).default([]),
  /** Kubernetes/Cilium objects; more may follow as extra YAML documents in the same file. */
  objects: z.array(z.record(z.string(), z.unknown())).default([]),
  traffic: z.array(TrafficStep).default([]),
}).strict();

export type Scenario = z.infer<typeof Scenario>;
export type TrafficStep = z.infer<typeof TrafficStep>;
export type Expectation = z.infer<typeof Expectation>;
export type PodSpec = z.infer<typeof PodSpec>;
export type NodeSpec = z.infer<typeof NodeSpec>;

export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' });
}
