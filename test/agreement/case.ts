// One agreement case: an example program, inputs run in order, and the initial state.
import type { DiffInput, GlobalPatch } from '../../src/diff/index.js';
import type { MapsJson } from '../../src/maps/index.js';

export interface AgreementCase {
  name: string;
  /** bpf/examples/NAME.c */
  example: string;
  /** Defaults to the example's name (each example's main program is named after its file). */
  prog?: string;
  inputs: DiffInput[];
  maps?: MapsJson;
  globals?: GlobalPatch[];
  repeat?: number;
}
