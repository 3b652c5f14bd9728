import { randomBytes } from "node:crypto";
import { BadUserInputError } from "./errors";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let lastMillis = 0;
let sequence = 0;

/**
 * RFC 9562 UUIDv7: time-ordered, so keyset pagination by id follows creation order
 * and new rows land at the end of a list instead of between pages. Within one millisecond the
 * 12-bit rand_a field counts up (RFC 9562 §6.2, method 1), so ids from this process are monotonic.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMillis += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Validates a client-supplied id; a malformed one is BAD_USER_INPUT naming the field. */
export function parseId(value: string, field = "id"): string {
  if (!isUuid(value)) throw new BadUserInputError(field, `${field} must be a UUID`);
  return value.toLowerCase();
}
