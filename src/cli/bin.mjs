#!/usr/bin/env node
// The `assay` command: loads the TypeScript CLI through tsx (installed with the project).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./assay.ts');
process.exitCode = await main(process.argv.slice(2));
