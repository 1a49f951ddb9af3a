import { describe, expect, it } from "vitest";

import { formatBytes, formatDate, formatRelativeDate } from "./format";

describe("formatBytes", () => {
  it("reads like a file manager", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(1023)).toBe("1023 bytes");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(12_595)).toBe("12.3 KB");
    expect(formatBytes(245_760)).toBe("240 KB");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5 MB");
  });
});

describe("formatRelativeDate", () => {
  const now = new Date("2025-03-20T12:00:00Z");
  const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

  it("says how long ago recent changes were", () => {
    expect(formatRelativeDate(ago(10), now)).toBe("just now");
    expect(formatRelativeDate(ago(5 * 60), now)).toBe("5 minutes ago");
    expect(formatRelativeDate(ago(3 * 3600), now)).toBe("3 hours ago");
    expect(formatRelativeDate(ago(86_400), now)).toBe("yesterday");
    expect(formatRelativeDate(ago(15 * 86_400), now)).toBe("2 weeks ago");
  });

  it("gives a date for old or future times", () => {
    expect(formatRelativeDate(new Date("2024-03-04T23:30:00Z"), now)).toBe("Mar 4, 2024");
    expect(formatRelativeDate(new Date("2026-01-01T00:00:00Z"), now)).toBe("Jan 1, 2026");
    expect(formatDate(new Date("2024-03-04T23:30:00Z"))).toBe("Mar 4, 2024");
  });
});
