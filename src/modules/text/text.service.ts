import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type { TextRow, TextStatusValue } from "../../db/schema";
import {
  BadUserInputError,
  isStatementRefusal,
  NotFoundError,
  OptedOutError,
  QuietHoursError,
} from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizePhoneNumber, phoneRegion } from "../../lib/phone";
import { nextSendingTime, recipientTimeZones } from "../../lib/quiet-hours";
import { GroupCommit, NO_HOOKS, type GroupCommitHooks } from "../../lib/group-commit";
import { checkMaxLength } from "../../lib/validate";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import type { OrganizationService } from "../organization/organization.service";
import type { TextAccountService } from "./text-account.service";
import type { SendTextInput, TextFilter } from "./text.input";
import type { StatusMove } from "./text-status.sql";
import type { TextConditions, TextRepository } from "./text.repository";

/** Ten concatenated SMS segments. */
const MESSAGE_MAX = 1600;

export interface OutgoingText {
  organizationId: string;
  accountId: string;
  numberId: string | null;
  from: string;
  target: string;
  message: string;
  purpose?: TextRow["purpose"];
  createdBy?: string | null;
  callbackUrl?: string | null;
  callbackStatusUrl?: string | null;
  expectedResponses?: string[] | null;
  /** Not before this time (quiet hours); now when absent. */
  sendAt?: Date;
}

interface SendRequest {
  caller: Caller;
  input: SendTextInput;
  /** E.164, and the ids below parsed, before the call joins a batch. */
  target: string;
  sendAt: Date;
  accountId: string;
  numberId: string | null;
}

const noSmsNumberError = () =>
  new BadUserInputError("input.accountId", "This account has no SMS-capable number to send from");

/**
 * Up to 64 texts per statement, one statement at a time: the calls that arrive meanwhile make the
 * next batch, and every statement saved is a wake-up of a Postgres backend saved (the costliest
 * write on this kind of machine; one at a time measured ahead of four back to back). A batch that
 * failed around its statement (lost connection) may have committed: it is never re-run per input.
 */
const SEND_BATCHES = {
  name: "texts to send",
  maxBatch: 64,
  concurrency: 1,
  retryAlone: isStatementRefusal,
};
/**
 * Status moves lock their rows in key order, so batches could run side by side; one at a time
 * makes fewer, larger statements, and cost less CPU a text in bench:texts.
 */
const STATUS_BATCHES = { name: "text statuses", maxBatch: 128, concurrency: 1 };

/** How a provider's callback names a text: its message id, and our id when the callback URL has it. */
export interface ProviderMessageRef {
  sid: string;
  textId: string | null;
}

export class TextService {
  constructor(
    private readonly db: Database,
    private readonly repository: TextRepository,
    private readonly accounts: TextAccountService,
    private readonly preferences: ContactPreferenceService,
    private readonly organizations: OrganizationService,
    /** Wakes the dispatcher after a commit, so a text need not wait for the next poll. */
    private readonly onAccepted: () => void = () => {},
    private readonly groupCommitHooks: GroupCommitHooks = NO_HOOKS,
  ) {}

  async send(caller: Caller, input: SendTextInput): Promise<TextRow> {
    checkMaxLength(input.message, MESSAGE_MAX, "input.message");
    if (!input.message.trim())
      throw new BadUserInputError("input.message", "input.message must not be empty");
    const region = await this.organizations.phoneRegion(caller.organizationId);
    const target = normalizePhoneNumber(input.target, region, "input.target");
    const sendAt = input.marketing
      ? await this.marketingSendTime(caller.organizationId, target, input.holdForQuietHours)
      : new Date();
    const accountId = parseId(input.accountId, "input.accountId");
    const numberId = input.numberId ? parseId(input.numberId, "input.numberId") : null;
    const outcome = await this.sendBatches.submit({
      caller,
      input,
      target,
      sendAt,
      accountId,
      numberId,
    });
    if (outcome instanceof Error) throw outcome;
    this.onAccepted();
    return outcome;
  }

  /** Concurrent sendText calls share one statement (see sendMany); each caller still gets its own text or its own error. */
  private readonly sendBatches = new GroupCommit<SendRequest, TextRow | Error>(
    (requests) => this.sendMany(requests),
    { ...SEND_BATCHES, ...this.groupCommitHooks("texts") },
  );

  /**
   * One statement chooses each text's sender, checks its consent and writes it (text-send.sql.ts):
   * the account and number asked for, else the author's mapped number, else the account's first
   * SMS-capable one.
   */
  private async sendMany(requests: SendRequest[]): Promise<(TextRow | Error)[]> {
    const rows = requests.map(({ caller, input, target, sendAt, accountId, numberId }) => ({
      organizationId: caller.organizationId,
      id: newId(),
      accountId,
      numberId,
      from: null,
      target,
      message: input.message,
      createdBy: caller.individualId,
      callbackUrl: input.callbackUrl,
      callbackStatusUrl: input.callbackStatusUrl,
      expectedResponses: input.expectedResponses,
      purpose: input.marketing ? ("MARKETING" as const) : ("MESSAGE" as const),
      direction: "OUTBOUND" as const,
      status: "ACCEPTED" as const,
      nextAttemptAt: sendAt,
    }));
    const outcomes = await this.repository.sendEach(this.db, rows, (organizationId, target) =>
      this.preferences.textingAllowedCondition(organizationId, target),
    );
    return outcomes.map((outcome, index) => {
      const { input, target } = requests[index];
      if (!outcome.accountFound) {
        return new NotFoundError("TextAccount", input.accountId, "input.accountId");
      }
      if (!outcome.numberFound) {
        return input.numberId
          ? new NotFoundError("TextNumber", input.numberId, "input.numberId")
          : noSmsNumberError();
      }
      if (!outcome.numberSms) {
        return input.numberId || outcome.numberMapped
          ? new BadUserInputError("input.numberId", "This number cannot send SMS")
          : noSmsNumberError();
      }
      return outcome.written ?? new OptedOutError(target, "SMS");
    });
  }

