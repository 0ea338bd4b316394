/**
 * Expiry dates of developer stacks. Shared by the config module (which refuses to run an
 * expired stack), the stack tools (which write and move expiries) and the reaper.
 */

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO-8601 calendar date (`2026-12-01`, taken as 00:00 UTC that day) or a date-time
 * with an explicit offset (`2026-12-01T18:00:00+01:00`, `...Z`). A date-time without an offset
 * is rejected: its instant would depend on the time zone of whoever runs the program.
 * Returns undefined for anything else, including impossible dates such as `2026-02-30`.
 */
export function parseExpiry(value: string): Date | undefined {
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number);
    return validCalendarDate(y, m, d) ? utcDate(y, m, d) : undefined;
  }
  const dateTime = DATE_TIME.exec(value);
  if (!dateTime) {
    return undefined;
  }
  const [y, m, d, hh, mm, ss] = dateTime.slice(1, 7).map((part) => Number(part ?? 0));
  const offset = dateTime[8];
  if (!validCalendarDate(y, m, d) || hh > 23 || mm > 59 || ss > 59) {
    return undefined;
  }
  if (offset !== "Z") {
    const [oh, om] = offset.slice(1).split(":").map(Number);
    if (oh > 23 || om > 59) {
      return undefined;
    }
  }
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

// Date.UTC reads years 0-99 as 1900-1999; setUTCFullYear takes the year as written.
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  const daysInMonth = utcDate(year, month + 1, 0).getUTCDate();
  return day <= daysInMonth;
}

const TTL = /^([1-9]\d*)([hdw])$/;
const TTL_UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Parses a time-to-live such as `12h`, `7d` or `2w` into milliseconds; undefined if malformed. */
export function parseTtl(value: string): number | undefined {
  const match = TTL.exec(value);
  return match ? Number(match[1]) * TTL_UNIT_MS[match[2]] : undefined;
}

/** The canonical text of an expiry, as stack outputs, labels and stack files carry it. */
export function formatExpiry(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}

/**
 * The longest a developer stack lives without activity, and the longest `--ttl` the stack tools
 * accept. A team that wants longer-lived developer stacks changes it here, in review, rather than
 * per command: a flag to raise it would make it no limit at all. The reaper caps every expiry at
 * this much after the stack's last activity (cli/lifecycle/reaper.ts), so config refuses an
 * expiry further ahead than that.
 */
export const MAX_TTL = "30d";
