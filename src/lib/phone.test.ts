import { describe, expect, it } from "vitest";
import {
  formatPhoneNational,
  normalizeContactValue,
  normalizePhoneNumber,
  resolveRegion,
} from "./phone";

describe("normalizePhoneNumber", () => {
  it.each([
    ["+45 71 99 99 99", "US", "+4571999999"],
    ["71 99 99 99", "DK", "+4571999999"],
    ["4571999999", "US", "+4571999999"],
    ["(415) 555-2671", "US", "+14155552671"],
    ["415.555.2671", "US", "+14155552671"],
    ["+1 (415) 555-2671", undefined, "+14155552671"],
  ] as const)("reads %s in region %s as %s", (input, region, expected) => {
    expect(normalizePhoneNumber(input, region, "phoneNumber")).toBe(expected);
  });

  it("refuses what is not a valid number, naming the field", () => {
    expect(() => normalizePhoneNumber("12", "US", "input.phoneNumber")).toThrow(
      /input.phoneNumber/,
    );
    expect(() => normalizePhoneNumber("call me", "US", "x")).toThrow();
  });
});

describe("formatPhoneNational", () => {
  it("renders the seed-004 example nationally", () => {
    expect(formatPhoneNational("+4571999999")).toBe("71 99 99 99");
    expect(formatPhoneNational(null)).toBeNull();
  });
});

describe("resolveRegion", () => {
  it("takes the first ISO region it knows", () => {
    expect(resolveRegion(null, "Denmark", "dk", "US")).toBe("DK");
    expect(resolveRegion(undefined, "")).toBeUndefined();
  });
});

describe("normalizeContactValue", () => {
  it("lower-cases emails and reads everything else as a phone number", () => {
    expect(normalizeContactValue(" Jane@Example.ORG ", "US", "contact")).toBe("jane@example.org");
    expect(normalizeContactValue("415 555 2671", "US", "contact")).toBe("+14155552671");
  });
});
