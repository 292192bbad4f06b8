// Every name a testbed run creates, derived from its run id, so that runs never collide and
// clean-up can find leftovers by prefix. Links are created directly inside the run's
// namespaces (never in the host's), so inside them Cilium's device names are kept.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PREFIX = 'dpsim-';
export const RUN_ID = /^[0-9a-f]{4}$/;
/** Node, pod and world host names: they become parts of namespace and pin names. */
export const PLACE_NAME = /^[a-z0-9]([a-z0-9-]{0,22}[a-z0-9])?$/;
const IFNAME_MAX = 15;

export type NamespaceKind = 'underlay' | 'node' | 'pod' | 'world';

const KIND_TAG: Record<Exclude<NamespaceKind, 'underlay'>, string> = { node: 'n', pod: 'p', world: 'w' };

export function netnsName(runId: string, kind: NamespaceKind, name = ''): string {
  return kind === 'underlay' ? `${PREFIX}${runId}-ul` : `${PREFIX}${runId}-${KIND_TAG[kind]}-${name}`;
}

/** The run id in a namespace or pin name of this scheme, if it is one. */
export function runIdOf(name: string): string | undefined {
  const m = /^dpsim-([0-9a-f]{4})(?:-|$)/.exec(name);
  return m?.[1];
}

export function pinRoot(runId: string): string {
  return `/sys/fs/bpf/${PREFIX}${runId}`;
}

export function nodePinDir(runId: string, node: string): string {
  return `${pinRoot(runId)}/${node}`;
}

export function defaultWorkDir(runId: string): string {
  return join(tmpdir(), `${PREFIX}netns-${runId}`);
}

/** Records the owning process, so that clean-up leaves a live run alone. */
export function ownerFile(runId: string): string {
  return `/run/${PREFIX}${runId}.owner`;
}

function shortHash(text: string, hexDigits: number): string {
  return createHash('sha1').update(text).digest('hex').slice(0, hexDigits);
}

/** PREFIX + NAME when it fits in 15 characters, else PREFIX + a hash of NAME. */
export function ifName(prefix: string, name: string): string {
  const plain = prefix + name;
  return plain.length <= IFNAME_MAX ? plain : prefix + shortHash(name, IFNAME_MAX - prefix.length);
}

export const lxcName = (pod: string): string => ifName('lxc', pod);
/** The underlay bridge's port towards a node or world host. */
export const underlayPortName = (kind: 'node' | 'world', name: string): string => ifName(kind === 'node' ? 'n-' : 'w-', name);

/** A locally administered MAC, stable for a run: 02:RR:RR:HH:HH:HH. */
export function stableMac(runId: string, what: string): string {
  const hash = shortHash(what, 6);
  return ['02', runId.slice(0, 2), runId.slice(2, 4), hash.slice(0, 2), hash.slice(2, 4), hash.slice(4, 6)].join(':');
}
