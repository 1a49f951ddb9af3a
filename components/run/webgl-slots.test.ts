import { describe, expect, it } from "vitest";
import { MAX_CONTEXTS, acquireSlot, waitForSlot } from "./webgl-slots";

describe("WebGL context slots", () => {
  it("gives out at most MAX_CONTEXTS, and tells a waiting viewer when one is freed", () => {
    const slots = Array.from({ length: MAX_CONTEXTS }, () => acquireSlot());
    expect(slots.every((s) => s !== null)).toBe(true);
    expect(acquireSlot()).toBeNull();

    let retries = 0;
    const stopWaiting = waitForSlot(() => retries++);
    slots[0]?.release();
    // Releasing twice frees one slot, not two.
    slots[0]?.release();
    expect(retries).toBe(1);
    const again = acquireSlot();
    expect(again).not.toBeNull();
    expect(acquireSlot()).toBeNull();

    stopWaiting();
    again?.release();
    expect(retries).toBe(1);
    for (const s of slots) s?.release();
  });
});
