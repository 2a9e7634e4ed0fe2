import { EVENT_TYPE_SOURCES } from '../../core/catalog/constants.ts';
import { findSchemaViolation } from '../../core/catalog/findSchemaViolation.ts';
import type { EventCatalog } from '../../ports/EventCatalog.ts';
import { ApiError } from '../errors.ts';

/**
 * Checks `data` against the newest schema registered for a published type before anything is
 * written (422 naming the failing path). rowhook.publish checks again in SQL, with the same rules,
 * for callers that publish from their own transactions.
 */
export async function checkPublishedData(catalog: EventCatalog, type: string, data: unknown): Promise<void> {
  const [newest] = await catalog.versions(type);
  if (!newest || newest.source !== EVENT_TYPE_SOURCES.published) return;
  const violation = findSchemaViolation(newest.schema, data, 'data');
  if (violation)
    throw new ApiError(
      422,
      'schema_mismatch',
      `data does not match the schema registered for "${type}" (version ${newest.version}): ${violation}`,
    );
}
