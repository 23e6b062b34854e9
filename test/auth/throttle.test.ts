import { describe, expect, it } from "vitest";
import {
  FAILURE_WINDOW_MS,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_KEY_AND_ADDRESS,
  retryAfterSeconds,
} from "../../src/auth/throttle";
import { basic, xapi } from "../helpers";

const from = (address: string, auth: string | null) => xapi("/statements", { auth, headers: { "CF-Connecting-IP": address } });

async function failTimes(address: string, key: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    expect((await from(address, basic(key, `wrong-${i}`))).status).toBe(401);
  }
}

describe("throttling of failed Basic authentication", () => {
  it("answers 429 with Retry-After after repeated failures for a key from one address, the right secret included", async () => {
    await failTimes("192.0.2.1", "test-key", MAX_FAILURES_PER_KEY_AND_ADDRESS);
    const wrong = await from("192.0.2.1", basic("test-key", "wrong"));
    expect(wrong.status).toBe(429);
    const retryAfter = Number(wrong.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);
    expect((await from("192.0.2.1", basic())).status).toBe(429);
    // The same key from another address and another key from this address still work.
    expect((await from("192.0.2.2", basic())).status).toBe(200);
  });

  it("treats an unknown key exactly like a known one, so throttling reveals nothing", async () => {
    await failTimes("192.0.2.3", "no-such-key", MAX_FAILURES_PER_KEY_AND_ADDRESS);
    const unknown = await from("192.0.2.3", basic("no-such-key", "wrong"));
    await failTimes("192.0.2.4", "test-key", MAX_FAILURES_PER_KEY_AND_ADDRESS);
    const known = await from("192.0.2.4", basic("test-key", "wrong"));
    expect(unknown.status).toBe(429);
    expect(known.status).toBe(429);
    expect(await unknown.text()).toBe(await known.text());
  });

  it("forgets a key's failures after a success from that address", async () => {
    await failTimes("192.0.2.5", "test-key", MAX_FAILURES_PER_KEY_AND_ADDRESS - 1);
    expect((await from("192.0.2.5", basic())).status).toBe(200);
    await failTimes("192.0.2.5", "test-key", MAX_FAILURES_PER_KEY_AND_ADDRESS - 1);
    expect((await from("192.0.2.5", basic())).status).toBe(200);
  });

  it("limits one address guessing many keys", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await from("192.0.2.6", basic(`key-${i}`, "wrong"))).status).toBe(401);
    }
    expect((await from("192.0.2.6", basic("yet-another-key", "wrong"))).status).toBe(429);
    expect((await from("192.0.2.6", basic())).status).toBe(429);
  }, 60_000); // 200 requests: slow on a loaded machine

  it("does not count requests without credentials as failed guesses", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS + 5; i++) {
      expect((await from("192.0.2.7", null)).status).toBe(401);
    }
    expect((await from("192.0.2.7", basic())).status).toBe(200);
  });
});

describe("the throttle window", () => {
  const subjects = { keyAndAddress: "k:x", address: "a:x" };
  const full = { subject: "k:x", window_start_ms: 1_000_000, failures: MAX_FAILURES_PER_KEY_AND_ADDRESS };

  it("throttles until the window that reached the limit ends, then lets the client try again", () => {
    expect(retryAfterSeconds([full], subjects, 1_000_000 + 1_000)).toBe((FAILURE_WINDOW_MS - 1_000) / 1000);
    expect(retryAfterSeconds([full], subjects, 1_000_000 + FAILURE_WINDOW_MS)).toBeUndefined();
    expect(retryAfterSeconds([{ ...full, failures: full.failures - 1 }], subjects, 1_000_001)).toBeUndefined();
  });
});

describe("throttling of requests that carry no client address", () => {
  const noAddress = (auth: string) => xapi("/statements", { auth });

  it("guesses under many keys do not lock out every client: there is no shared 'unknown' address", async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await noAddress(basic(`guessed-key-${i}`, "wrong"))).status).toBe(401);
    }
    expect((await noAddress(basic())).status).toBe(200);
    // A key is still throttled on its own.
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) await noAddress(basic("guessed-key-0", `wrong-${i}`));
    expect((await noAddress(basic("guessed-key-0", "wrong"))).status).toBe(429);
  }, 60_000);
});
