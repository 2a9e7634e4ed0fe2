// Standard (not URL-safe) alphabet with mandatory padding: Buffer.from(..., 'base64') silently skips
// invalid characters, so without this a typo would yield a different key instead of an error.
export const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