  /**
   * Writes outgoing texts ACCEPTED in one statement that checks each one's consent as it writes
   * (ARCHITECTURE.md: consent is enforced where messages leave); answers per text, in order, the
   * row written or OPTED_OUT (nothing written for it). Pass a transaction to make it part of a
   * larger write. A consent confirmation is the one text that still goes to a number that just
   * opted out.
   */
  async enqueue(
    executor: Executor,
    outgoing: readonly OutgoingText[],
  ): Promise<(TextRow | OptedOutError)[]> {
    const rows = outgoing.map(({ sendAt, ...text }) => ({
      ...text,
      id: newId(),
      direction: "OUTBOUND" as const,
      status: "ACCEPTED" as const,
      nextAttemptAt: sendAt ?? new Date(),
    }));
    const created = await this.repository.insertEach(executor, rows, (organizationId, target) =>
      this.preferences.textingAllowedCondition(organizationId, target),
    );
    const byId = new Map(created.map((row) => [row.id, row]));
    return rows.map((row) => byId.get(row.id) ?? new OptedOutError(row.target, "SMS"));
  }

  /**
   * When a marketing text may go: now, or under the organization's quiet hours the next moment it
   * is 08:00–21:00 in every zone the recipient may be in; QUIET_HOURS when the caller won't wait.
   */
  private async marketingSendTime(
    organizationId: string,
    target: string,
    hold: boolean,
  ): Promise<Date> {
    const now = new Date();
    const organization = await this.organizations.get(organizationId);
    if (!organization?.quietHours) return now;
    const timeZone = await this.recipientTimeZone(organizationId, target);
    const allowedAt = nextSendingTime(now, recipientTimeZones(timeZone, phoneRegion(target)));
    if (allowedAt > now && !hold) throw new QuietHoursError(allowedAt);
    return allowedAt;
  }

  /** Set by the messaging module: an individual's own time zone beats their number's region. */
  private recipientTimeZone: (
    organizationId: string,
    phoneNumber: string,
  ) => Promise<string | null> = async () => null;

  useRecipientTimeZones(
    lookup: (organizationId: string, phoneNumber: string) => Promise<string | null>,
  ): void {
    this.recipientTimeZone = lookup;
  }

  /** Lets callers that enqueue inside their own transaction wake the dispatcher after commit. */
  notifyAccepted(): void {
    this.onAccepted();
  }

  async get(caller: Caller, id: string): Promise<TextRow | null> {
    const [row] = await this.repository.findByIds(caller.organizationId, [parseId(id)]);
    return row ?? null;
  }

  findByIds(organizationId: string, ids: readonly string[]): Promise<TextRow[]> {
    return this.repository.findByIds(organizationId, ids);
  }

  /**
   * The outbox: texts accepted and not yet handed to the provider, of every organization (an
   * operational count for /metrics, no tenant's data), and when the longest-waiting one was due.
   */
  outboxStatus(): Promise<{ depth: number; oldestAt: Date | null }> {
    return this.repository.outboxStatus();
  }

  async list(
    caller: Caller,
    accountId: string,
    filter: TextFilter | undefined,
    page: PageArgs,
  ): Promise<Connection<TextRow>> {
    const account = await this.accounts.getAccount(caller, accountId, "accountId");
    const conditions: TextConditions = { status: filter?.status, direction: filter?.direction };
    if (filter?.numberId) conditions.numberId = parseId(filter.numberId, "filter.numberId");
    if (filter?.target) {
      const region = await this.organizations.phoneRegion(caller.organizationId);
      conditions.target = normalizePhoneNumber(filter.target, region, "filter.target");
    }
    return this.repository.list(caller.organizationId, account.id, conditions, page);
  }

  /**
   * A provider status report (forward moves only), for the text the callback URL names or else
   * the one holding the provider's message id; NOT_FOUND when neither is ours. Concurrent reports
   * share one statement.
   */
  async recordProviderStatus(
    organizationId: string,
    message: ProviderMessageRef,
    status: TextStatusValue,
    error: string | null,
  ): Promise<void> {
    const found = await this.statusBatches.submit({
      organizationId,
      id: message.textId,
      providerSid: message.sid,
      status,
      error,
    });
    if (!found) throw new NotFoundError("Text", message.sid);
  }

  /** The dispatcher's moves, written in the same statements as the provider's reports. */
  async recordDispatchMoves(moves: readonly StatusMove[]): Promise<void> {
    await Promise.all(moves.map((move) => this.statusBatches.submit(move)));
  }

  private readonly statusBatches = new GroupCommit<StatusMove, boolean>(
    (moves) => this.repository.advanceEach(moves),
    { ...STATUS_BATCHES, ...this.groupCommitHooks("text_status_moves") },
  );

  /** A status report for one of the caller's texts, by id (seed 002 texts/{id}/callback). */
  async recordStatus(
    caller: Caller,
    id: string,
    status: TextStatusValue,
    error: string | null,
  ): Promise<TextRow> {
    const textId = parseId(id);
    await this.repository.advanceEach([
      { organizationId: caller.organizationId, id: textId, providerSid: null, status, error },
    ]);
    const [text] = await this.repository.findByIds(caller.organizationId, [textId]);
    if (!text) throw new NotFoundError("Text", id);
    return text;
  }
}
