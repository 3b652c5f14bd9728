import type { ConsentEventRow, ContactPreferenceRow } from "../../db/schema";
import type { VersionedPreference } from "../contact-preference/contact-preference.repository";
import { newId } from "../../lib/ids";
import type { ConsentChange, NormalizedAttribute } from "./consent-apply";
import { decideEffect, setsFlag, type OptOutWarning } from "./consent-rules";
import { pairKey, type ChannelOfValue, type PendingOptInRow } from "./consent.repository";

/** The preference flag of each channel (seed 000). */
export const CHANNEL_FLAG = { SMS: "doNotText", VOICE: "doNotCall", EMAIL: "doNotEmail" } as const;

/** The reply that confirms a pending double opt-in. */
export const CONFIRMING_REPLY = "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED";

const SUPERSEDED: OptOutWarning = {
  warningCode: "SUPERSEDED",
  warningDescription:
    "A newer decision for this channel stands; the event is recorded without effect",
};

/**
 * Effects that decide a channel: a later one of these supersedes an older opt-in. An older
 * opt-out is superseded only by a later opt-out or opt-in (FLAG_EFFECTS): a creation never
 * overrides an opt-out (CONSENT.md), whichever of the two takes effect first. A STOP that took
 * effect a moment before a creation of the same new number, and is applied after it, opts out.
 */
const DECIDING_EFFECTS = new Set<ConsentEventRow["effect"]>(["OPT_OUT", "OPT_IN", "CREATED"]);
const FLAG_EFFECTS = new Set<ConsentEventRow["effect"]>(["OPT_OUT", "OPT_IN"]);

/** One attribute of one change, in the order the batch applies them. */
export interface BatchItem {
  change: ConsentChange;
  attribute: NormalizedAttribute;
  /** message id + event + channel + value, when the change has a message id. */
  key: string | null;
}

/** What the batch read: its values' preferences (with their versions) and the ledger's state. */
export interface LedgerBatchStart {
  now: Date;
  doubleOptIn: boolean;
  preferences: readonly VersionedPreference[];
  /** Ledger events whose idempotency keys the batch repeats. */
  earlier: readonly ConsentEventRow[];
  /** By pairKey: epoch milliseconds of the channel's latest decision in the ledger. */
  decidedAt: Map<string, number>;
  /** By pairKey: the same, of its latest opt-out or opt-in only (LedgerState.flaggedAt). */
  flaggedAt: Map<string, number>;
  /** By pairKey: pending opt-in reasons (read only when a confirming reply needs them). */
  pending: Map<string, string>;
  newPreference(contact: string, at: Date): ContactPreferenceRow;
}

/** Each value and channel the items touch, once. */
export function uniquePairs(items: readonly BatchItem[]): ChannelOfValue[] {
  const pairs = new Map<string, ChannelOfValue>();
  for (const { attribute } of items) pairs.set(pairKey(attribute), attribute);
  return [...pairs.values()];
}

type PendingChange = { pair: ChannelOfValue; put: PendingOptInRow | null };

/**
 * The state of a batch's values as its changes are settled one after another, in memory, from
 * what the batch read; then everything the batch writes (which goes through only if that state
 * still holds, ConsentRepository.appendBatch). Settling item by item
 * against this state gives the same events and flags as one transaction per change.
 */
export class LedgerBatch {
  private readonly preferences = new Map<string, ContactPreferenceRow>();
  private readonly created = new Set<string>();
  private readonly events: ConsentEventRow[] = [];
  private readonly byKey = new Map<string, ConsentEventRow>();
  private readonly pendingChanges = new Map<string, PendingChange>();

  constructor(private readonly start: LedgerBatchStart) {
    for (const row of start.preferences) this.preferences.set(row.contact, row);
    for (const event of start.earlier) this.byKey.set(event.idempotencyKey!, event);
  }

  /** One attribute's event, and its preference as it stands after the event. */
  settle(item: BatchItem): {
    event: ConsentEventRow;
    preference: ContactPreferenceRow | undefined;
  } {
    const { change, attribute, key } = item;
    const { contact, channel } = attribute;
    const flag = CHANNEL_FLAG[channel];
    const pair = pairKey(attribute);
    const earlier = key ? this.byKey.get(key) : undefined;
    // A repeat changes nothing and answers what the first time recorded.
    if (earlier) return { event: earlier, preference: this.preferences.get(contact) };
    const decision = decideEffect(change.event, attribute.okToCommunicate, {
      doubleOptIn: this.start.doubleOptIn,
      confirmationPending:
        change.event === CONFIRMING_REPLY && this.start.pending.get(pair) === "CONFIRMATION",
    });
    let preference = this.preferences.get(contact);
    let effect: ConsentEventRow["effect"] = "NONE";
    let next = preference ? preference[flag] : null;
    if (setsFlag(decision.effect)) {
      preference ??= this.create(contact);
      effect = decision.effect;
      next = decision.effect === "OPT_OUT";
    } else if (decision.effect === "CREATE" && !preference) {
      preference = this.create(contact);
      effect = "CREATED";
      next = !attribute.okToCommunicate;
    }
    const previous = preference ? preference[flag] : null;
    const warnings = [...decision.warnings];
    if (setsFlag(decision.effect) && this.decidedAfter(pair, decision.effect, change.effectiveAt)) {
      next = previous;
      warnings.push(SUPERSEDED);
    } else if (decision.effect === "OPT_IN") {
      this.setPending(attribute, null);
    }
    const event = eventRow(change, attribute, this.start.now, {
      effect,
      previous,
      next,
      warnings,
      key,
    });
    this.record(event);
    if (preference && next !== null && next !== preference[flag]) {
      preference = { ...preference, [flag]: next, updatedAt: this.start.now };
      this.preferences.set(contact, preference);
    }
    if (decision.effect === "REQUEST_OPT_IN" || decision.effect === "AWAIT_CONFIRMATION") {
      const reason = decision.effect === "REQUEST_OPT_IN" ? "REQUESTED" : "CONFIRMATION";
      this.setPending(attribute, {
        organizationId: change.organizationId,
        contact,
        channel,
        reason,
        eventId: event.id,
        createdAt: this.start.now,
      });
    }
    return { event, preference };
  }

