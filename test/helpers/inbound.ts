import type { TwilioStub } from "./twilio-stub";

let sequence = 0;

/** Sends an inbound SMS to our webhook as Twilio would: form-encoded and signed. */
export async function receiveSms(
  stub: TwilioStub,
  origin: string,
  organizationId: string,
  message: { from: string; to: string; body: string; sid?: string },
): Promise<number> {
  const sid = message.sid ?? `SMin${Date.now().toString(36)}${(sequence++).toString(36)}`;
  return stub.callback(`${origin}/webhooks/twilio/${organizationId}/inbound`, {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: stub.accountSid,
    From: message.from,
    To: message.to,
    Body: message.body,
    NumMedia: "0",
  });
}
