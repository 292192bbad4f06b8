// First pass over the policies: every CIDR they name (toCIDR, toCIDRSet with except, ipBlock),
// validated, so all CIDR identities exist before any rule is resolved — a CIDR rule selects
// every CIDR identity inside it, and `world` selects them all.

import { AgentError, type ScenarioPath } from './errors.js';
import { cidrAt, formatPrefix, prefixContains } from './ipv4.js';
import { CNP_SECTIONS, cnpSpecs, type PolicyObject } from './policy-objects.js';

export interface CidrRule {
  cidr: string;
  except: string[];
}

/** A CIDR rule in canonical form ("1.1.1.1" → "1.1.1.1/32"); excepts must lie inside the CIDR. */
export function canonicalCidrRule(rule: { cidr: string; except?: string[] }, path: ScenarioPath, allowBareIp: boolean): CidrRule {
  const outer = cidrAt(rule.cidr, [...path, 'cidr'], { allowBareIp });
  const except = (rule.except ?? []).map((e, i) => {
    const p = cidrAt(e, [...path, 'except', i], { allowBareIp });
    if (!prefixContains(outer, p)) throw new AgentError([...path, 'except', i], `except ${e} is not inside ${rule.cidr}`);
    return formatPrefix(p);
  });
  return { cidr: formatPrefix(outer), except };
}

/** Every prefix the policies name, cidrs and excepts alike (each gets a CIDR identity). */
export function policyPrefixes(objects: PolicyObject[]): string[] {
  const out: string[] = [];
  const add = (r: CidrRule) => out.push(r.cidr, ...r.except);
  for (const { object, path } of objects) {
    if (object.kind === 'NetworkPolicy') {
      (['ingress', 'egress'] as const).forEach((dir) => {
        object.spec[dir]?.forEach((rule, i) => {
          const peers = dir === 'ingress' ? (rule as { from?: { ipBlock?: CidrRule }[] }).from : (rule as { to?: { ipBlock?: CidrRule }[] }).to;
          peers?.forEach((peer, j) => {
            if (peer.ipBlock) add(canonicalCidrRule(peer.ipBlock, [...path, 'spec', dir, i, dir === 'ingress' ? 'from' : 'to', j, 'ipBlock'], false));
          });
        });
      });
      continue;
    }
    for (const { spec, path: specPath } of cnpSpecs(object, path)) {
      for (const section of CNP_SECTIONS) {
        spec[section]?.forEach((rule, i) => {
          const r = rule as Record<string, unknown>;
          const pre = section.startsWith('ingress') ? 'from' : 'to';
          ((r[`${pre}CIDR`] as string[] | undefined) ?? []).forEach((c, j) => add(canonicalCidrRule({ cidr: c }, [...specPath, section, i, `${pre}CIDR`, j], true)));
          ((r[`${pre}CIDRSet`] as CidrRule[] | undefined) ?? []).forEach((c, j) => add(canonicalCidrRule(c, [...specPath, section, i, `${pre}CIDRSet`, j], true)));
        });
      }
    }
  }
  return out;
}
