import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, parsePageArgs } from "./pagination";

describe("cursors", () => {
  it("round-trip their keyset values and refuse anything else, naming the argument", () => {
    const cursor = encodeCursor([
      "2026-11-22T10:00:00.000Z",
      "0195f0a0-0000-7000-8000-000000000001",
    ]);
    expect(decodeCursor(cursor, "after", 2)).toEqual([
      "2026-11-22T10:00:00.000Z",
      "0195f0a0-0000-7000-8000-000000000001",
    ]);
    expect(() => decodeCursor(cursor, "after", 1)).toThrow(/after/);
    expect(() => decodeCursor("!!", "before", 1)).toThrow(/before/);
    expect(() => decodeCursor(encodeCursor([{ a: 1 } as unknown as string]), "after", 1)).toThrow();
  });
});

describe("parsePageArgs", () => {
  it("defaults to 20 forward, caps at 100 and reads last/before as backward", () => {
    expect(parsePageArgs({}, 1)).toEqual({ limit: 20, backward: false, after: null, before: null });
    expect(parsePageArgs({ first: 100 }, 1).limit).toBe(100);
    expect(() => parsePageArgs({ first: 101 }, 1)).toThrow(/first/);
    expect(() => parsePageArgs({ first: 1, last: 1 }, 1)).toThrow(/either/);
    expect(parsePageArgs({ last: 5 }, 1)).toMatchObject({ limit: 5, backward: true });
  });
});
