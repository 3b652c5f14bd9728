import type { Executor } from "../../db/client";
import { PollingWorker } from "../../lib/polling-worker";
import type { TextRow } from "../../db/schema";
import type { Logger } from "../../logger";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import { RECIPIENT_UNSUBSCRIBED, type SmsProvider } from "./provider/sms-provider";
import type { TextRepository } from "./text.repository";

export interface DispatcherOptions {
  batchSize: number;
  pollIntervalMs: number;
  /** How long a claim lasts: a text whose claimer died is sent by another instance after this. */
  leaseMs: number;
  maxAttempts: number;
  /** The status callback URL the provider should call for this text. */
  statusCallbackUrl(organizationId: string, textId: string): string | null;
}

/** Called when the provider refuses a recipient who unsubscribed (Twilio 21610). */
export type ProviderOptOutHandler = (text: TextRow, providerMessage: string) => Promise<void>;

export const DEFAULT_DISPATCHER_OPTIONS = {
  batchSize: 32,
  pollIntervalMs: 250,
  leaseMs: 30_000,
  maxAttempts: 5,
};

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(300_000, 1000 * 2 ** attempt) * (0.5 + random() / 2));
}

/**
 * Sends ACCEPTED texts through the provider. Any number of instances may run one: rows are
 * claimed with FOR UPDATE SKIP LOCKED under a lease, so a crash loses nothing.
 */
export class TextDispatcher extends PollingWorker {
  constructor(
    private readonly db: Executor,
    private readonly repository: TextRepository,
    private readonly provider: SmsProvider,
    private readonly preferences: ContactPreferenceService,
    private readonly onProviderOptOut: ProviderOptOutHandler,
    logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    super(options.pollIntervalMs, (error) =>
      logger.error({ err: error }, "text dispatch round failed"),
    );
  }

  /** One round: claim a batch and send it. Answers how many texts were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.repository.claimDue(this.options.batchSize, this.options.leaseMs);
    const optedOut = await this.optedOutTargets(claimed);
    await Promise.all(claimed.map((text) => this.dispatch(text, optedOut)));
    return claimed.length;
  }

  /** Consent checked again at send time, one query per organization in the batch. */
  private async optedOutTargets(claimed: TextRow[]): Promise<Set<string>> {
    const targetsByOrganization = new Map<string, string[]>();
    for (const text of claimed) {
      if (text.purpose === "CONSENT_CONFIRMATION") continue;
      targetsByOrganization.set(text.organizationId, [
        ...(targetsByOrganization.get(text.organizationId) ?? []),
        text.target,
      ]);
    }
    const optedOut = new Set<string>();
    for (const [organizationId, targets] of targetsByOrganization) {
      const values = await this.preferences.optedOutOfTexts(this.db, organizationId, targets);
      for (const value of values) optedOut.add(`${organizationId}:${value}`);
    }
    return optedOut;
  }

  private async dispatch(text: TextRow, optedOut: Set<string>): Promise<void> {
    if (
      text.purpose !== "CONSENT_CONFIRMATION" &&
      optedOut.has(`${text.organizationId}:${text.target}`)
    ) {
      const error = "OPTED_OUT: the recipient opted out before dispatch";
      await this.repository.advanceStatus(text.organizationId, text.id, "FAILED", { error });
      return;
    }
    const result = await this.provider.send({
      from: text.from ?? "",
      to: text.target,
      body: text.message,
      statusCallbackUrl: this.options.statusCallbackUrl(text.organizationId, text.id),
    });
    if (result.outcome === "accepted") {
      await this.repository.advanceStatus(text.organizationId, text.id, result.status, {
        providerSid: result.sid,
      });
    } else if (result.outcome === "refused") {
      await this.repository.advanceStatus(text.organizationId, text.id, "FAILED", {
        error: `${result.code ?? "refused"}: ${result.message}`,
      });
      if (result.code === RECIPIENT_UNSUBSCRIBED) await this.onProviderOptOut(text, result.message);
    } else if (text.attempts + 1 >= this.options.maxAttempts) {
      await this.repository.advanceStatus(text.organizationId, text.id, "FAILED", {
        error: `gave up: ${result.message}`,
      });
    } else {
      const next = new Date(Date.now() + retryDelayMs(text.attempts));
      await this.repository.scheduleRetry(text.organizationId, text.id, next, result.message);
    }
  }
}
