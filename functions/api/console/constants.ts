/** The only file types the console serves; anything else in the folder is never exposed. */
export const CONSOLE_CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
} as const;

/**
 * Same-origin everything and no inline code: the admin token lives in this page's sessionStorage,
 * so no script, style or connection may come from anywhere else, and no site may frame the page.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  // The sign-in form is handled in script; should the script not run, the token is never submitted.
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const CONSOLE_HEADERS = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Small files, revalidated each load: a deploy is visible at once.
  'Cache-Control': 'no-cache',
} as const;

export const CONSOLE_INDEX = 'index.html';

/** Folders of console/ that are apps of their own (served under their own mount, not under /console). */
export const CONSOLE_SEPARATE_APPS = ['portal'] as const;
