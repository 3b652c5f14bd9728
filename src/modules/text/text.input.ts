import { Field, ID, InputType } from "type-graphql";
import { TextDirection, TextStatus } from "./text.type";

@InputType({ description: "Seed 002 POST /texts." })
export class SendTextInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => ID, {
    nullable: true,
    description:
      "Send from this number; else the caller's mapped number, else the account's first.",
  })
  numberId?: string | null;

  @Field(() => String, { description: "Recipient, any common phone format." })
  target!: string;

  @Field(() => String, { description: "1 to 1600 characters." })
  message!: string;

  @Field(() => String, { nullable: true })
  callbackUrl?: string | null;

  @Field(() => String, { nullable: true })
  callbackStatusUrl?: string | null;

  @Field(() => [String], { nullable: true })
  expectedResponses?: string[] | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      "A marketing text: under the organization's quiet hours it waits for 08:00–21:00 recipient time.",
  })
  marketing!: boolean;

  @Field(() => Boolean, {
    defaultValue: true,
    description:
      "Outside sending hours, hold the text until they open (true) or answer QUIET_HOURS (false).",
  })
  holdForQuietHours!: boolean;
}

@InputType({ description: "Seed 002 texts filters, combined with AND." })
export class TextFilter {
  @Field(() => ID, { nullable: true })
  numberId?: string;

  @Field(() => String, { nullable: true, description: "Any common phone format." })
  target?: string;

  @Field(() => TextStatus, { nullable: true })
  status?: TextStatus;

  @Field(() => TextDirection, { nullable: true })
  direction?: TextDirection;
}

@InputType()
export class CreateTextAccountInput {
  @Field(() => String, { nullable: true })
  phoneNumber?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  allowCustomNumber!: boolean;
}

@InputType()
export class CreateTextNumberInput {
  @Field(() => ID)
  accountId!: string;

  @Field(() => String)
  phoneNumber!: string;

  @Field(() => Boolean, { defaultValue: true })
  capabilitySms!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  capabilityMms!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  capabilityVoice!: boolean;

  @Field(() => String, { nullable: true })
  forwardTo?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  logging!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  alert!: boolean;
}

@InputType({ description: "Seed 002 PATCH text-account-numbers: fields given change." })
export class UpdateTextNumberInput {
  @Field(() => String, { nullable: true })
  forwardTo?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;

  @Field(() => Boolean, { nullable: true })
  logging?: boolean;

  @Field(() => Boolean, { nullable: true })
  alert?: boolean;
}

@InputType()
export class CreateTextUserNumberMapInput {
  @Field(() => ID)
  numberId!: string;

  @Field(() => String, { description: "The user (individual id) who texts from this number." })
  userId!: string;
}
