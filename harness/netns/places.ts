// What traffic and captures need from a testbed: where a place's namespace is, its address,
// a work folder, and a registry of background processes that teardown must stop.
import type { Stoppable } from './background.js';

export interface Places {
  readonly workDir: string;
  /** A pod, world host or node name, or "underlay". */
  netnsOf(place: string): string;
  /** A pod's or world host's address, a node's underlay address; an IPv4 address as is. */
  ipOf(placeOrIp: string): string;
  track(p: Stoppable): void;
  untrack(p: Stoppable): void;
}
