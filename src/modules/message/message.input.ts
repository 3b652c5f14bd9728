import { Field, ID, InputType } from "type-graphql";
import { ReactionType } from "./message.type";

@InputType({ description: "Seed 002 POST /messaging-messages." })
export class PostMessageInput {
  @Field(() => ID)
  channelId!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Boolean, { defaultValue: false, description: "Kept for its author until posted." })
  draft!: boolean;

  @Field(() => Boolean, {
    defaultValue: false,
    description: "Also acknowledges the channel up to this message for the author.",
  })
  autoAck!: boolean;

  @Field(() => String, { nullable: true })
  source?: string | null;

  @Field(() => String, { nullable: true })
  userType?: string | null;
}

@InputType({ description: "The author's edit; draft: false posts a draft." })
export class UpdateMessageInput {
  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => Boolean, { nullable: true })
  draft?: boolean | null;
}

@InputType({ description: "Seed 002 GET /messaging-messages filters, combined with AND." })
export class MessageFilter {
  @Field(() => Boolean, { nullable: true, description: "Read (or not) by the caller." })
  acknowledged?: boolean | null;

  @Field(() => Date, { nullable: true })
  postedBefore?: Date | null;

  @Field(() => Date, { nullable: true })
  postedAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  modifiedBefore?: Date | null;

  @Field(() => Date, { nullable: true })
  modifiedAfter?: Date | null;

  @Field(() => String, { nullable: true, description: "Part of the body, case-insensitive." })
  text?: string | null;

  @Field(() => ID, { nullable: true })
  authorId?: string | null;
}

@InputType()
export class ReactionInput {
  @Field(() => ID)
  messageId!: string;

  @Field(() => ReactionType)
  type!: ReactionType;
}
