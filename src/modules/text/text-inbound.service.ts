import type { Database, Executor } from "../../db/client";
import type { TextRow } from "../../db/schema";
import { newId } from "../../lib/ids";
import type { TextAccountService } from "./text-account.service";
import { classifyInboundText, type InboundIntent } from "./keywords";
import type { TextRepository } from "./text.repository";
import type { TextService } from "./text.service";

/** The consent ledger as inbound texts need it (implemented by the consent module). */
export interface InboundConsent {
  /** Records the keyword's consent event for the sender; answers whether their SMS state changed. */
  recordKeyword(
    executor: Executor,
    keyword: {
      organizationId: string;
      phoneNumber: string;
      intent: Exclude<InboundIntent, "HELP">;
      rawText: string;
      providerMessageId: string;
    },
  ): Promise<{ changed: boolean; optedOut: boolean; awaitingConfirmation: boolean }>;
  /** Whether the number has opted out of texts (no help reply then). */
  isOptedOut(executor: Executor, organizationId: string, phoneNumber: string): Promise<boolean>;
}

export interface InboundSms {
  organizationId: string;
  providerMessageId: string;
  from: string;
  to: string;
  body: string;
}

/** Replies Switchboard sends on its own behalf (CTIA short-code guidelines' wording). */
export const REPLIES = {
  STOP: "You have been unsubscribed and will receive no more texts. Reply START to resubscribe.",
  START: "You have been resubscribed to texts. Reply STOP to unsubscribe, HELP for help.",
  HELP: "Reply STOP to unsubscribe, START to resubscribe. Msg & data rates may apply.",
  CONFIRM: "Reply YES to confirm you want to receive texts from us.",
} as const;

/**
 * Inbound texts (CONSENT.md, keywords): stored once per provider message id, classified, and
 * turned into consent events; exactly one confirmation per change of state and none for a
 * repeat, and no help reply to a number that opted out.
 */
export class TextInboundService {
  constructor(
    private readonly db: Database,
    private readonly repository: TextRepository,
    private readonly accounts: TextAccountService,
    private readonly texts: TextService,
    private readonly consent: InboundConsent,
    /** Resolves once texts to these numbers already past their consent check reached the provider. */
    private readonly sendsSettled: (
      organizationId: string,
      targets: string[],
    ) => Promise<void> = async () => {},
  ) {}

  /** Answers the stored text, or null when this provider message id was already handled. */
  async receive(sms: InboundSms): Promise<TextRow | null | "unknown-number"> {
    const number = await this.accounts.findNumberByPhoneNumber(sms.organizationId, sms.to);
    if (!number) return "unknown-number";
    let reply: keyof typeof REPLIES | null = null;
    const stored = await this.db.transaction(async (tx) => {
      const text = await this.repository.insertOnce(
        {
          organizationId: sms.organizationId,
          id: newId(),
          accountId: number.accountId,
          numberId: number.id,
          from: sms.from,
          target: sms.to,
          message: sms.body,
          direction: "INBOUND",
          status: "RECEIVED",
          providerSid: sms.providerMessageId,
        },
        tx,
      );
      if (!text) return null;
      reply = await this.replyFor(tx, sms, classifyInboundText(sms.body));
      if (reply) {
        const [written] = await this.texts.enqueue(tx, [
          {
            organizationId: sms.organizationId,
            accountId: number.accountId,
            numberId: number.id,
            from: number.phoneNumber,
            target: sms.from,
            message: REPLIES[reply],
            purpose: reply === "HELP" ? "HELP_REPLY" : "CONSENT_CONFIRMATION",
          },
        ]);
        if (written instanceof Error) throw written;
      }
      return text;
    });
    if (stored) this.texts.notifyAccepted();
    // A STOP is answered once nothing it could no longer stop is on its way (TextDispatcher.sent).
    if (reply === "STOP") await this.sendsSettled(sms.organizationId, [sms.from]);
    return stored;
  }

  private async replyFor(
    tx: Executor,
    sms: InboundSms,
    intent: InboundIntent,
  ): Promise<keyof typeof REPLIES | null> {
    if (intent === "HELP") {
      return (await this.consent.isOptedOut(tx, sms.organizationId, sms.from)) ? null : "HELP";
    }
    const { changed, optedOut, awaitingConfirmation } = await this.consent.recordKeyword(tx, {
      organizationId: sms.organizationId,
      phoneNumber: sms.from,
      intent,
      rawText: sms.body,
      providerMessageId: sms.providerMessageId,
    });
    if (awaitingConfirmation) return "CONFIRM";
    if (!changed) return null;
    return optedOut ? "STOP" : "START";
  }
}
