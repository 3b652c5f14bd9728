import type { TextStatusValue } from "../../../db/schema";

export interface OutgoingSms {
  from: string;
  to: string;
  body: string;
  /** Where the provider reports status changes (Twilio's StatusCallback). */
  statusCallbackUrl: string | null;
}

/** Twilio error 21610: the recipient replied STOP to this sender and may not be messaged. */
export const RECIPIENT_UNSUBSCRIBED = 21610;

export type SendResult =
  | { outcome: "accepted"; sid: string; status: TextStatusValue }
  | { outcome: "refused"; code: number | null; message: string }
  | { outcome: "retry"; message: string }
  /**
   * The request reached the provider but no answer came back: it may have been sent. Not resent
   * (the provider has no idempotency key for a message, so a resend may deliver it twice).
   */
  | { outcome: "unconfirmed"; message: string };

/** What the dispatcher needs of an SMS provider; the adapter maps the provider's wire format. */
export interface SmsProvider {
  readonly name: string;
  send(sms: OutgoingSms): Promise<SendResult>;
}

/** Provider status words (Twilio's MessageStatus) in ours; unknown words are ignored. */
export function textStatusFromProvider(status: string): TextStatusValue | null {
  const mapping: Record<string, TextStatusValue> = {
    accepted: "QUEUED",
    scheduled: "QUEUED",
    queued: "QUEUED",
    sending: "SENDING",
    sent: "SENT",
    delivered: "DELIVERED",
    undelivered: "UNDELIVERED",
    failed: "FAILED",
    canceled: "FAILED",
    received: "RECEIVED",
  };
  return mapping[status.toLowerCase()] ?? null;
}
