import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TwilioProvider } from "../../src/modules/text/provider/twilio-provider";
import { startTwilioStub, type TwilioStub } from "../helpers/twilio-stub";

/**
 * A send Twilio took but never answered is not sent again: Twilio's Messages resource has no
 * idempotency key, so a resend after a timeout delivered a consent confirmation twice in the
 * opt-out replay (CONSENT.md: exactly one confirmation per change of state).
 */
let stub: TwilioStub;
beforeAll(async () => {
  stub = await startTwilioStub();
  stub.reportDelivery = false;
});
afterAll(() => stub.stop());

const sms = (to: string) => ({ from: "+14155550000", to, body: "hello", statusCallbackUrl: null });

describe("Twilio adapter: a request written out but unanswered", () => {
  it("answers unconfirmed (not retry) when Twilio took the message and did not answer in time", async () => {
    const provider = new TwilioProvider(stub, 300);
    stub.hangNext = 1;
    const result = await provider.send(sms("+14155551001"));
    expect(result).toEqual({
      outcome: "unconfirmed",
      message: "provider did not answer within 300 ms; not resent, it may have been sent",
    });
    expect(stub.messages.filter((message) => message.to === "+14155551001")).toHaveLength(1);
  });

  it("still retries what never reached Twilio (connection refused)", async () => {
    const provider = new TwilioProvider({ ...stub, baseUrl: "http://127.0.0.1:9" }, 300);
    const result = await provider.send(sms("+14155551002"));
    expect(result.outcome).toBe("retry");
  });
});
