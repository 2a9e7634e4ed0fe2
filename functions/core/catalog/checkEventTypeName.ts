import { EVENT_TYPE_MAX_LENGTH, EVENT_TYPE_NAME } from './constants.ts';

/** Why `type` is not a valid event-type name (the grammar of track_table prefixes), or null. */
export function checkEventTypeName(type: string): string | null {
  if (type === '') return 'is required';
  if (type.length > EVENT_TYPE_MAX_LENGTH)
    return `is ${type.length} characters long; the limit is ${EVENT_TYPE_MAX_LENGTH}`;
  if (!EVENT_TYPE_NAME.test(type))
    return `"${type}" may contain only letters, digits, "_", "." and "-", and must not start with "." or "-"`;
  return null;
}
