import type { CommunicationTypeValue, ContactPreferenceRow } from "../../db/schema";
import type { VersionedPreference } from "../contact-preference/contact-preference.repository";
import { pairKey, type ChannelOfValue, type KeyOfValue } from "./consent.repository";

/** Values remembered across all organizations; the least recently written go first. */
const MAX_VALUES = 20_000;
/** Idempotency keys remembered per value, the latest. */
const MAX_KEYS_PER_VALUE = 64;

/** What this instance last wrote for one value, as committed. */
interface ValueState {
  preference: VersionedPreference;
  /** Epoch milliseconds of each channel's latest decision; null: the ledger has none. */
  decidedAt: Partial<Record<CommunicationTypeValue, number | null>>;
  /** The same, of each channel's latest opt-out or opt-in (LedgerState.flaggedAt). */
  flaggedAt: Partial<Record<CommunicationTypeValue, number | null>>;
  /** Idempotency keys of the events written for the value while remembered. */
  keys: Set<string>;
}

/** The state a batch starts from, as a read of the ledger would answer it. */
export interface RememberedStart {
  preferences: VersionedPreference[];
  decidedAt: Map<string, number>;
  flaggedAt: Map<string, number>;
  doubleOptIn: boolean;
}

/**
 * The consent state of the values this instance wrote last: the preference with the row version
 * its write left, and each channel's latest decision. A batch whose values are all here starts
 * from it and skips its read (one statement instead of two). Nothing here is trusted: the write
 * checks every preference's version (and the double opt-in switch) as always, and every consent
 * write rewrites the preferences of its values, so whatever another instance, an admin edit or an
 * inbound keyword changed fails that check, and the batch runs again from a fresh read. A repeated
 * idempotency key this instance did not write fails the ledger's unique index the same way.
 */
export class ConsentStateCache {
  private readonly values = new Map<string, ValueState>();
  private readonly doubleOptIn = new Map<string, boolean>();

  /** The batch's start, when every value and channel is remembered and no key is a repeat. */
  start(
    organizationId: string,
    pairs: readonly ChannelOfValue[],
    keys: readonly KeyOfValue[],
    needsSwitch: boolean,
  ): RememberedStart | null {
    const doubleOptIn = this.doubleOptIn.get(organizationId);
    if (needsSwitch && doubleOptIn === undefined) return null;
    const preferences = new Map<string, VersionedPreference>();
    const decidedAt = new Map<string, number>();
    const flaggedAt = new Map<string, number>();
    for (const pair of pairs) {
      const state = this.values.get(valueKey(organizationId, pair.contact));
      const decided = state?.decidedAt[pair.channel];
      const flagged = state?.flaggedAt[pair.channel];
      if (decided === undefined || flagged === undefined) return null;
      if (decided !== null) decidedAt.set(pairKey(pair), decided);
      if (flagged !== null) flaggedAt.set(pairKey(pair), flagged);
      preferences.set(pair.contact, state!.preference);
    }
    for (const { contact, idempotencyKey } of keys) {
      if (this.values.get(valueKey(organizationId, contact))?.keys.has(idempotencyKey)) return null;
    }
    return {
      preferences: [...preferences.values()],
      decidedAt,
      flaggedAt,
      doubleOptIn: doubleOptIn ?? false,
    };
  }

  /**
   * After a write outside any transaction committed as `version`: `existing` as settled, each
   * still with the version it was read at, and `created`. A value read afresh at a version other
   * than the remembered one forgets its other channels, which may have moved in between.
   */
  remember(
    organizationId: string,
    written: {
      existing: readonly VersionedPreference[];
      created: readonly ContactPreferenceRow[];
      version: string;
      pairs: readonly ChannelOfValue[];
      decidedAt: ReadonlyMap<string, number>;
      flaggedAt: ReadonlyMap<string, number>;
      keys: readonly KeyOfValue[];
      doubleOptIn: boolean | null;
    },
  ): void {
    if (written.doubleOptIn !== null) this.doubleOptIn.set(organizationId, written.doubleOptIn);
    const rows: [ContactPreferenceRow, string | null][] = [
      ...written.existing.map((row): [ContactPreferenceRow, string] => [row, row.version]),
      ...written.created.map((row): [ContactPreferenceRow, null] => [row, null]),
    ];
    for (const [row, readVersion] of rows) {
      const key = valueKey(organizationId, row.contact);
      const known = this.values.get(key);
      const carried = known?.preference.version === readVersion ? known : undefined;
      this.values.delete(key);
      this.values.set(key, {
        preference: { ...row, version: written.version },
        decidedAt: { ...carried?.decidedAt },
        flaggedAt: { ...carried?.flaggedAt },
        keys: carried?.keys ?? new Set(),
      });
    }
    for (const pair of written.pairs) {
      const state = this.values.get(valueKey(organizationId, pair.contact));
      if (!state) continue;
      state.decidedAt[pair.channel] = written.decidedAt.get(pairKey(pair)) ?? null;
      state.flaggedAt[pair.channel] = written.flaggedAt.get(pairKey(pair)) ?? null;
    }
    for (const { contact, idempotencyKey } of written.keys) {
      const keys = this.values.get(valueKey(organizationId, contact))?.keys;
      keys?.add(idempotencyKey);
      if (keys && keys.size > MAX_KEYS_PER_VALUE) keys.delete(keys.values().next().value!);
    }
    for (const oldest of this.values.keys()) {
      if (this.values.size <= MAX_VALUES) break;
      this.values.delete(oldest);
    }
  }

  /** After a write that lost a race or ran in a transaction: these values are read afresh. */
  forget(organizationId: string, contacts: Iterable<string>): void {
    this.doubleOptIn.delete(organizationId);
    for (const contact of contacts) this.values.delete(valueKey(organizationId, contact));
  }
}

const valueKey = (organizationId: string, contact: string) => `${organizationId}|${contact}`;
