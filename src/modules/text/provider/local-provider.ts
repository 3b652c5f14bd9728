import { randomBytes } from "node:crypto";
import type { OutgoingSms, SendResult, SmsProvider } from "./sms-provider";

/**
 * The embedded default: records what it would send and reports it delivered at once, so
 * `npm start` works offline. `sent` is the record, newest last.
 */
export class LocalSmsProvider implements SmsProvider {
  readonly name = "local";
  readonly sent: (OutgoingSms & { sid: string; at: Date })[] = [];

  async send(sms: OutgoingSms): Promise<SendResult> {
    const sid = `SM${randomBytes(16).toString("hex")}`;
    this.sent.push({ ...sms, sid, at: new Date() });
    return { outcome: "accepted", sid, status: "DELIVERED" };
  }
}
