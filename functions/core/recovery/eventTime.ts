/**
 * When an event was created, read from its id: event ids are UUIDv7, whose first 48 bits are the
 * Unix time in milliseconds. Lets a resend of an event that is no longer stored say whether it is
 * older than what is kept (gone with the retention window) or was never there.
 */
export function eventTime(uuid: string): Date | undefined {
  const hex = uuid.replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/i.test(hex) || hex[12] !== '7') return undefined;
  return new Date(Number.parseInt(hex.slice(0, 12), 16));
}
