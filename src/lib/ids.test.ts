import { describe, expect, it } from "vitest";
import { isUuid, newId, parseId } from "./ids";

describe("newId", () => {
  it("makes RFC 9562 version-7 UUIDs that sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(ids.every(isUuid)).toBe(true);
    expect(ids.every((id) => id[14] === "7" && "89ab".includes(id[19]))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("parseId", () => {
  it("lower-cases a UUID and refuses anything else naming the field", () => {
    expect(parseId("0195F0A0-0000-7000-8000-000000000001")).toBe(
      "0195f0a0-0000-7000-8000-000000000001",
    );
    expect(() => parseId("42", "input.channelId")).toThrow(/input.channelId must be a UUID/);
  });
});
