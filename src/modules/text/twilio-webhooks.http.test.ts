import { describe, expect, it } from "vitest";
import { formParams } from "./twilio-webhooks.http";

/** Each expectation is what express.urlencoded({ extended: false }) leaves as single strings. */
describe("formParams", () => {
  it("decodes + as a space and %-escapes, keeping a malformed escape as written", () => {
    expect(formParams("a+b=c+d%20e&x=%F0%9F%98%80&y=%ZZ")).toEqual({
      "a b": "c d e",
      x: "😀",
      y: "%ZZ",
    });
  });

  it("reads a name without = as empty, and skips empty parts and empty names", () => {
    expect(formParams("b&c=&&=x")).toEqual({ b: "", c: "" });
  });

  it("leaves out a name given more than once, and __proto__", () => {
    expect(formParams("a=1&b=2&a=3&a=4&__proto__=5")).toEqual({ b: "2" });
  });

  it("splits at the first =, or after a ]=", () => {
    expect(formParams("a=b=c&d=e]=f")).toEqual({ a: "b=c", "d=e]": "f" });
  });
});
