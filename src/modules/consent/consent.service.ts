import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type {
  CommunicationTypeValue,
  ConsentEventRow,
  ConsentSourceValue,
  OptOutEventTypeValue,
} from "../../db/schema";
import { BadUserInputError, isStatementRefusal, isUniqueViolation } from "../../lib/errors";
import { isUuid, newId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizeEmail, normalizePhoneNumber } from "../../lib/phone";
import { checkMaxLength } from "../../lib/validate";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import type { OrganizationService } from "../organization/organization.service";
import { GroupCommit, NO_HOOKS, type GroupCommitHooks } from "../../lib/group-commit";
import {
  ConcurrentConsentChange,
  type AppliedChange,
  type ConsentChange,
  type ConsentLedger,
  type NormalizedAttribute,
} from "./consent-apply";
import { DEPLOYMENT_EVENTS, type OptOutWarning } from "./consent-rules";
import type { ConsentRepository } from "./consent.repository";

const EVENTS: readonly string[] = [
  "STOP_MESSAGE_RECEIVED",
  "STOP_SUSPECTED_MESSAGE_RECEIVED",
  "OPTIN_MESSAGE_RECEIVED",
  "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED",
  "GENERIC_MESSAGE_RECEIVED",
  "USER_REQUESTED_SEND_OPTIN_REQUEST",
  "USER_REQUESTED_OPT_OUT",
  "COMMUNICATION_VALUE_CREATION",
  "COMMUNICATION_STATUS_NOT_FOUND",
  "DOUBLE_OPTIN_ROLLOUT",
  "DOUBLE_OPTIN_ROLLBACK",
];
const UPDATE_TYPES: readonly string[] = ["MESSAGE", "CUSTOMER", "DEPLOYMENT"];
const CHANNELS: readonly string[] = ["SMS", "VOICE", "EMAIL"];

/** A seed-003 request as it arrives (GraphQL input or the REST body), before validation. */
export interface OptOutRequest {
  customerId?: string | null;
  messageId?: string | null;
  userId?: string | null;
  apiCallSource?: string | null;
  communicationAttributes: {
    communicationType: string;
    communicationValue: string;
    okToCommunicate: boolean;
    customerId?: string | null;
  }[];
  event: string;
  updateType: string;
  processSynchronously?: boolean | null;
  effectiveAt?: Date | string | null;
}

export interface OptOutResult {
  errors: { errorCode: string; errorDescription: string; errorUid: string }[];
  warnings: OptOutWarning[];
  event: ConsentEventRow | null;
  preferences: Awaited<ReturnType<ConsentLedger["apply"]>>["preferences"];
}

/**
 * One batch at a time per organization and instance: the changes that arrive meanwhile make the
 * next one, and every statement saved is a wake-up of a Postgres backend saved (measured ahead of
 * two at a time, back to back). Sixty-four changes a batch keeps its statements small. A batch
 * that failed around its statement (lost connection) may have committed: it is never re-run per
 * change.
 */
const GROUP_COMMIT = {
  name: "consent changes",
  maxBatch: 64,
  concurrency: 1,
  retryAlone: isStatementRefusal,
};
/** A concurrent transaction can win a race for the same new value once per attempt. */
const CONCURRENT_ATTEMPTS = 5;

const isConcurrentChange = (error: unknown) =>
  error instanceof ConcurrentConsentChange || isUniqueViolation(error);

/** Runs a consent write again while it loses a race for the same values to another transaction. */
async function retryingConcurrentChanges<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isConcurrentChange(error) || attempt === CONCURRENT_ATTEMPTS) throw error;
    }
  }
}

function answers(applied: AppliedChange[]): OptOutResult[] {
  return applied.map((change) => ({
    errors: [],
    warnings: change.warnings,
    event: change.events[0] ?? null,
    preferences: change.preferences,
  }));
}

export interface ConsentActor {
  organizationId: string;
  userId: string | null;
  source: ConsentSourceValue;
}

export class ConsentService {
  constructor(
    private readonly db: Database,
    private readonly repository: ConsentRepository,
    private readonly ledger: ConsentLedger,
    private readonly preferences: ContactPreferenceService,
    private readonly organizations: OrganizationService,
    /** Wakes the queue worker after a request was queued. */
    private readonly onQueued: () => void = () => {},
    private readonly groupCommitHooks: GroupCommitHooks = NO_HOOKS,
  ) {}

  /** Every organization's group commit reports its batches under one name. */
  private readonly hooks = this.groupCommitHooks("opt_out_events");

