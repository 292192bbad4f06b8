// How reports name a traffic step: "step 2 (ClusterIP service)" and what it does
// ("tcp frontend → svc/api:80").

import type { Scenario, TrafficStep } from '../src/scenario/schema.js';

export function stepWhat(step: TrafficStep): string {
  if (step.ping) return `ping ${step.ping.from} → ${step.ping.to}${step.ping.count > 1 ? ` ×${step.ping.count}` : ''}`;
  if (step.tcp) return `tcp ${step.tcp.from} → ${step.tcp.to}:${step.tcp.port}`;
  if (step.udp) return `udp ${step.udp.from} → ${step.udp.to}:${step.udp.port}`;
  if (step.packet) return `packet at ${step.packet.at}`;
  if (step.pcap) return `pcap ${step.pcap.file} at ${step.pcap.at}`;
  return 'unknown step';
}

/** "step 2 (ClusterIP service)", or "step 2" for an unnamed step. */
export function stepTitle(scenario: Scenario, index: number): string {
  const name = scenario.traffic[index]?.name;
  return name ? `step ${index} (${name})` : `step ${index}`;
}
