import type { SQL } from "drizzle-orm";
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
import { dependsOnDoubleOptIn, type OptOutWarning } from "./consent-rules";
import { ConsentStateCache } from "./consent-state-cache";
import {
  WRITE_GUARD,
  type ChannelOfValue,
  type ConsentRepository,
  type KeyOfValue,
} from "./consent.repository";

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

/** Another transaction changed a batch's values after it read them: apply the batch again. */
export class ConcurrentConsentChange extends Error {}

/** A preference as answered, without the row version the ledger read it at. */
function withoutVersion(row: ContactPreferenceRow & { version?: string }): ContactPreferenceRow {
  const { version: _version, ...preference } = row;
  return preference;
}

function idempotencyKey(change: ConsentChange, attribute: NormalizedAttribute): string | null {
  return change.messageId
    ? [change.messageId, change.event, attribute.channel, attribute.contact].join("|")
    : null;
}

/** A batch ready to settle, and what its write needs to know of how it started. */
interface OpenedBatch {
  batch: LedgerBatch;
  contacts: string[];
  pairs: ChannelOfValue[];
  keys: KeyOfValue[];
  switchRead: { query: SQL; expected: boolean } | null;
}

/**
 * Applies consent changes (CONSENT.md): each preference changes only together with its ledger
 * row; repeats (same message id + event + value) change nothing; and a late event older than the
 * channel's latest decision is recorded without overriding it.
 *
 * A batch of changes costs the same few statements as one: read the values' preferences and
 * what the ledger holds for them (or start from what this instance remembers it wrote last),
 * settle the changes in memory one after another (exactly as separate transactions would, in
 * that order), then append every event with its preference writes in one statement. That
 * statement writes only if the preferences it read are unchanged, so outside a transaction the
 * batch needs no locks held between statements (`lock: false`); inside one, `lock: true` locks
 * them as they are read and the write always goes through.
 */
export class ConsentLedger {
  private readonly remembered = new ConsentStateCache();
  /** Other modules' parts of the ledger's statements: fixed, bound to each batch's values. */
  private readonly preferenceWrites: ReturnType<ContactPreferenceService["consentWriteStatements"]>;
  private readonly preferenceRead: ReturnType<ContactPreferenceService["consentReadQuery"]>;
  private readonly switchQuery: SQL;

  constructor(
    private readonly repository: ConsentRepository,
    private readonly preferences: ContactPreferenceService,
    private readonly organizations: OrganizationService,
  ) {
    this.preferenceWrites = preferences.consentWriteStatements(WRITE_GUARD);
    this.preferenceRead = preferences.consentReadQuery();
    this.switchQuery = organizations.doubleOptInForConsentChange();
  }

  /** Inside the caller's transaction. */
  async apply(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    const [applied] = await this.applyAll(tx, [change], { lock: true });
    return applied;
  }

  /**
   * Changes of one organization, applied in order. Throws ConcurrentConsentChange, having
   * written nothing, when another transaction changed the same values first: apply them again.
   * Deployment switches go through applyDeploymentSwitch.
   */
  async applyAll(
    executor: Executor,
    changes: readonly ConsentChange[],
    options: { lock: boolean },
  ): Promise<AppliedChange[]> {
    const { organizationId } = changes[0];
    const items = changes.flatMap((change) =>
      // Sorted by value, so each change answers its events in one stable order.
      [...change.attributes]
        .sort((a, b) => a.contact.localeCompare(b.contact))
        .map((attribute) => ({ change, attribute, key: idempotencyKey(change, attribute) })),
    );
    const opened = await this.openBatch(executor, organizationId, items, options);
    const applied = changes.map((change) => {
      const result: AppliedChange = { warnings: [], events: [], preferences: [] };
      for (const item of items.filter((candidate) => candidate.change === change)) {
        const { event, preference } = opened.batch.settle(item);
        result.events.push(event);
        result.warnings.push(...event.warnings);
        if (preference && !result.preferences.some((row) => row.id === preference.id)) {
          result.preferences.push(withoutVersion(preference));
        }
      }
      return result;
    });
    await this.write(executor, organizationId, opened, options);
    return applied;
  }

