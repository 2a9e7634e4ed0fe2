import { createRequire } from 'node:module';
import path from 'node:path';
import type { ConsoleFile } from './loadConsoleFiles.ts';

/**
 * Third-party browser files the console and the portal load, served from node_modules under
 * `vendor/` (no CDN: the pages' CSP allows their own origin only). Just these files, by name.
 */
const VENDOR_FILES = {
  'vendor/uPlot.esm.js': {
    pkg: 'uplot',
    file: 'dist/uPlot.esm.js',
    contentType: 'text/javascript; charset=utf-8',
  },
  'vendor/uPlot.min.css': {
    pkg: 'uplot',
    file: 'dist/uPlot.min.css',
    contentType: 'text/css; charset=utf-8',
  },
} as const;

const require = createRequire(import.meta.url);

/** The vendor files that are installed (none where node_modules is absent, as in the API Lambda bundle). */
export function vendorFiles(): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  for (const [name, { pkg, file, contentType }] of Object.entries(VENDOR_FILES)) {
    let root: string;
    try {
      root = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      continue;
    }
    files.set(name, { path: path.join(root, file), contentType });
  }
  return files;
}
