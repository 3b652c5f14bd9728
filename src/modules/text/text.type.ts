import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";

export enum TextStatus {
  ACCEPTED = "ACCEPTED",
  QUEUED = "QUEUED",
  SENDING = "SENDING",
  SENT = "SENT",
  DELIVERED = "DELIVERED",
  UNDELIVERED = "UNDELIVERED",
  FAILED = "FAILED",
  CANCELED = "CANCELED",
  RECEIVED = "RECEIVED",
}
registerEnumType(TextStatus, {
  name: "TextStatus",
  description:
    "Moves forward only: ACCEPTED → QUEUED → SENDING → SENT → DELIVERED / UNDELIVERED / FAILED. CANCELED: never sent, because the recipient opted out while it waited (`error` says so; a later opt-in does not send it). Inbound texts are RECEIVED.",
});

export enum TextDirection {
  OUTBOUND = "OUTBOUND",
  INBOUND = "INBOUND",
}
registerEnumType(TextDirection, { name: "TextDirection" });

@ObjectType({ description: "Seed 002 text-account-numbers: a number an account texts from." })
export class TextNumber {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { description: "E.164." })
  phoneNumber!: string;

  @Field(() => Boolean)
  capabilitySms!: boolean;

  @Field(() => Boolean)
  capabilityMms!: boolean;

  @Field(() => Boolean)
  capabilityVoice!: boolean;

  @Field(() => String, { nullable: true, description: "E.164 number calls are forwarded to." })
  forwardTo!: string | null;

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => Boolean)
  logging!: boolean;

  @Field(() => Boolean)
  alert!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: "Seed 002 text-accounts." })
export class TextAccount {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: "E.164." })
  phoneNumber!: string | null;

  @Field(() => Boolean)
  allowCustomNumber!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType({ description: "Seed 002 text-user-number-maps: the number a user texts from." })
export class TextUserNumberMap {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  numberId!: string;

  @Field(() => String)
  userId!: string;

  @Field(() => Date)
  createdAt!: Date;
}

@Directive(`@key(fields: "id")`)
@ObjectType({ description: "Seed 002 texts: one SMS, outgoing or received." })
export class Text {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: "E.164 sender." })
  from!: string | null;

  @Field(() => String, { description: "E.164 recipient (outgoing) or our number (inbound)." })
  target!: string;

  @Field(() => String)
  message!: string;

  @Field(() => TextDirection)
  direction!: TextDirection;

  @Field(() => TextStatus)
  status!: TextStatus;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the text failed or was canceled, as `CODE: description` (`OPTED_OUT: …` for a CANCELED text).",
  })
  error!: string | null;

  @Field(() => String, { nullable: true, description: "The provider's message id (Twilio SID)." })
  providerSid!: string | null;

  @Field(() => String, { nullable: true })
  callbackUrl!: string | null;

  @Field(() => String, { nullable: true })
  callbackStatusUrl!: string | null;

  @Field(() => [String], { nullable: true })
  expectedResponses!: string[] | null;

  @Field(() => String, { nullable: true })
  createdBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastModifiedAt!: Date;
}

@ObjectType()
export class TextConnection extends ConnectionType(Text, "Text") {}

@ObjectType()
export class TextAccountConnection extends ConnectionType(TextAccount, "TextAccount") {}
