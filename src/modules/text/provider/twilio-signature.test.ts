import { describe, expect, it } from "vitest";
import { isValidTwilioSignature, twilioSignature } from "./twilio-signature";

// The example of Twilio's "Validating requests" documentation.
const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
const params = {
  CallSid: "CA1234567890ABCDE",
  Caller: "+14158675310",
  Digits: "1234",
  From: "+14158675310",
  To: "+18005551212",
};

describe("twilioSignature", () => {
  it("matches Twilio's documented example", () => {
    expect(twilioSignature("12345", url, params)).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
  });

  it("refuses a missing or altered signature, or altered parameters", () => {
    expect(isValidTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, params)).toBe(true);
    expect(isValidTwilioSignature("12345", undefined, url, params)).toBe(false);
    expect(isValidTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezd=", url, params)).toBe(
      false,
    );
    expect(
      isValidTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, {
        ...params,
        Digits: "9",
      }),
    ).toBe(false);
    expect(isValidTwilioSignature("54321", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, params)).toBe(
      false,
    );
  });
});
