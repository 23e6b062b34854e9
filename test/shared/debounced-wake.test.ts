// The isolate half of the wake debounce (src/shared/debounced-wake.ts): one wake per key in the window, a request
// inside it never waits for a wake another request has in flight, and a failed wake suppresses nothing.
import { describe, expect, it } from "vitest";
import { DebouncedWakes, WAKE_DEBOUNCE_MS } from "../../src/shared/debounced-wake";

/** A send the test settles by hand, and how many times sends were started. */
function gate() {
  const calls: { settle: (ok: boolean) => void }[] = [];
  const send = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ settle: (ok) => (ok ? resolve() : reject(new Error("the object is unreachable"))) });
    });
  return { calls, send };
}

/** Whether `promise` has settled once the microtasks queued so far have run. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 0));
  return done;
}

describe("DebouncedWakes", () => {
  it("sends one wake per key in the window; a request inside it does not wait for the wake in flight", async () => {
    const wakes = new DebouncedWakes("test");
    const { calls, send } = gate();
    const first = wakes.wake("store-a", send, 1_000);
    // Still in flight: the second request skips its call and returns at once (it must not await another
    // request's promise), and another key is a window of its own.
    expect(await settledNow(wakes.wake("store-a", send, 1_100))).toBe(true);
    void wakes.wake("store-b", send, 1_100);
    expect(calls).toHaveLength(2);
    expect(await settledNow(first)).toBe(false);
    calls[0]!.settle(true);
    calls[1]!.settle(true);
    await first;
    // Past the window, the next request sends again.
    const later = wakes.wake("store-a", send, 1_000 + WAKE_DEBOUNCE_MS);
    expect(calls).toHaveLength(3);
    calls[2]!.settle(true);
    await later;
  });

  it("a failed wake suppresses nothing: the next request inside the window sends its own", async () => {
    const wakes = new DebouncedWakes("test");
    const { calls, send } = gate();
    const first = wakes.wake("store-a", send, 1_000);
    calls[0]!.settle(false);
    await first; // logged, not thrown: the write it follows already succeeded
    const retry = wakes.wake("store-a", send, 1_050);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toHaveLength(2);
    calls[1]!.settle(true);
    await retry;
    // That one reached its object: the rest of the window is covered.
    await wakes.wake("store-a", send, 1_100);
    expect(calls).toHaveLength(2);
  });
});