  private readonly batches = new Map<string, GroupCommit<ConsentChange, OptOutResult>>();

  static actorFor(caller: Caller): ConsentActor {
    return {
      organizationId: caller.organizationId,
      userId: caller.individualId,
      source: caller.roles.includes("service") ? "api" : "agent",
    };
  }

  /** recordOptOutEvent and the REST ingress: validate everything, then apply in one transaction or queue. */
  async record(
    actor: ConsentActor,
    departmentId: string,
    request: OptOutRequest,
  ): Promise<OptOutResult> {
    const change = await this.validate(actor, departmentId, request);
    if (request.processSynchronously === false) {
      await this.repository.enqueueRequest({
        organizationId: actor.organizationId,
        id: newId(),
        request: { ...change, effectiveAt: change.effectiveAt.toISOString() },
      });
      this.onQueued();
      const queued = {
        warningCode: "QUEUED",
        warningDescription: "The request is queued and will be applied shortly",
      };
      return { errors: [], warnings: [queued], event: null, preferences: [] };
    }
    const result = await this.applyNow(change);
    // Answered once nothing it could no longer stop is on its way to the provider.
    const optedOut = result.preferences.filter((preference) => preference.doNotText);
    if (optedOut.length > 0) {
      await this.sendsSettled(
        actor.organizationId,
        optedOut.map((preference) => preference.contact),
      );
    }
    return result;
  }

  /** Set by the text module: resolves once texts to these numbers past their last check were sent. */
  private sendsSettled: (organizationId: string, numbers: string[]) => Promise<void> =
    async () => {};

  waitForSendsBeforeAnswering(
    sendsSettled: (organizationId: string, numbers: string[]) => Promise<void>,
  ): void {
    this.sendsSettled = sendsSettled;
  }

  /**
   * Opt-out requests queued and not yet applied, of every organization (an operational count for
   * /metrics, no tenant's data), and when the oldest was queued.
   */
  outboxStatus(): Promise<{ depth: number; oldestAt: Date | null }> {
    return this.repository.queuedRequestsStatus();
  }

  /**
   * Applies a validated change. An event about values goes in a batch of its own organization's
   * changes that arrive meanwhile (group commit: one batch, the same few statements); a
   * deployment switch, or a change with `afterApply` (the queue worker marking its request
   * applied), in a transaction of its own.
   */
  applyNow(
    change: ConsentChange,
    afterApply?: (tx: Executor) => Promise<void>,
  ): Promise<OptOutResult> {
    if (!afterApply && !DEPLOYMENT_EVENTS.has(change.event)) {
      return this.batchFor(change.organizationId).submit(change);
    }
    return retryingConcurrentChanges(async () => {
      const [answer] = await this.db.transaction(async (tx) => {
        const applied = DEPLOYMENT_EVENTS.has(change.event)
          ? [await this.ledger.applyDeploymentSwitch(tx, change)]
          : await this.ledger.applyAll(tx, [change], { lock: true });
        await afterApply?.(tx);
        return applied;
      });
      return answers([answer])[0];
    });
  }

  private batchFor(organizationId: string) {
    let batches = this.batches.get(organizationId);
    if (!batches) {
      batches = new GroupCommit((changes) => this.applyBatch(changes), {
        ...GROUP_COMMIT,
        ...this.hooks,
      });
      this.batches.set(organizationId, batches);
    }
    return batches;
  }

  /**
   * First without a transaction: the batch's write checks that nothing changed its values since
   * it read them. When something did, in a transaction that locks them as it reads.
   */
  private async applyBatch(changes: ConsentChange[]): Promise<OptOutResult[]> {
    try {
      return answers(await this.ledger.applyAll(this.db, changes, { lock: false }));
    } catch (error) {
      if (!isConcurrentChange(error)) throw error;
    }
    return retryingConcurrentChanges(async () =>
      answers(await this.db.transaction((tx) => this.ledger.applyAll(tx, changes, { lock: true }))),
    );
  }

  /**
   * Inside the caller's transaction (inbound keywords): the same ledger, no queue. A race for a
   * new value is tried again from a savepoint, so it never aborts the caller's transaction.
   */
  applyIn(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    return retryingConcurrentChanges(() =>
      tx.transaction((savepoint) => this.ledger.apply(savepoint, change)),
    );
  }

