// Namespace labels for NetworkPolicy namespaceSelectors: the scenario's `namespaces:` labels
// and Namespace objects' labels, on top of kubernetes.io/metadata.name, which Kubernetes sets
// on every namespace.

import type { KubeObject } from '../scenario/k8s.js';
import type { Scenario } from '../scenario/schema.js';
import { NAMESPACE_NAME_LABEL, type Labels } from './labels.js';

export function namespaceLabels(s: Scenario, objects: KubeObject[]): Record<string, Labels> {
  const out: Record<string, Record<string, string>> = {};
  const add = (ns: string, labels: Labels = {}) => { out[ns] = { ...out[ns], ...labels, [NAMESPACE_NAME_LABEL]: ns }; };
  add('default');
  for (const p of s.pods) add(p.namespace);
  for (const [ns, spec] of Object.entries(s.namespaces)) add(ns, spec.labels);
  for (const o of objects) if (o.kind === 'Namespace') add(o.metadata.name, o.metadata.labels);
  return out;
}
