import type { QueryValue } from './ApiClient.ts';
import type { CommandContext, OptionValues } from './CommandSpec.ts';
import { parseTimeFlag } from './parseTimeFlag.ts';

export interface DeadLetterFilterQuery extends Record<string, QueryValue> {
  tenantId?: string;
  endpointId?: string;
  eventType?: string;
  errorClass?: string;
  from?: string;
  to?: string;
}

const str = (value: OptionValues[string]) => (typeof value === 'string' ? value : undefined);

/** --tenant/--endpoint/--event-type/--error-class/--since/--until → the API's filter fields. */
export function dlqFilterFrom(ctx: CommandContext, values: OptionValues): DeadLetterFilterQuery {
  const since = str(values.since);
  const until = str(values.until);
  const filter: DeadLetterFilterQuery = {
    tenantId: str(values.tenant),
    endpointId: str(values.endpoint),
    eventType: str(values['event-type']),
    errorClass: str(values['error-class']),
    from: since === undefined ? undefined : parseTimeFlag('since', since, ctx.now()),
    to: until === undefined ? undefined : parseTimeFlag('until', until, ctx.now()),
  };
  // Absent filters are left out, not sent empty: the API refuses unknown or blank fields.
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined));
}
