import { randomBytes } from 'node:crypto';
import { SIGNING_SECRET } from './constants.ts';

export function generateSecret(): string {
  return `${SIGNING_SECRET.prefix}${randomBytes(SIGNING_SECRET.generatedBytes).toString('base64')}`;
}
