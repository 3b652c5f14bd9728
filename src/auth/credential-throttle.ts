import type { IncomingMessage } from "node:http";
import type { AuthThrottleConfig } from "../config";

/** Addresses with failures on record; past it the oldest record is forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

interface FailureWindow {
  failures: number;
  /** When the window that began at the first failure ends (ms since the epoch). */
  endsAt: number;
}

/**
 * Counts refused credentials (a wrong Basic password, an invalid bearer token, a bad Twilio
 * signature) per source address in a fixed window that opens at the address's first failure.
 * Once an address has used up `failures`, every credential it presents is refused with 429 until
 * the window ends, the right one too, before it is checked: a guesser cannot tell which of its
 * guesses while throttled was right. Other addresses are unaffected.
 *
 * The address is the socket's peer: behind a proxy every caller shares the proxy's address.
 * Memory is bounded: at most MAX_TRACKED_ADDRESSES records, the oldest evicted first, so a flood
 * of addresses forgets its own earliest failures rather than growing the map.
 */
export class CredentialThrottle {
  private readonly windows = new Map<string, FailureWindow>();
  private readonly windowMs: number;

  constructor(
    private readonly config: AuthThrottleConfig,
    private readonly maxAddresses = MAX_TRACKED_ADDRESSES,
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = config.windowSeconds * 1000;
  }

  /**
   * Whole seconds until `address` may present credentials again, or 0 when it may now.
   * One map lookup, none while no address has failed: the price of every authenticated request.
   */
  retryAfterSeconds(address: string): number {
    if (this.windows.size === 0) return 0;
    const window = this.windows.get(address);
    if (!window || window.failures < this.config.failures) return 0;
    const left = window.endsAt - this.now();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  /** retryAfterSeconds for the request's source address, reading the address only when needed. */
  retryAfterSecondsFor(req: Pick<IncomingMessage, "socket">): number {
    return this.windows.size === 0 ? 0 : this.retryAfterSeconds(sourceAddressOf(req));
  }

  recordFailureOf(req: Pick<IncomingMessage, "socket">): void {
    this.recordFailure(sourceAddressOf(req));
  }

  recordFailure(address: string): void {
    const now = this.now();
    const window = this.windows.get(address);
    if (window && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    // Re-inserted, so the map's order stays the order in which windows end.
    if (window) this.windows.delete(address);
    this.evictFor(now);
    this.windows.set(address, { failures: 1, endsAt: now + this.windowMs });
  }

  /** Addresses on record (for tests of the bound). */
  get trackedAddresses(): number {
    return this.windows.size;
  }

  /** Drops ended windows from the front, then the oldest live one if the map is still full. */
  private evictFor(now: number): void {
    if (this.windows.size < this.maxAddresses) return;
    for (const [address, window] of this.windows) {
      if (window.endsAt > now) break;
      this.windows.delete(address);
    }
    if (this.windows.size >= this.maxAddresses) {
      this.windows.delete(this.windows.keys().next().value!);
    }
  }
}

/** The socket's peer address, an IPv4 address without the `::ffff:` of a dual-stack socket. */
export function sourceAddressOf(req: Pick<IncomingMessage, "socket">): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
