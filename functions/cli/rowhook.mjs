#!/usr/bin/env node
// The `rowhook` executable (package.json "bin"): Rowhook runs its TypeScript through tsx, so this
// registers tsx's loader and hands over to the TypeScript entry point. Paths are resolved from this
// file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
