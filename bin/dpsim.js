#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader, so `dpsim` works without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
