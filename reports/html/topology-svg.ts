// The cluster drawn as inline SVG: each node with its pods (pod eth0 ⇄ node-side lxc), the
// node's eth0 and vxlan0, the world hosts, the underlay joining them, and the services. Every
// device carries data-point="<place>/<device>" so the viewer can light up a step's path.

import type { ClusterPlan, DevicePlan, NodePlan } from '../../src/agent/plan-types.js';
import { xmlAttr, xmlText } from '../xml.js';

const POD_W = 170, POD_H = 64, DEV_W = 170, DEV_H = 22, GAP = 14, PER_ROW = 4;
const HEAD = 40, ROW_H = POD_H + 10 + DEV_H + 16, NODE_DEV_W = 120;
const MARGIN = 16;
/** Width of one character of the 11px label font, generously. */
const CHAR_W = 6.2;

/** A label cut to what fits in `width` px (full text in the device's or pod's tooltip). */
const fit = (s: string, width: number, charW = 7.4) => {
  const max = Math.floor((width - 12) / charW);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};

const nodeSubtitle = (n: NodePlan) => `${n.ip} · pods ${n.podCidr} · router ${n.routerIp}`;

const text = (x: number, y: number, s: string, cls = '') => `<text x="${x}" y="${y}"${cls ? ` class="${cls}"` : ''}>${xmlText(s)}</text>`;
const rect = (x: number, y: number, w: number, h: number, cls: string) => `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" class="${cls}"/>`;
const line = (x1: number, y1: number, x2: number, y2: number, cls: string) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" class="${cls}"/>`;

function device(x: number, y: number, w: number, point: string, d: DevicePlan): string {
  return `<g class="topo-device" data-point="${xmlAttr(point)}">${rect(x, y, w, DEV_H, 'dev')}${text(x + 6, y + 15, fit(`${d.name} #${d.ifindex}`, w, 6.4), 'dev-label')}<title>${xmlText(`${point} ${d.mac} mtu ${d.mtu}`)}</title></g>`;
}

export function topologySvg(plan: ClusterPlan): string {
  const parts: string[] = [];
  const nodeBoxes = plan.nodes.map((n) => {
    const pods = plan.pods.filter((p) => p.node === n.name);
    const cols = Math.max(1, Math.min(PER_ROW, pods.length));
    const headerWidth = nodeSubtitle(n).length * CHAR_W + 2 * GAP;
    return { n, pods, width: Math.max(2 * NODE_DEV_W + 3 * GAP, cols * (POD_W + GAP) + GAP, headerWidth), rows: Math.ceil(pods.length / PER_ROW) };
  });
  const nodeH = HEAD + Math.max(1, ...nodeBoxes.map((b) => b.rows)) * ROW_H + DEV_H + 2 * GAP;
  const underlayY = MARGIN + nodeH + 46;
  const ends: number[] = [];
  let x = MARGIN;
  for (const { n, pods, width } of nodeBoxes) {
    const y = MARGIN;
    parts.push(`<g class="topo-node" data-node="${xmlAttr(n.name)}">`, rect(x, y, width, nodeH, 'node'));
    parts.push(text(x + 8, y + 18, n.name, 'node-name'), text(x + 8, y + 32, nodeSubtitle(n), 'small'));
    pods.forEach((p, i) => {
      const px = x + GAP + (i % PER_ROW) * (POD_W + GAP), py = y + HEAD + Math.floor(i / PER_ROW) * ROW_H;
      parts.push(`<g class="topo-pod" data-pod="${xmlAttr(p.name)}">`, rect(px, py, POD_W, POD_H, 'pod'), `<title>${xmlText(`${p.namespace}/${p.name} ${p.ip} identity ${p.identity}`)}</title>`);
      parts.push(text(px + 6, py + 15, fit(`${p.namespace}/${p.name}`, POD_W), 'pod-name'), text(px + 6, py + 29, `${p.ip} · id ${p.identity}`, 'small'));
      parts.push(device(px + 6, py + POD_H - DEV_H - 6, POD_W - 12, `pod:${p.name}/${p.eth0.name}`, p.eth0));
      parts.push(line(px + POD_W / 2, py + POD_H, px + POD_W / 2, py + POD_H + 10, 'veth'));
      parts.push(device(px, py + POD_H + 10, DEV_W, `${n.name}/${p.lxc.name}`, p.lxc), '</g>');
    });
    const dy = y + nodeH - DEV_H - GAP;
    const ex = x + GAP, vx = x + 2 * GAP + NODE_DEV_W;
    parts.push(device(ex, dy, NODE_DEV_W, `${n.name}/${n.eth0.name}`, n.eth0), device(vx, dy, NODE_DEV_W, `${n.name}/${n.vxlan0.name}`, n.vxlan0));
    parts.push(line(vx, dy + DEV_H / 2, ex + NODE_DEV_W, dy + DEV_H / 2, 'encap'), line(ex + NODE_DEV_W / 2, dy + DEV_H, ex + NODE_DEV_W / 2, underlayY, 'wire'), '</g>');
    x += width + GAP * 2;
    ends.push(x);
  }
  for (const w of plan.world) {
    const width = 200, y = MARGIN, h = 70;
    parts.push(`<g class="topo-world" data-world="${xmlAttr(w.name)}">`, rect(x, y, width, h, 'world'));
    parts.push(text(x + 8, y + 18, `world: ${w.name}`, 'node-name'), text(x + 8, y + 32, `${w.ip}${w.listen.length ? ` · listens ${w.listen.map((l) => `${l.protocol} ${l.port}`).join(', ')}` : ''}`, 'small'));
    parts.push(device(x + 8, y + h - DEV_H - 6, width - 16, `world:${w.name}/${w.eth0.name}`, w.eth0));
    parts.push(line(x + width / 2, y + h, x + width / 2, underlayY, 'wire'), '</g>');
    x += width + GAP * 2;
  }
  const width = Math.max(x, 400) + MARGIN;
  parts.push(`<g class="topo-underlay">`, rect(MARGIN, underlayY, width - 2 * MARGIN, 26, 'underlay'));
  parts.push(text(MARGIN + 8, underlayY + 17, `underlay ${plan.underlay.cidr} · bridge br0 · VXLAN over UDP ${plan.vxlanPort}`, 'underlay-label'), '</g>');
  let y = underlayY + 48;
  for (const s of plan.services) {
    const ports = s.ports.map((p) => `${p.port}/${p.protocol}→${p.targetPort}`).join(', ');
    parts.push(text(MARGIN, y, `service ${s.namespace}/${s.name} ${s.vip} (${ports}) → ${s.backends.map((b) => `${b.pod} ${b.ip}`).join(', ') || 'no backends'}`, 'service'));
    y += 18;
  }
  const height = y + MARGIN - 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="topology" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="cluster topology">${parts.join('')}</svg>`;
}
