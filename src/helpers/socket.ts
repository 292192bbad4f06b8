// Socket helpers. dpsim models no sockets at the tc hook, so lookups answer "no socket"
// (NULL) as the kernel does when none matches, and socket-scoped cookies are 0.

import type { LoadedObject } from '../vm/loaded-object.js';
import { define, HelperTable, EINVAL } from './args.js';

export function socketHelpers(_obj: LoadedObject, t: HelperTable): void {
  define(t, 'sk_lookup_tcp', () => 0);
  define(t, 'sk_lookup_udp', () => 0);
  define(t, 'skc_lookup_tcp', () => 0);
  define(t, 'sk_release', () => 0);
  define(t, 'sk_assign', () => -EINVAL);
  define(t, 'get_socket_cookie', () => 0);
  define(t, 'get_socket_uid', () => 0);
}
