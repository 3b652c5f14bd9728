import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";
import { ContactPreference } from "../contact-preference/contact-preference.type";

export enum OptOutEventType {
  STOP_MESSAGE_RECEIVED = "STOP_MESSAGE_RECEIVED",
  STOP_SUSPECTED_MESSAGE_RECEIVED = "STOP_SUSPECTED_MESSAGE_RECEIVED",
  OPTIN_MESSAGE_RECEIVED = "OPTIN_MESSAGE_RECEIVED",
  OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED = "OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED",
  GENERIC_MESSAGE_RECEIVED = "GENERIC_MESSAGE_RECEIVED",
  USER_REQUESTED_SEND_OPTIN_REQUEST = "USER_REQUESTED_SEND_OPTIN_REQUEST",
  USER_REQUESTED_OPT_OUT = "USER_REQUESTED_OPT_OUT",
  COMMUNICATION_VALUE_CREATION = "COMMUNICATION_VALUE_CREATION",
  COMMUNICATION_STATUS_NOT_FOUND = "COMMUNICATION_STATUS_NOT_FOUND",
  DOUBLE_OPTIN_ROLLOUT = "DOUBLE_OPTIN_ROLLOUT",
  DOUBLE_OPTIN_ROLLBACK = "DOUBLE_OPTIN_ROLLBACK",
}
registerEnumType(OptOutEventType, {
  name: "OptOutEventType",
  description: "Seed 003 event types.",
});

export enum OptOutUpdateType {
  MESSAGE = "MESSAGE",
  CUSTOMER = "CUSTOMER",
  DEPLOYMENT = "DEPLOYMENT",
}
registerEnumType(OptOutUpdateType, { name: "OptOutUpdateType" });

export enum CommunicationType {
  SMS = "SMS",
  VOICE = "VOICE",
  EMAIL = "EMAIL",
}
registerEnumType(CommunicationType, { name: "CommunicationType" });

export enum ConsentSource {
  keyword = "keyword",
  api = "api",
  agent = "agent",
  web = "web",
  provider = "provider",
}
registerEnumType(ConsentSource, {
  name: "ConsentSource",
  description: "How a consent change reached Switchboard.",
});

export enum ConsentEffect {
  OPT_OUT = "OPT_OUT",
  OPT_IN = "OPT_IN",
  CREATED = "CREATED",
  NONE = "NONE",
}
registerEnumType(ConsentEffect, {
  name: "ConsentEffect",
  description: "What the event did to its channel.",
});

@ObjectType({ simpleResolvers: true })
export class OptOutWarning {
  @Field(() => String)
  warningCode!: string;

  @Field(() => String)
  warningDescription!: string;
}

@ObjectType({ simpleResolvers: true })
export class OptOutError {
  @Field(() => String)
  errorCode!: string;

  @Field(() => String)
  errorDescription!: string;

  @Field(() => ID)
  errorUid!: string;
}

@ObjectType({
  description: "One entry of the append-only consent ledger (CONSENT.md).",
  simpleResolvers: true,
})
export class ConsentEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  departmentId!: string | null;

  @Field(() => OptOutEventType)
  eventType!: OptOutEventType;

  @Field(() => OptOutUpdateType)
  updateType!: OptOutUpdateType;

  @Field(() => CommunicationType, { nullable: true })
  channel!: CommunicationType | null;

  @Field(() => String, {
    nullable: true,
    description: "Normalized value (E.164 or lower-cased email).",
  })
  contact!: string | null;

  @Field(() => String, { nullable: true, description: "The value as it was given." })
  rawValue!: string | null;

  @Field(() => Boolean, { nullable: true })
  okToCommunicate!: boolean | null;

  @Field(() => ConsentEffect)
  effect!: ConsentEffect;

  @Field(() => Boolean, {
    nullable: true,
    description: "The channel's opt-out flag before this event.",
  })
  previousOptedOut!: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "The channel's opt-out flag after this event.",
  })
  newOptedOut!: boolean | null;

  @Field(() => ConsentSource)
  source!: ConsentSource;

  @Field(() => String, { nullable: true })
  actorUserId!: string | null;

  @Field(() => String, { nullable: true })
  apiCallSource!: string | null;

  @Field(() => String, { nullable: true })
  customerId!: string | null;

  @Field(() => String, { nullable: true })
  messageId!: string | null;

  @Field(() => String, { nullable: true, description: "The inbound text that caused it, if any." })
  inboundText!: string | null;

  @Field(() => [OptOutWarning])
  warnings!: OptOutWarning[];

  @Field(() => Date)
  receivedAt!: Date;

  @Field(() => Date, {
    description: "When the event took effect; the ledger applies events in this order.",
  })
  effectiveAt!: Date;
}

@ObjectType()
export class ConsentEventConnection extends ConnectionType(ConsentEvent, "ConsentEvent") {}

@ObjectType({
  description:
    "Seed 003 answer: errors, warnings, the recorded event and the preferences it touched.",
})
export class OptOutStatus {
  @Field(() => [OptOutError])
  errors!: OptOutError[];

  @Field(() => [OptOutWarning])
  warnings!: OptOutWarning[];

  @Field(() => ConsentEvent, {
    nullable: true,
    description: "The first event recorded (null when queued).",
  })
  event!: ConsentEvent | null;

  @Field(() => [ContactPreference], {
    description: "The preferences as they stand after the event.",
  })
  preferences!: ContactPreference[];
}

@ObjectType({ description: "Whether a channel may be used for a value now." })
export class EffectiveConsent {
  @Field(() => Boolean)
  allowed!: boolean;

  @Field(() => Date, { nullable: true })
  since!: Date | null;

  @Field(() => ConsentEvent, { nullable: true, description: "The latest event that decided it." })
  decidedBy!: ConsentEvent | null;
}
