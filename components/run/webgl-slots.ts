/*
 * Browsers keep about 16 WebGL contexts per page and silently drop the oldest beyond that. A
 * viewer holds a context only while it is on screen, and no more than MAX_CONTEXTS at once;
 * a viewer that finds none free shows its image and waits for one.
 */
export const MAX_CONTEXTS = 8;

let held = 0;
const waiting = new Set<() => void>();

/** Takes a context slot if one is free; `release` gives it back (call it once). */
export function acquireSlot(): { release: () => void } | null {
  if (held >= MAX_CONTEXTS) return null;
  held++;
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      held--;
      // Each waiter tries again; the first to acquire wins, the others keep waiting.
      for (const retry of [...waiting]) retry();
    },
  };
}

/** Calls `retry` whenever a slot is released, until the returned function is called. */
export function waitForSlot(retry: () => void): () => void {
  waiting.add(retry);
  return () => waiting.delete(retry);
}
