import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, type IdPrefix } from './constants.ts';

const UUID_HEX = /^[0-9a-f]{32}$/;

/**
 * Public ids are `<prefix>_<32 hex>` over the stored UUIDv7: the prefix says what the id names
 * and the hex keeps the time order, so sorting ids sorts by creation.
 */
export function toPublicId(prefix: IdPrefix, uuid: string): string {
  return `${prefix}_${uuid.replaceAll('-', '')}`;
}

/** The stored UUID for a public id, or undefined when it is not one of ours (callers answer 404). */
export function fromPublicId(prefix: IdPrefix, publicId: string): string | undefined {
  if (!publicId.startsWith(`${prefix}_`)) return undefined;
  const hex = publicId.slice(prefix.length + 1).toLowerCase();
  if (!UUID_HEX.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random id for things created by the API rather than the database (endpoints). */
export function newRandomId(prefix: IdPrefix): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export { ID_PREFIXES };
