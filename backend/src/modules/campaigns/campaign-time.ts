// Time zones for campaigns: a schedule typed as wall-clock time in a chosen zone, and quiet hours
// applied in each recipient's own zone. Luxon does the zone arithmetic (daylight saving included).
import { DateTime, IANAZone } from 'luxon';
import { AppError } from '../../http/errors.ts';
import type { QuietHours } from './campaigns.types.ts';

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** "2026-12-24T09:00" in `zone` → the UTC instant. A wall time that does not exist (a DST gap) is refused. */
export function wallTimeToUtc(at: string, zone: string): Date {
  if (!isValidZone(zone))
    throw new AppError(400, 'invalid_timezone', `"${zone}" is not a time zone (use an IANA name such as Europe/Berlin).`);
  const dt = DateTime.fromISO(at, { zone });
  if (!dt.isValid) throw new AppError(400, 'invalid_schedule', `"${at}" is not a date and time (use YYYY-MM-DDTHH:MM).`);
  // In a spring-forward gap Luxon moves the time on; such a wall time never happens that day.
  const typed = at.slice(11, 16);
  if (dt.toFormat('HH:mm') !== typed) {
    throw new AppError(400, 'invalid_schedule', `${at} does not exist in ${zone} (the clocks change then). Pick another time.`);
  }
  return dt.toUTC().toJSDate();
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/**
 * When `now` falls inside the quiet hours in `zone`, the instant they end; otherwise null. A window
 * whose start is after its end spans midnight (21:00–08:00).
 */
export function quietUntil(now: Date, zone: string, quiet: QuietHours): Date | null {
  const local = DateTime.fromJSDate(now, { zone: isValidZone(zone) ? zone : 'UTC' });
  const m = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? m >= start && m < end : m >= start || m < end;
  if (!inside) return null;
  let until = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  if (until <= local) until = until.plus({ days: 1 });
  return until.toUTC().toJSDate();
}
