import { describe, expect, it } from "vitest";
import { parseTimestamptz } from "./timestamps";

const same = (text: string) =>
  expect(parseTimestamptz(text).getTime()).toBe(new Date(text).getTime());

describe("parseTimestamptz", () => {
  it("reads what Postgres writes for a timestamptz as new Date does, fractions cut to ms", () => {
    for (const text of [
      "2025-03-04 05:06:07.999999+00",
      "2025-03-04 05:06:07.1+00",
      "2025-03-04 05:06:07+00",
      "1970-01-01 00:00:00+00",
      "1969-12-31 23:59:59.9995+00",
      "2024-02-29 23:59:59.123456+05:30",
      "2024-01-01 00:00:00.5-08",
      "2026-12-01T21:35:11.123456+00:00",
      "2026-12-01T21:35:11+01:00",
      "0100-01-01 00:00:00+00",
      "9999-12-31 23:59:59.999999+00",
    ]) {
      same(text);
    }
  });

  it("leaves anything else to new Date", () => {
    for (const text of [
      "0044-03-15 12:00:00+00",
      "0044-03-15 12:00:00+00 BC",
      "12345-01-01 00:00:00+00",
      "1900-01-01 00:00:00+00:09:21",
      "infinity",
      "2025-03-04",
    ]) {
      expect(String(parseTimestamptz(text))).toBe(String(new Date(text)));
    }
  });

  it("agrees with new Date on random instants in every offset format", () => {
    for (let run = 0; run < 2_000; run += 1) {
      const ms = Math.floor((Math.random() - 0.3) * 4e12);
      const iso = new Date(ms).toISOString();
      const micros = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
      const base = `${iso.slice(0, 10)} ${iso.slice(11, 23)}${micros}`;
      same(`${base}+00`);
      same(`${base}-03:30`);
      same(`${base.replace(" ", "T")}+00:00`);
    }
  });
});
