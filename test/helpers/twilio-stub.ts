import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { twilioSignature } from "../../src/modules/text/provider/twilio-signature";

export interface StubMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  /** When the send request reached the stub (Date.now()), before it read the body. */
  receivedAt: number;
}

export interface TwilioStub {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Every message the stub accepted, in order. */
  messages: StubMessage[];
  /** Recipients answered with error 21610 (unsubscribed). */
  unsubscribed: Set<string>;
  /** How many upcoming sends answer 503 before the stub accepts again. */
  failNext: number;
  /** How many upcoming sends the stub accepts (records) but never answers, as a stalled provider. */
  hangNext: number;
  /** Awaited before the stub answers a send (after reading it): lets a test act while a send is in flight. */
  beforeAnswer: (() => Promise<void>) | null;
  /** Whether accepted messages are reported sent and delivered through the status callback. */
  reportDelivery: boolean;
  /**
   * Report sent and delivered before answering the send, as a fast provider may: the callbacks
   * then reach the app before it has learnt the message's sid.
   */
  reportBeforeAnswer: boolean;
  /** Posts a signed status callback, as Twilio would. */
  callback(url: string, params: Record<string, string>): Promise<number>;
  stop(): Promise<void>;
}

function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * A local stand-in for Twilio's REST API: accepts the form POST to the Messages resource with
 * Basic auth, answers with Twilio's JSON, then calls the status webhook with a valid
 * X-Twilio-Signature (queued → sent → delivered).
 */
export async function startTwilioStub(): Promise<TwilioStub> {
  const accountSid = `AC${randomBytes(16).toString("hex")}`;
  const authToken = randomBytes(16).toString("hex");
  const stub = {
    messages: [] as StubMessage[],
    unsubscribed: new Set<string>(),
    failNext: 0,
    hangNext: 0,
    beforeAnswer: null as (() => Promise<void>) | null,
    reportDelivery: true,
    reportBeforeAnswer: false,
  };

  async function callback(url: string, params: Record<string, string>): Promise<number> {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSignature(authToken, url, params),
      },
      body: new URLSearchParams(params),
    });
    return response.status;
  }

  const server = http.createServer(async (req, res) => {
    const receivedAt = Date.now();
    const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    if (req.method !== "POST" || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return json(res, 404, {
        code: 20404,
        message: "The requested resource was not found",
        status: 404,
      });
    }
    if (req.headers.authorization !== expectedAuth) {
      return json(res, 401, { code: 20003, message: "Authenticate", status: 401 });
    }
    const form = await readForm(req);
    if (stub.beforeAnswer) await stub.beforeAnswer();
    if (stub.failNext > 0) {
      stub.failNext -= 1;
      return json(res, 503, { code: 20503, message: "Service unavailable", status: 503 });
    }
    const to = form.get("To") ?? "";
    if (stub.unsubscribed.has(to)) {
      return json(res, 400, {
        code: 21610,
        message: "Attempt to send to unsubscribed recipient",
        more_info: "https://www.twilio.com/docs/errors/21610",
        status: 400,
      });
    }
    const message: StubMessage = {
      sid: `SM${randomBytes(16).toString("hex")}`,
      to,
      from: form.get("From") ?? "",
      body: form.get("Body") ?? "",
      statusCallback: form.get("StatusCallback"),
      receivedAt,
    };
    stub.messages.push(message);
    if (stub.hangNext > 0) {
      stub.hangNext -= 1;
      return;
    }
    const report = async () => {
      if (!stub.reportDelivery || !message.statusCallback) return;
      const base = {
        MessageSid: message.sid,
        AccountSid: accountSid,
        From: message.from,
        To: message.to,
        ApiVersion: "2010-04-01",
      };
      for (const status of ["sent", "delivered"]) {
        await callback(message.statusCallback, {
          ...base,
          MessageStatus: status,
          SmsStatus: status,
        }).catch(() => 0);
      }
    };
    if (stub.reportBeforeAnswer) await report();
    json(res, 201, {
      sid: message.sid,
      account_sid: accountSid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: "queued",
      num_segments: "1",
      direction: "outbound-api",
      api_version: "2010-04-01",
      date_created: new Date().toUTCString(),
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
    if (!stub.reportBeforeAnswer) setTimeout(() => void report(), 5);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, {
    baseUrl: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    callback,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Environment that points the app's Twilio adapter at the stub. */
export function twilioEnv(
  stub: Pick<TwilioStub, "accountSid" | "authToken" | "baseUrl">,
): Record<string, string> {
  return {
    SMS_PROVIDER: "twilio",
    TWILIO_ACCOUNT_SID: stub.accountSid,
    TWILIO_AUTH_TOKEN: stub.authToken,
    TWILIO_BASE_URL: stub.baseUrl,
  };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
