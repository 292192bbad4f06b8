// The devices of a namespace as the kernel reports them (`ip -j -d link show`), read back
// after creation: ifindexes and kernel-chosen values are only known then.

export interface Device {
  name: string;
  ifindex: number;
  mac: string;
  mtu: number;
  /** "veth", "vxlan", "bridge", ... (undefined for lo). */
  kind?: string;
  /** For a veth: the peer's ifindex, in the peer's namespace. */
  peerIfindex?: number;
  /** The bridge this device is a port of. */
  master?: string;
  up: boolean;
}

interface IpLink {
  ifindex: number;
  ifname: string;
  address?: string;
  mtu: number;
  flags?: string[];
  link_index?: number;
  master?: string;
  linkinfo?: { info_kind?: string };
}

export function parseIpLinks(json: string): Record<string, Device> {
  const devices: Record<string, Device> = {};
  for (const link of JSON.parse(json) as IpLink[]) {
    devices[link.ifname] = {
      name: link.ifname,
      ifindex: link.ifindex,
      mac: link.address ?? '',
      mtu: link.mtu,
      ...(link.linkinfo?.info_kind ? { kind: link.linkinfo.info_kind } : {}),
      ...(link.link_index !== undefined ? { peerIfindex: link.link_index } : {}),
      ...(link.master ? { master: link.master } : {}),
      up: link.flags?.includes('UP') ?? false,
    };
  }
  return devices;
}
