import { Field, ID, InputType } from "type-graphql";
import { CommunicationType, OptOutEventType, OptOutUpdateType } from "./consent.type";

@InputType({ description: "Seed 003 communicationAttributesList entry." })
export class CommunicationAttributeInput {
  @Field(() => CommunicationType)
  communicationType!: CommunicationType;

  @Field(() => String, { description: "Phone number in any common format (SMS, VOICE) or email." })
  communicationValue!: string;

  @Field(() => Boolean)
  okToCommunicate!: boolean;

  @Field(() => ID, { nullable: true })
  customerId?: string | null;
}

@InputType({ description: "Seed 003 request body." })
export class OptOutEventInput {
  @Field(() => ID, { nullable: true })
  customerId?: string | null;

  @Field(() => ID, { nullable: true, description: "With event and value, the idempotency key." })
  messageId?: string | null;

  @Field(() => ID, { nullable: true })
  userId?: string | null;

  @Field(() => String, { nullable: true })
  apiCallSource?: string | null;

  @Field(() => [CommunicationAttributeInput])
  communicationAttributes!: CommunicationAttributeInput[];

  @Field(() => OptOutEventType)
  event!: OptOutEventType;

  @Field(() => OptOutUpdateType)
  updateType!: OptOutUpdateType;

  @Field(() => Boolean, {
    defaultValue: true,
    description: "false: queue the request and answer at once.",
  })
  processSynchronously!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: "When the event happened (default: now); events apply in this order.",
  })
  effectiveAt?: Date | null;
}
