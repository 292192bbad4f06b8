// Labels and selectors as Cilium sees them: a pod's identity labels are its own labels plus
// its namespace (io.kubernetes.pod.namespace); selectors match with Kubernetes semantics.

import type { LabelSelector } from '../scenario/k8s.js';

export const NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';
/** Set by Kubernetes on every namespace (what NetworkPolicy namespaceSelectors usually match). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Labels = Readonly<Record<string, string>>;

/** A pod's identity labels: its labels and its namespace. */
export function podIdentityLabels(pod: { labels: Labels; namespace: string }): Labels {
  return { ...pod.labels, [NAMESPACE_LABEL]: pod.namespace };
}

/** Strip a Cilium source prefix ("k8s:app" → "app"); other sources are kept as written. */
export function bareKey(key: string): string {
  return key.startsWith('k8s:') ? key.slice(4) : key.startsWith('any:') ? key.slice(4) : key;
}

export function matchesSelector(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[bareKey(k)] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, bareKey(e.key));
    const value = labels[bareKey(e.key)];
    switch (e.operator) {
      case 'In': if (!has || !(e.values ?? []).includes(value!)) return false; break;
      case 'NotIn': if (has && (e.values ?? []).includes(value!)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
    }
  }
  return true;
}

/** Whether a selector names the namespace itself (then it is not confined to the policy's namespace). */
export function selectsNamespace(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).some((k) => bareKey(k) === NAMESPACE_LABEL) ||
    (sel.matchExpressions ?? []).some((e) => bareKey(e.key) === NAMESPACE_LABEL);
}

/** Keys of a selector with a source Cilium reserves for its own identities ("reserved:host"). */
export function reservedKeys(sel: LabelSelector): string[] {
  return [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)].filter((k) => k.startsWith('reserved:'));
}

/** Labels as Hubble prints them: sorted "k8s:key=value". */
export function hubbleLabels(labels: Labels): string[] {
  return Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`).sort();
}
