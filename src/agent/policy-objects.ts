// The policy objects of a scenario with their paths, and the rule specs of a CNP/CCNP (a
// Cilium policy may carry one `spec`, a list of `specs`, or both).

import type { CiliumNetworkPolicy, CnpSpec, KubeObject, NetworkPolicy } from '../scenario/k8s.js';
import type { ScenarioPath } from './errors.js';

export interface PolicyObject {
  object: CiliumNetworkPolicy | NetworkPolicy;
  path: ScenarioPath;
}

export function policyObjects(objects: KubeObject[]): PolicyObject[] {
  return objects.flatMap((object, i) =>
    object.kind === 'CiliumNetworkPolicy' || object.kind === 'CiliumClusterwideNetworkPolicy' || object.kind === 'NetworkPolicy'
      ? [{ object: object as CiliumNetworkPolicy | NetworkPolicy, path: ['objects', i] }]
      : []);
}

export function cnpSpecs(cnp: CiliumNetworkPolicy, path: ScenarioPath): { spec: CnpSpec; path: ScenarioPath }[] {
  return [
    ...(cnp.spec ? [{ spec: cnp.spec, path: [...path, 'spec'] }] : []),
    ...(cnp.specs ?? []).map((spec, i) => ({ spec, path: [...path, 'specs', i] })),
  ];
}

export const CNP_SECTIONS = ['ingress', 'ingressDeny', 'egress', 'egressDeny'] as const;
export type CnpSection = (typeof CNP_SECTIONS)[number];
export const directionOf = (section: CnpSection): 'ingress' | 'egress' => (section.startsWith('ingress') ? 'ingress' : 'egress');

/** Namespace of a namespaced policy; undefined for a clusterwide one. */
export function policyNamespace(object: CiliumNetworkPolicy | NetworkPolicy): string | undefined {
  return object.kind === 'CiliumClusterwideNetworkPolicy' ? undefined : object.metadata.namespace ?? 'default';
}

/** "CiliumNetworkPolicy default/allow-web", for reports. */
export function policySource(object: CiliumNetworkPolicy | NetworkPolicy): string {
  const ns = policyNamespace(object);
  return `${object.kind} ${ns === undefined ? '' : `${ns}/`}${object.metadata.name}`;
}
