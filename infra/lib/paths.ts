import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the folder holding package.json, cdk.json, functions/, sql/). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
