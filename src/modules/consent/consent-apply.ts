import type { Executor } from "../../db/client";
import type {
  CommunicationTypeValue,
  ConsentEventRow,
  ConsentSourceValue,
  ContactPreferenceRow,
  OptOutEventTypeValue,
} from "../../db/schema";
import { newId } from "../../lib/ids";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import type { OrganizationService } from "../organization/organization.service";
import {
  CHANNEL_FLAG,
  CONFIRMING_REPLY,
  LedgerBatch,
  uniquePairs,
  type BatchItem,
} from "./consent-batch";
import { dependsOnDoubleOptIn, DEPLOYMENT_EVENTS, type OptOutWarning } from "./consent-rules";
import type { ConsentRepository } from "./consent.repository";

/** One validated, normalized communication attribute. */
export interface NormalizedAttribute {
  channel: CommunicationTypeValue;
  contact: string;
  rawValue: string;
  okToCommunicate: boolean;
  customerId: string | null;
}

/** A validated seed-003 request, as the ledger applies it. */
export interface ConsentChange {
  organizationId: string;
  departmentId: string | null;
  event: OptOutEventTypeValue;
  updateType: "MESSAGE" | "CUSTOMER" | "DEPLOYMENT";
  attributes: NormalizedAttribute[];
  source: ConsentSourceValue;
  actorUserId: string | null;
  apiCallSource: string | null;
  customerId: string | null;
  messageId: string | null;
  inboundText: string | null;
  effectiveAt: Date;
}

export interface AppliedChange {
  warnings: OptOutWarning[];
  events: ConsentEventRow[];
  preferences: ContactPreferenceRow[];
}

/** A concurrent transaction appended the same idempotency key or created the same preference. */
export class ConcurrentConsentChange extends Error {}

function idempotencyKey(change: ConsentChange, attribute: NormalizedAttribute): string | null {
  return change.messageId
    ? [change.messageId, change.event, attribute.channel, attribute.contact].join("|")
    : null;
}

/**
 * Applies consent changes inside one transaction (CONSENT.md): each preference changes only
 * together with its ledger row; repeats (same message id + event + value) change nothing; and a
 * late event older than the channel's latest decision is recorded without overriding it.
 *
 * A batch of changes costs the same few statements as one: lock the values' preferences, read
 * the ledger's state for them, then append every event with its preference writes in one
 * statement. In between, the changes are settled in memory one after another, exactly as
 * separate transactions would settle them in that order.
 */
export class ConsentLedger {
  constructor(
    private readonly repository: ConsentRepository,
    private readonly preferences: ContactPreferenceService,
    private readonly organizations: OrganizationService,
  ) {}

  async apply(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    const [applied] = await this.applyAll(tx, [change]);
    return applied;
  }

  /** Changes of one organization, applied in order; throws ConcurrentConsentChange to be retried. */
  async applyAll(tx: Executor, changes: readonly ConsentChange[]): Promise<AppliedChange[]> {
    if (changes.some((change) => DEPLOYMENT_EVENTS.has(change.event))) {
      const applied: AppliedChange[] = [];
      for (const change of changes) {
        applied.push(
          DEPLOYMENT_EVENTS.has(change.event)
            ? await this.applyDeploymentSwitch(tx, change)
            : await this.apply(tx, change),
        );
      }
      return applied;
    }
    const { organizationId } = changes[0];
    const items = changes.flatMap((change) =>
      // Sorted by value, so each change answers its events in one stable order.
      [...change.attributes]
        .sort((a, b) => a.contact.localeCompare(b.contact))
        .map((attribute) => ({ change, attribute, key: idempotencyKey(change, attribute) })),
    );
    const batch = await this.openBatch(tx, organizationId, items);
    const applied = changes.map((change) => {
      const result: AppliedChange = { warnings: [], events: [], preferences: [] };
      for (const item of items.filter((candidate) => candidate.change === change)) {
        const { event, preference } = batch.settle(item);
        result.events.push(event);
        result.warnings.push(...event.warnings);
        if (preference && !result.preferences.some((row) => row.id === preference.id)) {
          result.preferences.push(preference);
        }
      }
      return result;
    });
    await this.write(tx, organizationId, batch);
    return applied;
  }

