import type { OptOutEventTypeValue } from "../../db/schema";

export interface OptOutWarning {
  warningCode: string;
  warningDescription: string;
}

/**
 * What one communication attribute of a seed-003 event does to its channel (CONSENT.md, Events):
 * - OPT_OUT / OPT_IN set the channel's flag (subject to effective-time order);
 * - CREATE creates the preference from okToCommunicate when none exists, never overriding one;
 * - REQUEST_OPT_IN records a pending opt-in request; AWAIT_CONFIRMATION a pending double opt-in;
 * - NONE records the event only.
 */
export type AttributeEffect =
  "OPT_OUT" | "OPT_IN" | "CREATE" | "REQUEST_OPT_IN" | "AWAIT_CONFIRMATION" | "NONE";

export interface EffectDecision {
  effect: AttributeEffect;
  warnings: OptOutWarning[];
}

const STOP_EVENTS = new Set<OptOutEventTypeValue>([
  "STOP_MESSAGE_RECEIVED",
  "STOP_SUSPECTED_MESSAGE_RECEIVED",
  "USER_REQUESTED_OPT_OUT",
]);
const OPT_IN_EVENTS = new Set<OptOutEventTypeValue>([
  "OPTIN_MESSAGE_RECEIVED",
  "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED",
]);
export const DEPLOYMENT_EVENTS = new Set<OptOutEventTypeValue>([
  "DOUBLE_OPTIN_ROLLOUT",
  "DOUBLE_OPTIN_ROLLBACK",
]);

/** The effects that set a channel's flag, and so are settled against later decisions. */
export function setsFlag(effect: AttributeEffect): effect is "OPT_OUT" | "OPT_IN" {
  return effect === "OPT_OUT" || effect === "OPT_IN";
}

/** Whether an attribute's effect depends on the organization's double opt-in switch. */
export function dependsOnDoubleOptIn(
  event: OptOutEventTypeValue,
  okToCommunicate: boolean,
): boolean {
  return OPT_IN_EVENTS.has(event) && okToCommunicate;
}

function contradiction(event: OptOutEventTypeValue, okToCommunicate: boolean): OptOutWarning {
  return {
    warningCode: "CONTRADICTORY_ATTRIBUTE",
    warningDescription: `${event} with okToCommunicate: ${okToCommunicate}; resolved toward not communicating`,
  };
}

export function decideEffect(
  event: OptOutEventTypeValue,
  okToCommunicate: boolean,
  context: { doubleOptIn: boolean; confirmationPending: boolean },
): EffectDecision {
  if (STOP_EVENTS.has(event)) {
    const warnings: OptOutWarning[] = [];
    // FCC 47 CFR 64.1200(a)(10): revocation by any reasonable means must be honoured.
    if (event === "STOP_SUSPECTED_MESSAGE_RECEIVED") {
      warnings.push({
        warningCode: "STOP_SUSPECTED",
        warningDescription:
          "The message was read as a request to stop and the contact was opted out",
      });
    }
    if (okToCommunicate) warnings.push(contradiction(event, okToCommunicate));
    return { effect: "OPT_OUT", warnings };
  }
  if (OPT_IN_EVENTS.has(event)) {
    if (!okToCommunicate)
      return { effect: "OPT_OUT", warnings: [contradiction(event, okToCommunicate)] };
    const confirmed =
      event === "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED" && context.confirmationPending;
    if (context.doubleOptIn && !confirmed) {
      return {
        effect: "AWAIT_CONFIRMATION",
        warnings: [
          {
            warningCode: "DOUBLE_OPTIN_CONFIRMATION_REQUIRED",
            warningDescription:
              "Double opt-in is on: the opt-in waits for the contact's confirmation",
          },
        ],
      };
    }
    return { effect: "OPT_IN", warnings: [] };
  }
  switch (event) {
    case "COMMUNICATION_VALUE_CREATION":
      return { effect: "CREATE", warnings: [] };
    case "USER_REQUESTED_SEND_OPTIN_REQUEST":
      return { effect: "REQUEST_OPT_IN", warnings: [] };
    case "COMMUNICATION_STATUS_NOT_FOUND":
      return {
        effect: "NONE",
        warnings: [
          {
            warningCode: "COMMUNICATION_STATUS_NOT_FOUND",
            warningDescription: "Recorded; no status changed",
          },
        ],
      };
    default:
      return { effect: "NONE", warnings: [] };
  }
}
