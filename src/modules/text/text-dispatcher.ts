import { logRoundError, PollingWorker } from "../../lib/polling-worker";
import type { TextRow, TextStatusValue } from "../../db/schema";
import type { Logger } from "../../logger";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import { RECIPIENT_UNSUBSCRIBED, type SmsProvider } from "./provider/sms-provider";
import type { StatusMove } from "./text-status.sql";
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

/** What one text's dispatch asks to record: a status move, and the provider's opt-out refusal. */
interface DispatchOutcome {
  text: TextRow;
  move?: StatusMove;
  providerOptOut?: string;
}

/** Called when the provider refuses a recipient who unsubscribed (Twilio 21610). */
export type ProviderOptOutHandler = (text: TextRow, providerMessage: string) => Promise<void>;

export const DEFAULT_DISPATCHER_OPTIONS = {
  batchSize: 32,
  pollIntervalMs: 250,
  leaseMs: 30_000,
  maxAttempts: 5,
};

const recipientKey = (organizationId: string, target: string) => `${organizationId}|${target}`;

/** A dispatched text and the status move to record for it. */
function outcomeOf(
  text: TextRow,
  status: TextStatusValue,
  details: Partial<StatusMove>,
): DispatchOutcome {
  const move = { organizationId: text.organizationId, id: text.id, providerSid: null, error: null };
  return { text, move: { ...move, status, ...details } };
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(300_000, 1000 * 2 ** attempt) * (0.5 + random() / 2));
}

/**
 * Sends ACCEPTED texts through the provider. Any number of instances may run one: rows are
 * claimed with FOR UPDATE SKIP LOCKED under a lease, so a crash loses nothing.
 */
export class TextDispatcher extends PollingWorker<TextRow> {
  /** By recipientKey: the rounds whose provider calls to that number are under way. */
  private readonly sending = new Map<string, Promise<void>[]>();

  constructor(
    private readonly repository: TextRepository,
    private readonly provider: SmsProvider,
    private readonly preferences: ContactPreferenceService,
    private readonly onProviderOptOut: ProviderOptOutHandler,
    /** Records the round's status moves (TextService.recordDispatchMoves). */
    private readonly recordMoves: (moves: StatusMove[]) => Promise<void>,
    logger: Logger,
    private readonly options: DispatcherOptions,
  ) {
    super(options.pollIntervalMs, (error) =>
      logRoundError(logger, error, "text dispatch round failed"),
    );
  }

  /**
   * One round: claim a batch, check each text's consent once more in one statement right before
   * the provider calls (keepSendable: a text whose recipient opted out since it was accepted is
   * CANCELED there), send the rest, and record the provider's answers in one statement. A status
   * callback that arrives before that statement still finds its text (by the id in its URL) and
   * moves it; the dispatcher's move then changes nothing (forward only).
   */
  async runOnce(): Promise<number> {
    // A failed round's claims, if handing them back failed too (the database was down).
    await this.releaseClaims();
    const claimed = await this.repository.claimDue(this.options.batchSize, this.options.leaseMs);
    if (claimed.length === 0) return 0;
    try {
      await this.sendAndRecord(claimed);
    } catch (error) {
      this.abandon(claimed);
      throw error;
    }
    return claimed.length;
  }

  protected override handBack(claims: TextRow[]): Promise<void> {
    return this.repository.releaseClaims(claims);
  }

  /**
   * The round's last consent check (keepSendable), the provider calls for what it kept, and the
   * record of their answers; the provider calls are marked for `sent` while they are under way.
   */
  private async sendAndRecord(claimed: TextRow[]): Promise<void> {
    // Marked before the check's statement starts: an opt-out that commits after it read the
    // preference finds the mark, and its acknowledgement waits for these provider calls (sent).
    let release!: () => void;
    const round = new Promise<void>((resolve) => (release = resolve));
    const keys = new Set(claimed.map((text) => recipientKey(text.organizationId, text.target)));
    for (const key of keys) this.sending.set(key, [...(this.sending.get(key) ?? []), round]);
    let outcomes: DispatchOutcome[];
    try {
      const sendable = await this.repository.keepSendable(claimed, (organizationId, target) =>
        this.preferences.textingAllowedCondition(organizationId, target),
      );
      outcomes = await Promise.all(
        claimed.filter((text) => sendable.has(text.id)).map((text) => this.dispatch(text)),
      );
    } finally {
      release();
      for (const key of keys) {
        const rest = this.sending.get(key)!.filter((pending) => pending !== round);
        if (rest.length > 0) this.sending.set(key, rest);
        else this.sending.delete(key);
      }
    }
    await this.recordMoves(outcomes.flatMap(({ move }) => (move ? [move] : [])));
    for (const { text, providerOptOut } of outcomes) {
      if (providerOptOut !== undefined) await this.onProviderOptOut(text, providerOptOut);
    }
  }

  /**
   * Resolves once this instance's texts to these numbers that passed their last consent check
   * have reached the provider. An opt-out waits for it before it is acknowledged, so a STOP's
   * answer never comes before a text it could no longer stop: nothing reaches the provider after
   * the acknowledgement from this instance, and from another one at most the one provider call
   * it had started. Costs a map lookup when nothing is in flight.
   */
  async sent(organizationId: string, targets: readonly string[]): Promise<void> {
    const pending = targets.flatMap(
      (target) => this.sending.get(recipientKey(organizationId, target)) ?? [],
    );
    if (pending.length > 0) await Promise.all(pending);
  }

  /** Sends a claimed text that keepSendable kept, and says what to record of the answer. */
  private async dispatch(text: TextRow): Promise<DispatchOutcome> {
    const result = await this.provider.send({
      from: text.from ?? "",
      to: text.target,
      body: text.message,
      statusCallbackUrl: this.options.statusCallbackUrl(text.organizationId, text.id),
    });
    if (result.outcome === "accepted")
      return outcomeOf(text, result.status, { providerSid: result.sid });
    if (result.outcome === "refused") {
      return {
        ...outcomeOf(text, "FAILED", { error: `${result.code ?? "refused"}: ${result.message}` }),
        providerOptOut: result.code === RECIPIENT_UNSUBSCRIBED ? result.message : undefined,
      };
    }
    if (result.outcome === "unconfirmed") {
      // Left SENDING with the reason: a status callback from the provider, if it took the text,
      // moves it on (its URL names the text); a resend could deliver it twice.
      return outcomeOf(text, "SENDING", { error: `UNCONFIRMED: ${result.message}` });
    }
    if (text.attempts + 1 >= this.options.maxAttempts) {
      return outcomeOf(text, "FAILED", { error: `gave up: ${result.message}` });
    }
    const next = new Date(Date.now() + retryDelayMs(text.attempts));
    await this.repository.scheduleRetry(
      text.organizationId,
      text.id,
      next,
      result.message,
      (organizationId, target) => this.preferences.textingAllowedCondition(organizationId, target),
    );
    return { text };
  }
}
