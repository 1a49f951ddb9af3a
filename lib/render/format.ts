/**
 * Display formatting shared by components. Pure functions of their arguments (the current time is
 * passed in), so server and client render the same text and tests need no clock tricks.
 */

const UNITS = ["bytes", "KB", "MB", "GB"] as const;

/** Human file size, 1024-based like most code hosts: "512 bytes", "12.3 KB", "4 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return bytes === 1 ? "1 byte" : `${Math.max(0, Math.round(bytes))} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // One decimal while it says something ("12.3 KB"), none once the number is large ("240 KB").
  const text = value < 100 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value).toString();
  return `${text} ${UNITS[unit]}`;
}

// UTC so that a date reads the same whichever server or browser renders it (no hydration mismatch).
const absoluteFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
const fullFormat = new Intl.DateTimeFormat("en", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
const relativeFormat = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "Mar 4, 2025". */
export function formatDate(date: Date): string {
  return absoluteFormat.format(date);
}

/** "March 4, 2025 at 2:05 PM UTC": for tooltips, where precision beats brevity. */
export function formatDateTime(date: Date): string {
  return `${fullFormat.format(date)} UTC`;
}

const STEPS: [limitSeconds: number, unit: Intl.RelativeTimeFormatUnit, seconds: number][] = [
  [60, "second", 1],
  [3600, "minute", 60],
  [86_400, "hour", 3600],
  [7 * 86_400, "day", 86_400],
  [30 * 86_400, "week", 7 * 86_400],
];

/**
 * "just now", "5 minutes ago", "yesterday", "3 weeks ago"; dates more than a month old (or in
 * the future) are shown absolute, since "14 months ago" is harder to place than a date.
 */
export function formatRelativeDate(date: Date, now: Date = new Date()): string {
  const seconds = (now.getTime() - date.getTime()) / 1000;
  if (seconds < -60) return formatDate(date);
  if (seconds < 45) return "just now";
  for (const [limit, unit, size] of STEPS) {
    if (seconds < limit) return relativeFormat.format(-Math.round(seconds / size), unit);
  }
  return formatDate(date);
}
