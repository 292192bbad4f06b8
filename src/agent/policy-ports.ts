// The L4 part of a rule: (protocol, port prefix) pairs. A CNP port without a protocol means
// TCP, UDP and SCTP (Cilium's ANY); a NetworkPolicy port without one means TCP (Kubernetes'
// default). No ports at all: any protocol and port.

import { AgentError, type ScenarioPath } from './errors.js';
import { portRangeToPrefixes } from './ports.js';

export const PROTO = { ANY: 0, ICMP: 1, TCP: 6, UDP: 17, SCTP: 132 } as const;

export interface L4 {
  proto: number;
  port: number;
  portPrefixLen: number;
}

export const ANY_L4: L4[] = [{ proto: PROTO.ANY, port: 0, portPrefixLen: 0 }];

interface PortSpec {
  port?: number | string;
  endPort?: number;
  protocol?: string;
}

function portEntry(p: PortSpec, path: ScenarioPath, unset: number[]): L4[] {
  const protos = p.protocol === undefined || p.protocol === 'ANY' ? unset : [PROTO[p.protocol as keyof typeof PROTO]];
  if (typeof p.port === 'string' && !/^\d+$/.test(p.port)) {
    throw new AgentError([...path, 'port'], `named port "${p.port}" is not supported: pods' listen entries have no names, use the port number`);
  }
  const port = p.port === undefined ? 0 : Number(p.port);
  if (p.endPort !== undefined && port === 0) throw new AgentError([...path, 'endPort'], 'endPort needs a port to start the range');
  if (p.endPort !== undefined && p.endPort < port) throw new AgentError([...path, 'endPort'], `endPort ${p.endPort} is below port ${port}`);
  const ranges = port === 0 ? [{ port: 0, prefixLen: 0 }] : portRangeToPrefixes(port, p.endPort ?? port);
  return protos.flatMap((proto) => ranges.map((r) => ({ proto, port: r.port, portPrefixLen: r.prefixLen })));
}

/** CNP `toPorts` (each with a `ports` list). */
export function cnpPorts(toPorts: { ports?: PortSpec[] }[] | undefined, path: ScenarioPath): L4[] {
  if (!toPorts?.length) return ANY_L4;
  return toPorts.flatMap((tp, i) =>
    tp.ports?.length ? tp.ports.flatMap((p, j) => portEntry(p, [...path, i, 'ports', j], [PROTO.TCP, PROTO.UDP, PROTO.SCTP])) : ANY_L4);
}

/** NetworkPolicy `ports`. */
export function npPorts(ports: PortSpec[] | undefined, path: ScenarioPath): L4[] {
  if (!ports?.length) return ANY_L4;
  return ports.flatMap((p, i) => portEntry(p, [...path, i], [PROTO.TCP]));
}
