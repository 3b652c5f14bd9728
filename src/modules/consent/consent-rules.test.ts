import { describe, expect, it } from "vitest";
import { decideEffect } from "./consent-rules";

const plain = { doubleOptIn: false, confirmationPending: false };

describe("decideEffect (CONSENT.md, Events)", () => {
  it.each(["STOP_MESSAGE_RECEIVED", "USER_REQUESTED_OPT_OUT"] as const)("%s opts out", (event) => {
    expect(decideEffect(event, false, plain)).toEqual({ effect: "OPT_OUT", warnings: [] });
  });

  it("opts out on a suspected stop, with a warning", () => {
    const decision = decideEffect("STOP_SUSPECTED_MESSAGE_RECEIVED", false, plain);
    expect(decision.effect).toBe("OPT_OUT");
    expect(decision.warnings.map((warning) => warning.warningCode)).toEqual(["STOP_SUSPECTED"]);
  });

  it("resolves a contradiction toward not communicating, with a warning", () => {
    expect(decideEffect("STOP_MESSAGE_RECEIVED", true, plain)).toMatchObject({
      effect: "OPT_OUT",
      warnings: [{ warningCode: "CONTRADICTORY_ATTRIBUTE" }],
    });
    expect(decideEffect("OPTIN_MESSAGE_RECEIVED", false, plain)).toMatchObject({
      effect: "OPT_OUT",
      warnings: [{ warningCode: "CONTRADICTORY_ATTRIBUTE" }],
    });
  });

  it.each(["OPTIN_MESSAGE_RECEIVED", "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED"] as const)(
    "%s opts in",
    (event) => {
      expect(decideEffect(event, true, plain)).toEqual({ effect: "OPT_IN", warnings: [] });
    },
  );

  it("waits for a confirmation under double opt-in, and the confirming reply opts in", () => {
    const doubleOptIn = { doubleOptIn: true, confirmationPending: false };
    expect(decideEffect("OPTIN_MESSAGE_RECEIVED", true, doubleOptIn).effect).toBe(
      "AWAIT_CONFIRMATION",
    );
    expect(decideEffect("OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED", true, doubleOptIn).effect).toBe(
      "AWAIT_CONFIRMATION",
    );
    expect(
      decideEffect("OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED", true, {
        doubleOptIn: true,
        confirmationPending: true,
      }).effect,
    ).toBe("OPT_IN");
  });

  it("maps the remaining events", () => {
    expect(decideEffect("COMMUNICATION_VALUE_CREATION", true, plain).effect).toBe("CREATE");
    expect(decideEffect("USER_REQUESTED_SEND_OPTIN_REQUEST", true, plain).effect).toBe(
      "REQUEST_OPT_IN",
    );
    expect(decideEffect("GENERIC_MESSAGE_RECEIVED", true, plain)).toEqual({
      effect: "NONE",
      warnings: [],
    });
    expect(decideEffect("COMMUNICATION_STATUS_NOT_FOUND", true, plain)).toMatchObject({
      effect: "NONE",
      warnings: [{ warningCode: "COMMUNICATION_STATUS_NOT_FOUND" }],
    });
  });
});
