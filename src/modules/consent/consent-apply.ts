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
  decideEffect,
  dependsOnDoubleOptIn,
  DEPLOYMENT_EVENTS,
  setsFlag,
  type OptOutWarning,
} from "./consent-rules";
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

const FLAG = { SMS: "doNotText", VOICE: "doNotCall", EMAIL: "doNotEmail" } as const;

const SUPERSEDED: OptOutWarning = {
  warningCode: "SUPERSEDED",
  warningDescription:
    "A newer decision for this channel stands; the event is recorded without effect",
};

function idempotencyKey(change: ConsentChange, attribute: NormalizedAttribute): string | null {
  return change.messageId
    ? [change.messageId, change.event, attribute.channel, attribute.contact].join("|")
    : null;
}

/**
 * Applies a consent change inside one transaction (CONSENT.md): each preference changes only
 * together with its ledger row; repeats (same message id + event + value) change nothing; and a
 * late event older than the channel's latest decision is recorded without overriding it.
 */
export class ConsentLedger {
  constructor(
    private readonly repository: ConsentRepository,
    private readonly preferences: ContactPreferenceService,
    private readonly organizations: OrganizationService,
  ) {}

  async apply(tx: Executor, change: ConsentChange): Promise<AppliedChange> {
    if (DEPLOYMENT_EVENTS.has(change.event)) return this.applyDeploymentSwitch(tx, change);
    // Only an opt-in reads the double opt-in switch, so only an opt-in waits on a deployment switch.
    const needsSwitch = change.attributes.some((attribute) =>
      dependsOnDoubleOptIn(change.event, attribute.okToCommunicate),
    );
    const organization = needsSwitch
      ? await this.organizations.lockForConsentChange(tx, change.organizationId)
      : undefined;
    const doubleOptIn = organization?.doubleOptIn ?? false;
    const result: AppliedChange = { warnings: [], events: [], preferences: [] };
    // A fixed lock order keeps two requests over the same values from deadlocking.
    const ordered = [...change.attributes].sort((a, b) => a.contact.localeCompare(b.contact));
    for (const attribute of ordered) {
      const applied = await this.applyAttribute(tx, change, attribute, doubleOptIn);
      result.events.push(applied.event);
      result.warnings.push(...applied.event.warnings);
      if (
        applied.preference &&
        !result.preferences.some((row) => row.id === applied.preference!.id)
      ) {
        result.preferences.push(applied.preference);
      }
    }
    return result;
  }

  private async applyAttribute(
    tx: Executor,
    change: ConsentChange,
    attribute: NormalizedAttribute,
    doubleOptIn: boolean,
  ): Promise<{ event: ConsentEventRow; preference: ContactPreferenceRow | undefined }> {
    const { organizationId } = change;
    const { contact, channel } = attribute;
    const flag = FLAG[channel];
    // Only a confirming reply under double opt-in depends on a pending request.
    const pending =
      doubleOptIn && change.event === "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED"
        ? await this.repository.findPendingOptIn(tx, organizationId, contact, channel)
        : undefined;
    const decision = decideEffect(change.event, attribute.okToCommunicate, {
      doubleOptIn,
      confirmationPending: pending?.reason === "CONFIRMATION",
    });
    let preference = await this.preferences.lockExisting(tx, organizationId, contact);
    let effect: ConsentEventRow["effect"] = "NONE";
    let next = preference ? preference[flag] : null;
    if (setsFlag(decision.effect)) {
      preference ??= (await this.preferences.lockOrCreate(tx, organizationId, contact)).row;
      effect = decision.effect;
      next = decision.effect === "OPT_OUT";
    } else if (decision.effect === "CREATE" && !preference) {
      preference = (await this.preferences.lockOrCreate(tx, organizationId, contact)).row;
      effect = "CREATED";
      next = !attribute.okToCommunicate;
    }
    const previous = preference ? preference[flag] : null;
    const key = idempotencyKey(change, attribute);
    const event = await this.repository.appendOnce(
      tx,
      this.eventRow(change, attribute, {
        effect,
        previous,
        next,
        warnings: decision.warnings,
        key,
      }),
      setsFlag(decision.effect) ? { previous, next: next!, superseded: SUPERSEDED } : null,
      decision.effect === "OPT_IN",
    );
    if (!event) {
      // A repeat changes nothing and answers what the first time recorded.
      const earlier = await this.repository.findByIdempotencyKey(tx, organizationId, key!);
      return { event: earlier!, preference };
    }
    if (preference && event.newOptedOut !== null && event.newOptedOut !== preference[flag]) {
      preference = await this.preferences.setFlags(tx, organizationId, preference.id, {
        [flag]: event.newOptedOut,
      });
    }
    if (decision.effect === "REQUEST_OPT_IN" || decision.effect === "AWAIT_CONFIRMATION") {
      const reason = decision.effect === "REQUEST_OPT_IN" ? "REQUESTED" : "CONFIRMATION";
      await this.repository.putPendingOptIn(tx, {
        organizationId,
        contact,
        channel,
        reason,
        eventId: event.id,
      });
    }
    return { event, preference };
  }

  private eventRow(
    change: ConsentChange,
    attribute: NormalizedAttribute,
    outcome: {
      effect: ConsentEventRow["effect"];
      previous: boolean | null;
      next: boolean | null;
      warnings: OptOutWarning[];
      key: string | null;
    },
  ) {
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
      effectiveAt: change.effectiveAt,
      idempotencyKey: outcome.key,
    };
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
    for (const [channel, flag] of Object.entries(FLAG) as [
      CommunicationTypeValue,
      (typeof FLAG)[CommunicationTypeValue],
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
