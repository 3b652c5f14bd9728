import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type { TextRow, TextStatusValue } from "../../db/schema";
import { BadUserInputError, NotFoundError, OptedOutError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizePhoneNumber } from "../../lib/phone";
import { checkMaxLength } from "../../lib/validate";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import type { OrganizationService } from "../organization/organization.service";
import type { TextAccountService } from "./text-account.service";
import type { SendTextInput, TextFilter } from "./text.input";
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
  ) {}

  async send(caller: Caller, input: SendTextInput): Promise<TextRow> {
    checkMaxLength(input.message, MESSAGE_MAX, "input.message");
    if (!input.message.trim())
      throw new BadUserInputError("input.message", "input.message must not be empty");
    const region = await this.organizations.phoneRegion(caller.organizationId);
    const target = normalizePhoneNumber(input.target, region, "input.target");
    const { account, number } = await this.accounts.sender(caller, input.accountId, input.numberId);
    const text = await this.enqueue(this.db, {
      organizationId: caller.organizationId,
      accountId: account.id,
      numberId: number.id,
      from: number.phoneNumber,
      target,
      message: input.message,
      createdBy: caller.individualId,
      callbackUrl: input.callbackUrl,
      callbackStatusUrl: input.callbackStatusUrl,
      expectedResponses: input.expectedResponses,
    });
    this.onAccepted();
    return text;
  }

  /**
   * Writes an outgoing text ACCEPTED inside the caller's transaction after checking consent there
   * (ARCHITECTURE.md: consent is enforced where messages leave). A consent confirmation is the
   * one text that still goes to a number that just opted out.
   */
  async enqueue(executor: Executor, text: OutgoingText): Promise<TextRow> {
    if (text.purpose !== "CONSENT_CONFIRMATION") {
      const optedOut = await this.preferences.optedOutOfTexts(executor, text.organizationId, [
        text.target,
      ]);
      if (optedOut.size > 0) throw new OptedOutError(text.target, "SMS");
    }
    return this.repository.insert(executor, {
      ...text,
      id: newId(),
      direction: "OUTBOUND",
      status: "ACCEPTED",
      nextAttemptAt: new Date(),
    });
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

  /** A provider status report, by the provider's message id; forward moves only. */
  async recordProviderStatus(
    organizationId: string,
    providerSid: string,
    status: TextStatusValue,
    error: string | null,
  ) {
    const text = await this.repository.findByProviderSid(organizationId, providerSid);
    if (!text) throw new NotFoundError("Text", providerSid);
    return this.repository.advanceStatus(organizationId, text.id, status, error ? { error } : {});
  }
}
