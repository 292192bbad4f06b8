// Resolved rules → cilium_policy keys of one endpoint. The datapath takes the longest prefix
// within one identity's lookup, so an allow narrower than a deny of the same identity would
// win there: such allows are dropped (the deny then decides), which keeps "deny beats allow"
// true for every packet. Duplicates collapse; a key both allowed and denied is a deny.

import type { PolicyEntrySpec } from './datapath-maps.js';
import { maskOf } from './ipv4.js';
import type { EndpointPolicy, PolicyRule } from './policy.js';

type Key = Pick<PolicyRule, 'identity' | 'proto' | 'port' | 'portPrefixLen'>;

/** Whether `outer` matches every packet `inner` matches (same identity). */
function covers(outer: Key, inner: Key): boolean {
  if (outer.identity !== inner.identity) return false;
  if (outer.proto === 0) return true;
  if (inner.proto !== outer.proto) return false;
  const mask = (maskOf(outer.portPrefixLen + 16) & 0xffff) >>> 0; // the first portPrefixLen bits of a 16-bit port
  return outer.portPrefixLen <= inner.portPrefixLen && ((inner.port & mask) >>> 0) === ((outer.port & mask) >>> 0);
}

const keyId = (k: Key) => (k.proto === 0 ? `${k.identity}/any` : `${k.identity}/${k.proto}/${k.port}/${k.portPrefixLen}`);

function directionEntries(pod: string, direction: 'ingress' | 'egress', rules: PolicyRule[]): PolicyEntrySpec[] {
  const byKey = new Map<string, PolicyEntrySpec>();
  for (const r of rules) {
    const port = r.proto === 0 ? 0 : r.port;
    const portPrefixLen = r.proto === 0 ? 0 : r.portPrefixLen;
    const id = keyId(r);
    const prev = byKey.get(id);
    byKey.set(id, { pod, direction, identity: r.identity, proto: r.proto, port, portPrefixLen, deny: r.deny || (prev?.deny ?? false) });
  }
  const entries = [...byKey.values()];
  const denies = entries.filter((e) => e.deny);
  return entries
    .filter((e) => e.deny || !denies.some((d) => covers(d, e)))
    .sort((a, b) => a.identity - b.identity || a.proto - b.proto || a.port - b.port || a.portPrefixLen - b.portPrefixLen);
}

export function policyEntrySpecs(pod: string, policy: EndpointPolicy): PolicyEntrySpec[] {
  return [...directionEntries(pod, 'ingress', policy.ingress.rules), ...directionEntries(pod, 'egress', policy.egress.rules)];
}
