/**
 * Weekday and hour of an instant in an IANA time zone, by Intl (no tz database of our own).
 * Weekday 0 is Monday (ISO order), so the 7×24 grid reads like a calendar week.
 */
const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export class TimeZoneError extends Error {
  override name = 'TimeZoneError';
}

export function weekdayHourIn(timeZone: string): (at: number) => { weekday: number; hour: number } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  } catch {
    throw new TimeZoneError(`unknown time zone: ${JSON.stringify(timeZone.slice(0, 100))} (use an IANA name such as Europe/Paris or UTC)`);
  }
  return (at) => {
    let weekday = 0;
    let hour = 0;
    for (const p of format.formatToParts(at)) {
      if (p.type === 'weekday') weekday = WEEKDAYS[p.value] ?? 0;
      else if (p.type === 'hour') hour = Number(p.value) % 24;
    }
    return { weekday, hour };
  };
}

/** The start of the calendar day holding `at` in the zone, as a YYYY-MM-DD label. */
export function dayLabelIn(timeZone: string): (at: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (at) => format.format(at);
}
