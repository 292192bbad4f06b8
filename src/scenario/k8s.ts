// The Kubernetes and Cilium objects a scenario may embed verbatim, as far as dpsim honours
// them. Fields dpsim cannot honour are refused by name (see UNSUPPORTED), never ignored.

import { z } from 'zod';

const labels = z.record(z.string(), z.string());

export const LabelSelector = z.object({
  matchLabels: labels.optional(),
  matchExpressions: z.array(z.object({
    key: z.string(),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(z.string()).optional(),
  }).strict()).optional(),
}).strict();
export type LabelSelector = z.infer<typeof LabelSelector>;

const Protocol = z.enum(['TCP', 'UDP', 'ICMP', 'ANY', 'SCTP']);
const PortNumber = z.union([z.number().int().min(0).max(65535), z.string().regex(/^\d+$/).transform(Number)]);

export const PortProtocol = z.object({
  port: z.union([PortNumber, z.string()]).optional(), // a number, or a named port
  endPort: z.number().int().min(1).max(65535).optional(),
  protocol: Protocol.optional(),
}).strict();

export const CidrRule = z.object({ cidr: z.string(), except: z.array(z.string()).optional() }).strict();

const ENTITIES = ['all', 'world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'health', 'init', 'unmanaged', 'ingress'] as const;

const PortRule = z.object({
  ports: z.array(PortProtocol).optional(),
}).strict();

const cnpPeers = {
  fromEndpoints: z.array(LabelSelector).optional(),
  fromEntities: z.array(z.enum(ENTITIES)).optional(),
  fromCIDR: z.array(z.string()).optional(),
  fromCIDRSet: z.array(CidrRule).optional(),
  toEndpoints: z.array(LabelSelector).optional(),
  toEntities: z.array(z.enum(ENTITIES)).optional(),
  toCIDR: z.array(z.string()).optional(),
  toCIDRSet: z.array(CidrRule).optional(),
  toPorts: z.array(PortRule).optional(),
};

export const CnpIngressRule = z.object({
  fromEndpoints: cnpPeers.fromEndpoints, fromEntities: cnpPeers.fromEntities, fromCIDR: cnpPeers.fromCIDR,
  fromCIDRSet: cnpPeers.fromCIDRSet, toPorts: cnpPeers.toPorts,
}).strict();
export const CnpEgressRule = z.object({
  toEndpoints: cnpPeers.toEndpoints, toEntities: cnpPeers.toEntities, toCIDR: cnpPeers.toCIDR,
  toCIDRSet: cnpPeers.toCIDRSet, toPorts: cnpPeers.toPorts,
}).strict();
export type CnpIngressRule = z.infer<typeof CnpIngressRule>;
export type CnpEgressRule = z.infer<typeof CnpEgressRule>;

export const CnpSpec = z.object({
  description: z.string().optional(),
  endpointSelector: LabelSelector,
  ingress: z.array(CnpIngressRule).optional(),
  egress: z.array(CnpEgressRule).optional(),
  ingressDeny: z.array(CnpIngressRule).optional(),
  egressDeny: z.array(CnpEgressRule).optional(),
  labels: z.array(z.unknown()).optional(),
}).strict();
export type CnpSpec = z.infer<typeof CnpSpec>;

const Metadata = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
}).passthrough();

export const CiliumNetworkPolicy = z.object({
  apiVersion: z.literal('cilium.io/v2'),
  kind: z.enum(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']),
  metadata: Metadata,
  spec: CnpSpec.optional(),
  specs: z.array(CnpSpec).optional(),
}).strict();
export type CiliumNetworkPolicy = z.infer<typeof CiliumNetworkPolicy>;

const NpPeer = z.object({
  podSelector: LabelSelector.optional(),
  namespaceSelector: LabelSelector.optional(),
  ipBlock: CidrRule.optional(),
}).strict();
const NpPort = z.object({
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
  port: z.union([PortNumber, z.string()]).optional(),
  endPort: z.number().int().min(1).max(65535).optional(),
}).strict();

export const NetworkPolicy = z.object({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: Metadata,
  spec: z.object({
    podSelector: LabelSelector,
    policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
    ingress: z.array(z.object({ from: z.array(NpPeer).optional(), ports: z.array(NpPort).optional() }).strict()).optional(),
    egress: z.array(z.object({ to: z.array(NpPeer).optional(), ports: z.array(NpPort).optional() }).strict()).optional(),
  }).strict(),
}).strict();
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;

export const Service = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: Metadata,
  spec: z.object({
    type: z.literal('ClusterIP').optional(),
    clusterIP: z.string().optional(),
    clusterIPs: z.array(z.string()).optional(),
    selector: labels.optional(),
    ports: z.array(z.object({
      name: z.string().optional(),
      protocol: z.enum(['TCP', 'UDP']).optional(),
      port: z.number().int().min(1).max(65535),
      targetPort: z.union([z.number().int().min(1).max(65535), z.string()]).optional(),
    }).strict()).min(1),
    sessionAffinity: z.literal('None').optional(),
  }).passthrough(),
}).strict();
export type Service = z.infer<typeof Service>;

export const Namespace = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: Metadata,
}).passthrough();

export const KubeObject = z.discriminatedUnion('kind', [
  CiliumNetworkPolicy.extend({ kind: z.literal('CiliumNetworkPolicy') }),
  CiliumNetworkPolicy.extend({ kind: z.literal('CiliumClusterwideNetworkPolicy') }),
  NetworkPolicy,
  Service,
  Namespace,
]);
export type KubeObject = z.infer<typeof KubeObject>;

/**
 * Fields dpsim refuses with a reason (path segment → why). Matched anywhere in an object, so
 * an L7 rule under toPorts is refused wherever it appears.
 */
export const UNSUPPORTED: Readonly<Record<string, string>> = {
  rules: 'L7 rules (http, dns, kafka) need a proxy, which dpsim does not model',
  toFQDNs: 'DNS-based policy needs the DNS proxy, which dpsim does not model',
  toServices: 'toServices is not supported yet; select the backends with toEndpoints',
  toRequires: 'toRequires is deprecated in Cilium and not supported',
  fromRequires: 'fromRequires is deprecated in Cilium and not supported',
  toGroups: 'toGroups needs a cloud provider integration',
  authentication: 'mutual authentication is not modelled',
  icmps: 'ICMP type rules are not supported yet',
  nodeSelector: 'host policies (nodeSelector) are not supported yet',
  serverNames: 'TLS SNI rules need a proxy, which dpsim does not model',
  originatingTLS: 'TLS interception needs a proxy, which dpsim does not model',
  terminatingTLS: 'TLS interception needs a proxy, which dpsim does not model',
  listener: 'Envoy listeners are not modelled',
};
