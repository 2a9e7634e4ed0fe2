const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = '(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)';
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// The three formats RFC 9110 §5.6.7 obliges recipients to accept. Date.parse is not used because it
// accepts almost anything ("foo 1" is 2001-01-01) and reads zone-less asctime dates in local time.
const IMF_FIXDATE = new RegExp(
  `^(?:mon|tue|wed|thu|fri|sat|sun), (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`,
  'i',
);
const RFC850_DATE = new RegExp(
  `^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`,
  'i',
);
const ASCTIME_DATE = new RegExp(
  `^(?:mon|tue|wed|thu|fri|sat|sun) ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`,
  'i',
);

/** Parses an HTTP-date (always UTC); undefined when the text is not one of the three HTTP-date forms. */
export function parseHttpDate(text: string, now: Date): Date | undefined {
  let match = IMF_FIXDATE.exec(text);
  if (match) {
    const [, day, month, year, hh, mm, ss] = match;
    return build(Number(year), month, day, hh, mm, ss);
  }
  match = RFC850_DATE.exec(text);
  if (match) {
    const [, day, month, yy, hh, mm, ss] = match;
    return build(expandTwoDigitYear(Number(yy), now), month, day, hh, mm, ss);
  }
  match = ASCTIME_DATE.exec(text);
  if (match) {
    const [, month, day, hh, mm, ss, year] = match;
    return build(Number(year), month, day, hh, mm, ss);
  }
  return undefined;
}

// RFC 9110: a two-digit year that looks more than 50 years ahead belongs to the previous century.
function expandTwoDigitYear(yy: number, now: Date): number {
  const currentYear = now.getUTCFullYear();
  const year = currentYear - (currentYear % 100) + yy;
  return year > currentYear + 50 ? year - 100 : year;
}

function build(
  year: number,
  monthName: string | undefined,
  dayText: string | undefined,
  hourText: string | undefined,
  minuteText: string | undefined,
  secondText: string | undefined,
): Date | undefined {
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const [day, hour, minute, second] = [dayText, hourText, minuteText, secondText].map(Number);
  if (day === undefined || hour === undefined || minute === undefined || second === undefined) {
    return undefined;
  }
  // 60 is a leap second; Date.UTC rolls it into the next minute, which is close enough for scheduling.
  if (month < 0 || hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Date.UTC silently rolls 31 Feb over into March; a date that does not exist is malformed.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month) {
    return undefined;
  }
  return date;
}
