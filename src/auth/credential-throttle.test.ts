import { describe, expect, it } from "vitest";
import { CredentialThrottle } from "./credential-throttle";

function throttleAt(clock: { now: number }, maxAddresses = 100) {
  return new CredentialThrottle({ failures: 2, windowSeconds: 10 }, maxAddresses, () => clock.now);
}

describe("CredentialThrottle", () => {
  it("refuses an address once it has used up its failures, until the window that began at its first ends", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock);
    throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(0);
    clock.now = 4_000;
    throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(6);
    expect(throttle.retryAfterSeconds("b")).toBe(0);
    clock.now = 9_001;
    expect(throttle.retryAfterSeconds("a")).toBe(1);
    clock.now = 10_000;
    expect(throttle.retryAfterSeconds("a")).toBe(0);
    throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(0);
  });

  it("tracks at most maxAddresses, dropping ended windows first and then the oldest", () => {
    const clock = { now: 0 };
    const throttle = throttleAt(clock, 3);
    throttle.recordFailure("old");
    clock.now = 5_000;
    throttle.recordFailure("a");
    throttle.recordFailure("a");
    throttle.recordFailure("b");
    clock.now = 11_000;
    throttle.recordFailure("c");
    expect(throttle.trackedAddresses).toBe(3);
    expect(throttle.retryAfterSeconds("a")).toBe(4);
    for (let index = 0; index < 10_000; index += 1) throttle.recordFailure(`flood-${index}`);
    expect(throttle.trackedAddresses).toBe(3);
  });
});
