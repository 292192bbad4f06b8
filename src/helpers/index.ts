// The helper registry: every helper dpsim implements, keyed by the kernel's helper id and
// grouped by family. A call to any other id is an 'unknown-helper' fault naming it.

import type { LoadedObject } from '../vm/loaded-object.js';
import { helperName } from '../isa/helper-names.js';
import type { HelperTable } from './args.js';
import { mapHelpers } from './maps.js';
import { eventHelpers } from './events.js';
import { miscHelpers } from './misc.js';
import { csumHelpers } from './csum.js';
import { skbHelpers } from './skb.js';
import { redirectHelpers } from './redirect.js';
import { tunnelHelpers } from './tunnel.js';
import { xdpHelpers } from './xdp.js';
import { socketHelpers } from './socket.js';

const FAMILIES = [mapHelpers, eventHelpers, miscHelpers, csumHelpers, skbHelpers, redirectHelpers, tunnelHelpers, xdpHelpers, socketHelpers];

export function installHelpers(obj: LoadedObject): void {
  const table: HelperTable = obj.vm.helpers;
  for (const family of FAMILIES) family(obj, table);
}

/** The names of the implemented helpers (for `dpsim helpers` and the docs). */
export function implementedHelpers(table: HelperTable): string[] {
  return table.flatMap((fn, id) => (fn ? [`${helperName(id)} (${id})`] : []));
}