  /**
   * The batch's start: what this instance last wrote for its values when it has all of them
   * (outside a transaction, ConsentStateCache), else a read of the preferences (locked, with
   * `lock`) and of what the ledger holds for them.
   */
  private async openBatch(
    executor: Executor,
    organizationId: string,
    items: BatchItem[],
    { lock }: { lock: boolean },
  ): Promise<OpenedBatch> {
    const contacts = [...new Set(items.map((item) => item.attribute.contact))];
    const pairs = uniquePairs(items);
    const keys = items.flatMap(({ key, attribute: { contact, channel } }) =>
      key ? [{ idempotencyKey: key, contact, channel }] : [],
    );
    // Only an opt-in reads the double opt-in switch, so only an opt-in waits on a deployment switch.
    const needsSwitch = items.some((item) =>
      dependsOnDoubleOptIn(item.change.event, item.attribute.okToCommunicate),
    );
    const switchQuery = needsSwitch ? this.switchQuery : null;
    // Only a confirming reply under double opt-in depends on a pending request.
    const withPending = items.some((item) => item.change.event === CONFIRMING_REPLY);
    const remembered =
      lock || withPending ? null : this.remembered.start(organizationId, pairs, keys, needsSwitch);
    const start = remembered
      ? { ...remembered, earlier: [], pending: new Map<string, string>() }
      : await this.readStart(
          executor,
          organizationId,
          { contacts, pairs, keys, lock },
          { switchQuery, withPending },
        );
    const batch = new LedgerBatch({
      now: new Date(),
      ...start,
      newPreference: (contact, at) =>
        this.preferences.newForConsentChange(organizationId, contact, at),
    });
    return {
      batch,
      contacts,
      pairs,
      keys,
      switchRead: switchQuery ? { query: switchQuery, expected: start.doubleOptIn } : null,
    };
  }

  private async readStart(
    executor: Executor,
    organizationId: string,
    batch: { contacts: string[]; pairs: ChannelOfValue[]; keys: KeyOfValue[]; lock: boolean },
    reads: { switchQuery: SQL | null; withPending: boolean },
  ) {
    // Locked, the preferences are read first and the ledger after the locks are held, so it sees
    // every committed decision. Unlocked, both are read in one statement, one snapshot: a
    // decision committed after it rewrote one of those preferences, which the write's version
    // check catches.
    const locked = batch.lock
      ? await this.preferences.lockForConsentChange(executor, organizationId, batch.contacts)
      : null;
    const unlocked = batch.lock ? null : this.preferenceRead;
    const state = await this.repository.findLedgerState(executor, organizationId, {
      keys: batch.keys,
      pairs: batch.pairs,
      withPending: reads.withPending,
      doubleOptIn: reads.switchQuery,
      alongside: unlocked
        ? { query: unlocked.query, values: unlocked.values(batch.contacts) }
        : null,
    });
    const earlier =
      state.repeatedKeys.length > 0
        ? await this.repository.findByIdempotencyKeys(executor, organizationId, state.repeatedKeys)
        : [];
    return {
      preferences: locked ?? unlocked!.parse(state.alongside!),
      earlier,
      decidedAt: state.decidedAt,
      flaggedAt: state.flaggedAt,
      pending: state.pending,
      doubleOptIn: state.doubleOptIn,
    };
  }

  /**
   * Appends the settled batch. Outside a transaction its write commits at once, so its values'
   * state is remembered for the next batch; a write that lost a race, or one inside a
   * transaction (which may yet roll back), makes this instance read those values afresh.
   */
  private async write(
    executor: Executor,
    organizationId: string,
    opened: OpenedBatch,
    { lock }: { lock: boolean },
  ): Promise<void> {
    const { events, created, existing, clearedPending, putPending } = opened.batch.writes();
    if (events.length === 0) return;
    const preferences =
      created.length + existing.length > 0
        ? {
            statements: this.preferenceWrites,
            values: this.preferences.consentWriteValues(created, existing),
          }
        : null;
    let version: string | null = null;
    try {
      version = await this.repository.appendBatch(executor, organizationId, {
        events,
        preferences,
        doubleOptIn: opened.switchRead,
        clearedPending,
        putPending,
      });
    } finally {
      // Lost a race, failed, or not yet committed: read these values afresh next time.
      if (version === null || lock) this.remembered.forget(organizationId, opened.contacts);
    }
    if (version === null)
      throw new ConcurrentConsentChange("A concurrent consent change came first");
    if (lock) return;
    this.remembered.remember(organizationId, {
      existing,
      created,
      version,
      pairs: opened.pairs,
      ...opened.batch.latestDecisions(),
      keys: opened.keys,
      doubleOptIn: opened.switchRead?.expected ?? null,
    });
  }

  /** A deployment-level switch of double opt-in, in a transaction that holds no other lock. */
  async applyDeploymentSwitch(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    const enabled = change.event === "DOUBLE_OPTIN_ROLLOUT";
    const organization = await this.organizations.lockForDeploymentSwitch(
      tx,
      change.organizationId,
    );
    await this.organizations.setDoubleOptIn(tx, change.organizationId, enabled);
    // The switch remembered for the next batches is read afresh (their write would catch it).
    this.remembered.forget(change.organizationId, []);
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