  private async validate(
    actor: ConsentActor,
    departmentId: string,
    request: OptOutRequest,
  ): Promise<ConsentChange> {
    if (!isUuid(departmentId))
      throw new BadUserInputError("departmentId", "departmentId must be a UUID");
    if (!EVENTS.includes(request.event)) {
      throw new BadUserInputError(
        "input.event",
        `input.event "${request.event}" is not an opt-out event type`,
      );
    }
    if (!UPDATE_TYPES.includes(request.updateType)) {
      throw new BadUserInputError(
        "input.updateType",
        `input.updateType "${request.updateType}" is not an update type`,
      );
    }
    const event = request.event as OptOutEventTypeValue;
    const deployment = DEPLOYMENT_EVENTS.has(event);
    if (deployment && request.updateType !== "DEPLOYMENT") {
      throw new BadUserInputError("input.updateType", `${event} is a DEPLOYMENT-level event`);
    }
    if (!deployment && request.communicationAttributes.length === 0) {
      throw new BadUserInputError(
        "input.communicationAttributes",
        "At least one communication attribute is required",
      );
    }
    for (const [field, value] of Object.entries({
      customerId: request.customerId,
      messageId: request.messageId,
      userId: request.userId,
      apiCallSource: request.apiCallSource,
    })) {
      checkMaxLength(value, 255, `input.${field}`);
    }
    const region = await this.organizations.phoneRegion(actor.organizationId);
    const attributes = request.communicationAttributes.map(
      (attribute, index): NormalizedAttribute => {
        const field = `input.communicationAttributes.${index}`;
        if (!CHANNELS.includes(attribute.communicationType)) {
          throw new BadUserInputError(
            `${field}.communicationType`,
            `"${attribute.communicationType}" is not SMS, VOICE or EMAIL`,
          );
        }
        if (typeof attribute.okToCommunicate !== "boolean") {
          throw new BadUserInputError(
            `${field}.okToCommunicate`,
            `${field}.okToCommunicate must be true or false`,
          );
        }
        const channel = attribute.communicationType as CommunicationTypeValue;
        const valueField = `${field}.communicationValue`;
        const rawValue = String(attribute.communicationValue ?? "");
        checkMaxLength(rawValue, 255, valueField);
        const contact =
          channel === "EMAIL"
            ? normalizeEmail(rawValue, valueField)
            : normalizePhoneNumber(rawValue, region, valueField);
        checkMaxLength(attribute.customerId, 255, `${field}.customerId`);
        return {
          channel,
          contact,
          rawValue,
          okToCommunicate: attribute.okToCommunicate,
          customerId: attribute.customerId ?? null,
        };
      },
    );
    const effectiveAt = request.effectiveAt ? new Date(request.effectiveAt) : new Date();
    if (Number.isNaN(effectiveAt.getTime()))
      throw new BadUserInputError("input.effectiveAt", "input.effectiveAt is not a date");
    return {
      organizationId: actor.organizationId,
      departmentId: departmentId.toLowerCase(),
      event,
      updateType: request.updateType as ConsentChange["updateType"],
      attributes,
      source: actor.source,
      actorUserId: request.userId ?? actor.userId,
      apiCallSource: request.apiCallSource ?? null,
      customerId: request.customerId ?? null,
      messageId: request.messageId ?? null,
      inboundText: null,
      effectiveAt,
    };
  }

  listEvents(
    organizationId: string,
    contact: string,
    page: PageArgs,
  ): Promise<Connection<ConsentEventRow>> {
    return this.repository.listForContact(organizationId, contact, page);
  }

  findEventsByIds(organizationId: string, ids: readonly string[]) {
    return this.repository.findEventsByIds(organizationId, ids);
  }

  /** effectiveConsent: whether the channel may be used for the value now, since when, and why. */
  async effectiveConsent(caller: Caller, contactValue: string, channel: CommunicationTypeValue) {
    const contact = await this.preferences.normalizeContact(caller, contactValue, "contact");
    const preference = await this.preferences.getByContact(caller, contact);
    const flag = { SMS: "doNotText", VOICE: "doNotCall", EMAIL: "doNotEmail" } as const;
    const decidedBy = await this.repository.findDecidingEvent(
      caller.organizationId,
      contact,
      channel,
    );
    return {
      allowed: !(preference?.[flag[channel]] ?? false),
      since: decidedBy?.effectiveAt ?? preference?.updatedAt ?? null,
      decidedBy: decidedBy ?? null,
    };
  }

  /** Whether a phone number has opted out of texts, read in the caller's transaction. */
  async isOptedOutOfTexts(
    executor: Executor,
    organizationId: string,
    phoneNumber: string,
  ): Promise<boolean> {
    return (
      (await this.preferences.optedOutOfTexts(executor, organizationId, [phoneNumber])).size > 0
    );
  }
}