  /**
   * Everything the settled batch writes, in one statement (ConsentRepository.appendBatch):
   * `existing` holds every preference it read, as it now stands, with the version it was read at.
   */
  writes() {
    const changes = [...this.pendingChanges.values()];
    return {
      events: this.events,
      created: [...this.created].map((contact) => this.preferences.get(contact)!),
      existing: this.start.preferences.map(
        (row) => this.preferences.get(row.contact) as VersionedPreference,
      ),
      clearedPending: changes.filter((change) => !change.put).map((change) => change.pair),
      putPending: changes.flatMap((change) => (change.put ? [change.put] : [])),
    };
  }

  /** By pairKey: each channel's latest decision and latest opt-out or opt-in, ledger and batch. */
  latestDecisions(): {
    decidedAt: ReadonlyMap<string, number>;
    flaggedAt: ReadonlyMap<string, number>;
  } {
    return { decidedAt: this.start.decidedAt, flaggedAt: this.start.flaggedAt };
  }

  private create(contact: string): ContactPreferenceRow {
    const row = this.start.newPreference(contact, this.start.now);
    this.preferences.set(contact, row);
    this.created.add(contact);
    return row;
  }

  /**
   * Whether a decision that supersedes an `effect` taking effect at `effectiveAt` is in the ledger
   * or the batch: for an opt-out, a later opt-out or opt-in; for an opt-in, a creation as well.
   */
  private decidedAfter(pair: string, effect: "OPT_OUT" | "OPT_IN", effectiveAt: Date): boolean {
    const latest = effect === "OPT_OUT" ? this.start.flaggedAt : this.start.decidedAt;
    return (latest.get(pair) ?? -Infinity) > effectiveAt.getTime();
  }

  private record(event: ConsentEventRow): void {
    this.events.push(event);
    if (event.idempotencyKey) this.byKey.set(event.idempotencyKey, event);
    if (!DECIDING_EFFECTS.has(event.effect)) return;
    const pair = pairKey({ contact: event.contact!, channel: event.channel! });
    const at = event.effectiveAt.getTime();
    const { decidedAt, flaggedAt } = this.start;
    decidedAt.set(pair, Math.max(decidedAt.get(pair) ?? -Infinity, at));
    if (FLAG_EFFECTS.has(event.effect)) {
      flaggedAt.set(pair, Math.max(flaggedAt.get(pair) ?? -Infinity, at));
    }
  }

  /** A pending opt-in for the value's channel, or none: the batch writes only the last word. */
  private setPending(pair: ChannelOfValue, put: PendingOptInRow | null): void {
    const key = pairKey(pair);
    if (put) this.start.pending.set(key, put.reason);
    else this.start.pending.delete(key);
    this.pendingChanges.set(key, { pair: { contact: pair.contact, channel: pair.channel }, put });
  }
}

function eventRow(
  change: ConsentChange,
  attribute: NormalizedAttribute,
  receivedAt: Date,
  outcome: {
    effect: ConsentEventRow["effect"];
    previous: boolean | null;
    next: boolean | null;
    warnings: OptOutWarning[];
    key: string | null;
  },
): ConsentEventRow {
  return {
    organizationId: change.organizationId,
    id: newId(),
    departmentId: change.departmentId,
    eventType: change.event,
    updateType: change.updateType,
    channel: attribute.channel,
    contact: attribute.contact,
    rawValue: attribute.rawValue,
    okToCommunicate: attribute.okToCommunicate,
    effect: outcome.effect,
    previousOptedOut: outcome.previous,
    newOptedOut: outcome.next,
    source: change.source,
    actorUserId: change.actorUserId,
    apiCallSource: change.apiCallSource,
    customerId: attribute.customerId ?? change.customerId,
    messageId: change.messageId,
    inboundText: change.inboundText,
    warnings: outcome.warnings,
    receivedAt,
    effectiveAt: change.effectiveAt,
    idempotencyKey: outcome.key,
  };
}
