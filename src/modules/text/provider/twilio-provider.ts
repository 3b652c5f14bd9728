import {
  textStatusFromProvider,
  type OutgoingSms,
  type SendResult,
  type SmsProvider,
} from "./sms-provider";

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com in production; a local stand-in in tests. */
  baseUrl: string;
}

interface TwilioMessage {
  sid?: string;
  status?: string;
  code?: number;
  message?: string;
}

/**
 * Twilio's Messages resource: a form-encoded POST with HTTP Basic (Account SID, Auth Token).
 * 429 and 5xx are transient; any other 4xx is the provider refusing this message.
 */
export class TwilioProvider implements SmsProvider {
  readonly name = "twilio";

  constructor(private readonly credentials: TwilioCredentials) {}

  async send(sms: OutgoingSms): Promise<SendResult> {
    const { accountSid, authToken, baseUrl } = this.credentials;
    const form = new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.body });
    if (sms.statusCallbackUrl) form.set("StatusCallback", sms.statusCallbackUrl);
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      return { outcome: "retry", message: `provider unreachable: ${(error as Error).message}` };
    }
    const body = (await response.json().catch(() => ({}))) as TwilioMessage;
    if (response.ok && body.sid) {
      return {
        outcome: "accepted",
        sid: body.sid,
        status: textStatusFromProvider(body.status ?? "queued") ?? "QUEUED",
      };
    }
    if (response.status === 429 || response.status >= 500) {
      return { outcome: "retry", message: `provider answered ${response.status}` };
    }
    return {
      outcome: "refused",
      code: body.code ?? null,
      message: body.message ?? `provider answered ${response.status}`,
    };
  }
}
