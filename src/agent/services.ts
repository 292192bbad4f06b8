// ClusterIP services: a VIP from the service CIDR (.10 upward in object order unless
// clusterIP is given), backends = the pods the selector picks in the service's namespace
// (scenario order) at the numeric targetPort, a reverse NAT index per frontend (VIP, port,
// protocol) and a backend id per (pod IP, port, protocol), shared between services.

import type { KubeObject, Service } from '../scenario/k8s.js';
import type { Scenario } from '../scenario/schema.js';
import type { DatapathService } from './datapath-maps.js';
import { AgentError, type ScenarioPath } from './errors.js';
import { cidrAt, formatPrefix, ipAt, maskOf, numToIp, prefixContains, type Prefix } from './ipv4.js';
import type { ServicePlan } from './plan-types.js';

const FIRST_VIP_OFFSET = 10;

interface ServiceObject {
  svc: Service;
  path: ScenarioPath;
}

export interface BackendPod {
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  ip: string;
}

function serviceObjects(objects: KubeObject[]): ServiceObject[] {
  return objects.flatMap((o, i) => (o.kind === 'Service' ? [{ svc: o as Service, path: ['objects', i] }] : []));
}

function explicitVip(svc: Service, path: ScenarioPath): { ip: string; path: ScenarioPath } | undefined {
  const { clusterIP, clusterIPs } = svc.spec;
  if (clusterIPs && clusterIPs.length > 1) throw new AgentError([...path, 'spec', 'clusterIPs'], 'one clusterIP only: dpsim is IPv4 single-stack');
  if (clusterIP !== undefined && clusterIPs?.length && clusterIPs[0] !== clusterIP) {
    throw new AgentError([...path, 'spec', 'clusterIPs'], `clusterIPs[0] ${clusterIPs[0]} differs from clusterIP ${clusterIP}`);
  }
  const ip = clusterIP ?? clusterIPs?.[0];
  if (ip === undefined || ip === '') return undefined;
  const at = [...path, 'spec', clusterIP !== undefined ? 'clusterIP' : 'clusterIPs'];
  if (ip === 'None') throw new AgentError(at, 'headless services (clusterIP: None) are not supported: there is no DNS');
  return { ip, path: at };
}

/** VIPs in object order: explicit ones first reserved, the others from .10 upward. */
function allocateVips(list: ServiceObject[], serviceCidr: Prefix, cidrText: string): string[] {
  const taken = new Map<number, string>();
  const last = (serviceCidr.base | (~maskOf(serviceCidr.len) >>> 0)) >>> 0;
  const explicit = list.map(({ svc, path }) => {
    const e = explicitVip(svc, path);
    if (!e) return undefined;
    const a = ipAt(e.ip, e.path);
    if (!prefixContains(serviceCidr, { base: a, len: 32 })) throw new AgentError(e.path, `${e.ip} is outside the service CIDR ${cidrText}`);
    if (a === serviceCidr.base || a === last) throw new AgentError(e.path, `${e.ip} is the network or broadcast address of ${cidrText}`);
    const other = taken.get(a);
    if (other) throw new AgentError(e.path, `${e.ip} is already service ${other}'s clusterIP`);
    taken.set(a, svc.metadata.name);
    return e.ip;
  });
  return list.map(({ svc, path }, i) => {
    if (explicit[i]) return explicit[i]!;
    for (let a = (serviceCidr.base + FIRST_VIP_OFFSET) >>> 0; a < last; a++) {
      if (!taken.has(a)) { taken.set(a, svc.metadata.name); return numToIp(a); }
    }
    throw new AgentError(path, `the service CIDR ${cidrText} has no free address left`);
  });
}

function selectedPods(svc: Service, namespace: string, pods: BackendPod[]): BackendPod[] {
  const sel = svc.spec.selector;
  if (!sel || Object.keys(sel).length === 0) return []; // no selector: nobody manages its endpoints
  return pods.filter((p) => p.namespace === namespace && Object.entries(sel).every(([k, v]) => p.labels[k] === v));
}

export function planServices(s: Scenario, objects: KubeObject[], pods: BackendPod[]): { services: ServicePlan[]; datapath: DatapathService[] } {
  const list = serviceObjects(objects);
  const serviceCidr = cidrAt(s.cluster.serviceCIDR, ['cluster', 'serviceCIDR']);
  const vips = allocateVips(list, serviceCidr, formatPrefix(serviceCidr));
  const seen = new Set<string>();
  const backendIds = new Map<string, number>();
  let revNat = 0;
  const services: ServicePlan[] = [];
  const datapath: DatapathService[] = [];
  list.forEach(({ svc, path }, i) => {
    const namespace = svc.metadata.namespace ?? 'default';
    const id = `${namespace}/${svc.metadata.name}`;
    if (seen.has(id)) throw new AgentError([...path, 'metadata', 'name'], `duplicate service ${id}`);
    seen.add(id);
    const backends = selectedPods(svc, namespace, pods);
    const frontends = new Set<string>();
    const ports = svc.spec.ports.map((p, j) => {
      const at = [...path, 'spec', 'ports', j];
      const protocol = p.protocol ?? 'TCP';
      if (frontends.has(`${p.port}/${protocol}`)) throw new AgentError([...at, 'port'], `port ${p.port}/${protocol} is listed twice`);
      frontends.add(`${p.port}/${protocol}`);
      if (typeof p.targetPort === 'string') {
        throw new AgentError([...at, 'targetPort'], `named targetPort "${p.targetPort}" is not supported: pods' listen entries have no names, use the port number`);
      }
      const targetPort = p.targetPort ?? p.port;
      const revNatIndex = ++revNat;
      datapath.push({
        name: svc.metadata.name, vip: vips[i]!, port: p.port, proto: protocol, revNatIndex,
        backends: backends.map((b) => {
          const key = `${b.ip}:${targetPort}/${protocol}`;
          if (!backendIds.has(key)) backendIds.set(key, backendIds.size + 1);
          return { id: backendIds.get(key)!, ip: b.ip, port: targetPort };
        }),
      });
      return { ...(p.name !== undefined ? { name: p.name } : {}), port: p.port, targetPort, protocol, revNatIndex };
    });
    services.push({
      namespace, name: svc.metadata.name, vip: vips[i]!, ports, revNatIndex: ports[0]!.revNatIndex,
      backends: backends.map((b) => ({ pod: b.name, ip: b.ip })),
    });
  });
  return { services, datapath };
}
