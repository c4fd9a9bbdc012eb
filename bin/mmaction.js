#!/usr/bin/env node
// The `mmaction` command: runs the TypeScript CLI through tsx's ESM loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/index.ts');
process.exitCode = await main(process.argv.slice(2));