  /** Locks the batch's preferences, then reads what the ledger already holds for them. */
  private async openBatch(tx: Executor, organizationId: string, items: BatchItem[]) {
    const contacts = [...new Set(items.map((item) => item.attribute.contact))];
    const locked = await this.preferences.lockForConsentChange(tx, organizationId, contacts);
    // Only an opt-in reads the double opt-in switch, so only an opt-in waits on a deployment switch.
    const needsSwitch = items.some((item) =>
      dependsOnDoubleOptIn(item.change.event, item.attribute.okToCommunicate),
    );
    const keys = items.flatMap((item) => (item.key ? [item.key] : []));
    const state = await this.repository.findLedgerState(tx, organizationId, {
      keys,
      pairs: uniquePairs(items),
      // Only a confirming reply under double opt-in depends on a pending request.
      withPending: items.some((item) => item.change.event === CONFIRMING_REPLY),
      doubleOptIn: needsSwitch
        ? this.organizations.doubleOptInForConsentChange(organizationId)
        : null,
    });
    const earlier =
      state.repeatedKeys.length > 0
        ? await this.repository.findByIdempotencyKeys(tx, organizationId, state.repeatedKeys)
        : [];
    return new LedgerBatch({
      now: new Date(),
      doubleOptIn: state.doubleOptIn,
      preferences: locked,
      earlier,
      decidedAt: state.decidedAt,
      pending: state.pending,
      newPreference: (contact, at) =>
        this.preferences.newForConsentChange(organizationId, contact, at),
    });
  }

  private async write(tx: Executor, organizationId: string, batch: LedgerBatch): Promise<void> {
    const { events, created, updated, clearedPending, putPending } = batch.writes();
    if (events.length === 0) return;
    const preferences =
      created.length + updated.length > 0
        ? this.preferences.consentWriteStatements(organizationId, created, updated)
        : null;
    const written = await this.repository.appendBatch(tx, organizationId, {
      events,
      preferences,
      clearedPending,
      putPending,
    });
    if (written.appended < events.length || written.created < created.length) {
      throw new ConcurrentConsentChange("A concurrent consent change came first; retry");
    }
  }

  private async applyDeploymentSwitch(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    const enabled = change.event === "DOUBLE_OPTIN_ROLLOUT";
    const organization = await this.organizations.lockForDeploymentSwitch(
      tx,
      change.organizationId,
    );
    await this.organizations.setDoubleOptIn(tx, change.organizationId, enabled);
    const event = await this.repository.appendEvent(tx, {
      organizationId: change.organizationId,
      id: newId(),
      departmentId: change.departmentId,
      eventType: change.event,
      updateType: change.updateType,
      effect: "NONE",
      previousOptedOut: null,
      newOptedOut: null,
      source: change.source,
      actorUserId: change.actorUserId,
      apiCallSource: change.apiCallSource,
      customerId: change.customerId,
      messageId: change.messageId,
      warnings: [],
      effectiveAt: change.effectiveAt,
      idempotencyKey: null,
    });
    const warnings =
      organization?.doubleOptIn === enabled
        ? [
            {
              warningCode: "NO_CHANGE",
              warningDescription: `Double opt-in was already ${enabled ? "on" : "off"}`,
            },
          ]
        : [];
    return { warnings, events: [event], preferences: [] };
  }

  /**
   * Ledger rows for an admin's direct edit of a preference (create, PUT, PATCH): one per flag that
   * changed, in the edit's transaction, so every consent change stays provable.
   */
  async recordAdminEdit(
    tx: Executor,
    actor: { organizationId: string; userId: string },
    before: ContactPreferenceRow | null,
    after: ContactPreferenceRow,
  ): Promise<void> {
    for (const [channel, flag] of Object.entries(CHANNEL_FLAG) as [
      CommunicationTypeValue,
      (typeof CHANNEL_FLAG)[CommunicationTypeValue],
    ][]) {
      const previous = before ? before[flag] : false;
      if (previous === after[flag]) continue;
      await this.repository.appendEvent(tx, {
        organizationId: actor.organizationId,
        id: newId(),
        eventType: after[flag] ? "USER_REQUESTED_OPT_OUT" : "OPTIN_MESSAGE_RECEIVED",
        updateType: "CUSTOMER",
        channel,
        contact: after.contact,
        rawValue: after.contact,
        okToCommunicate: !after[flag],
        effect: after[flag] ? "OPT_OUT" : "OPT_IN",
        previousOptedOut: previous,
        newOptedOut: after[flag],
        source: "agent",
        actorUserId: actor.userId,
        apiCallSource: "contact preference edit",
        warnings: [],
        effectiveAt: new Date(),
        idempotencyKey: null,
      });
    }
  }
}
