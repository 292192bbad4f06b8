// Every agreement case, by example.
import type { AgreementCase } from './case.js';
import { aluCases } from './cases/alu-edge-cases.js';
import { callsCases } from './cases/bpf-to-bpf-calls.js';
import { csumDiffCases } from './cases/csum-diff-modes.js';
import { csumNatCases } from './cases/csum-nat-rewrite.js';
import { globalDataCases } from './cases/global-data-sections.js';
import { lpmCases } from './cases/lpm-trie-longest-match.js';
import { mapCases } from './cases/map-update-lookup-delete.js';
import { eventCases } from './cases/perf-ringbuf-events.js';
import { redirectCases } from './cases/redirect-smp-cpu.js';
import { ctxCases } from './cases/skb-ctx-fields.js';
import { skbLoadStoreCases } from './cases/skb-load-store-bytes.js';
import { resizeCases } from './cases/skb-resize-helpers.js';
import { tailCallCases } from './cases/tail-call-chain.js';
import { ttlRewriteCases } from './cases/ttl-rewrite.js';

export const ALL_CASES: AgreementCase[] = [
  ...ttlRewriteCases,
  ...aluCases,
  ...csumNatCases,
  ...csumDiffCases,
  ...skbLoadStoreCases,
  ...mapCases,
  ...lpmCases,
  ...tailCallCases,
  ...callsCases,
  ...globalDataCases,
  ...ctxCases,
  ...resizeCases,
  ...eventCases,
  ...redirectCases,
];
