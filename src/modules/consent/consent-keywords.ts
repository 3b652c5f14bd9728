import type { Executor } from "../../db/client";
import type { OptOutEventTypeValue, TextRow } from "../../db/schema";
import type { InboundConsent } from "../text/text-inbound.service";
import type { ConsentChange } from "./consent-apply";
import type { ConsentRepository } from "./consent.repository";
import type { ConsentService } from "./consent.service";

const EVENT_OF = {
  STOP: "STOP_MESSAGE_RECEIVED",
  SUSPECTED_STOP: "STOP_SUSPECTED_MESSAGE_RECEIVED",
  START: "OPTIN_MESSAGE_RECEIVED",
  OTHER: "GENERIC_MESSAGE_RECEIVED",
} as const satisfies Record<string, OptOutEventTypeValue>;

function smsChange(
  organizationId: string,
  phoneNumber: string,
  event: OptOutEventTypeValue,
  details: Partial<ConsentChange>,
): ConsentChange {
  return {
    organizationId,
    departmentId: null,
    event,
    updateType: "MESSAGE",
    attributes: [
      {
        channel: "SMS",
        contact: phoneNumber,
        rawValue: phoneNumber,
        okToCommunicate: !event.startsWith("STOP"),
        customerId: null,
      },
    ],
    source: "keyword",
    actorUserId: null,
    apiCallSource: null,
    customerId: null,
    messageId: null,
    inboundText: null,
    effectiveAt: new Date(),
    ...details,
  };
}

/** The consent ledger as inbound texts use it (CONSENT.md, keywords on inbound texts). */
export function createInboundConsent(
  consent: ConsentService,
  repository: ConsentRepository,
): InboundConsent {
  return {
    async recordKeyword(tx: Executor, keyword) {
      // Under double opt-in, the reply that answers the confirmation request is the consent itself.
      const pending = await repository.findPendingOptIn(
        tx,
        keyword.organizationId,
        keyword.phoneNumber,
        "SMS",
      );
      const event =
        keyword.intent === "START" && pending?.reason === "CONFIRMATION"
          ? "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED"
          : EVENT_OF[keyword.intent];
      const applied = await consent.applyIn(
        tx,
        smsChange(keyword.organizationId, keyword.phoneNumber, event, {
          inboundText: keyword.rawText,
          messageId: keyword.providerMessageId,
        }),
      );
      const [recorded] = applied.events;
      return {
        changed:
          recorded.previousOptedOut !== recorded.newOptedOut && recorded.newOptedOut !== null,
        optedOut: recorded.newOptedOut === true,
        awaitingConfirmation: recorded.warnings.some(
          (w) => w.warningCode === "DOUBLE_OPTIN_CONFIRMATION_REQUIRED",
        ),
      };
    },
    async isOptedOut(tx, organizationId, phoneNumber) {
      return consent.isOptedOutOfTexts(tx, organizationId, phoneNumber);
    },
  };
}

/** Twilio 21610: the provider's own record that the recipient unsubscribed becomes a ledger event. */
export function createProviderOptOutHandler(consent: ConsentService) {
  return async (text: TextRow, providerMessage: string): Promise<void> => {
    await consent.applyNow(
      smsChange(text.organizationId, text.target, "STOP_MESSAGE_RECEIVED", {
        source: "provider",
        apiCallSource: `provider refusal: ${providerMessage}`.slice(0, 255),
        messageId: `provider-refusal:${text.id}`,
      }),
    );
  };
}
