// Dates as the editor steps through them: ISO strings (YYYY-MM-DD), whole days, no time zones
// (docs/maps.md, "The address").

/** The number of days in a month (month 1–12). */
export function daysIn(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

/**
 * `iso` moved by `delta` whole months, on day `anchor` (the day the worker chose, 31 for
 * a month's end), cut to the month's length: steps never drift. From 30 Nov with anchor 30,
 * 24 steps back is 30 Nov two years before; from 31 Mar one step back is 28 or 29 Feb.
 */
export function stepMonth(iso, delta, anchor = Number(iso.slice(8, 10))) {
  const y = Number(iso.slice(0, 4)), m = Number(iso.slice(5, 7)) - 1 + delta;
  const year = y + Math.floor(m / 12), month = ((m % 12) + 12) % 12 + 1;
  const day = Math.min(anchor, daysIn(year, month));
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The day to keep when stepping from a chosen date: 31 if it is its month's last day. */
export function anchorOf(iso) {
  const d = Number(iso.slice(8, 10));
  return d === daysIn(Number(iso.slice(0, 4)), Number(iso.slice(5, 7))) ? 31 : d;
}

/** Whether `text` is a real calendar date written YYYY-MM-DD. */
export function isDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text || "")) return false;
  const m = Number(text.slice(5, 7)), d = Number(text.slice(8, 10));
  return m >= 1 && m <= 12 && d >= 1 && d <= daysIn(Number(text.slice(0, 4)), m);
}
