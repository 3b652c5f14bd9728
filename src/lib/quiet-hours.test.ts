import { describe, expect, it } from "vitest";
import { isWithinSendingHours, nextSendingTime, recipientTimeZones } from "./quiet-hours";

describe("quiet hours", () => {
  it("uses the recipient's own zone when known, else every zone of the number's region", () => {
    expect(recipientTimeZones("Europe/Copenhagen", "US")).toEqual(["Europe/Copenhagen"]);
    expect(recipientTimeZones(null, "DK")).toEqual(["Europe/Copenhagen"]);
    expect(recipientTimeZones(null, "US")).toEqual(
      expect.arrayContaining(["America/New_York", "Pacific/Honolulu"]),
    );
    expect(recipientTimeZones(null, undefined)).toEqual([]);
  });

  it("allows 08:00–21:00 local time only", () => {
    const copenhagen = ["Europe/Copenhagen"];
    expect(isWithinSendingHours(new Date("2026-11-23T07:00:00Z"), copenhagen)).toBe(true); // 08:00 CET
    expect(isWithinSendingHours(new Date("2026-11-23T06:59:00Z"), copenhagen)).toBe(false); // 07:59
    expect(isWithinSendingHours(new Date("2026-11-23T19:59:00Z"), copenhagen)).toBe(true); // 20:59
    expect(isWithinSendingHours(new Date("2026-11-23T20:00:00Z"), copenhagen)).toBe(false); // 21:00
  });

  it("needs every zone of a multi-zone region to be in hours", () => {
    const us = recipientTimeZones(null, "US");
    // 10:00 in New York is 05:00 in Honolulu.
    expect(isWithinSendingHours(new Date("2026-11-23T15:00:00Z"), us)).toBe(false);
    // 15:00 in New York is 10:00 in Honolulu.
    expect(isWithinSendingHours(new Date("2026-11-23T20:00:00Z"), us)).toBe(true);
  });

  it("finds the next allowed time", () => {
    const next = nextSendingTime(new Date("2026-11-23T21:30:00Z"), ["Europe/Copenhagen"]);
    expect(next.toISOString()).toBe("2026-11-24T07:00:00.000Z");
    const now = new Date("2026-11-23T12:00:00Z");
    expect(nextSendingTime(now, ["Europe/Copenhagen"])).toBe(now);
  });
});
