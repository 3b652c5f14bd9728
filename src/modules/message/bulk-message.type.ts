import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({
  description: "Seed 002 messaging-bulk-messages: one message for many recipients.",
  simpleResolvers: true,
})
export class BulkMessage {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  body!: string;

  @Field(() => Boolean, { description: "Editable until posted." })
  draft!: boolean;

  @Field(() => Boolean)
  autoAck!: boolean;

  @Field(() => Boolean, { description: "Creates a direct channel where none exists." })
  autoCreateChannel!: boolean;

  @Field(() => [ID])
  individualIds!: string[];

  @Field(() => [ID])
  individualGroupIds!: string[];

  @Field(() => ID)
  createdBy!: string;

  @Field(() => Date, { nullable: true })
  postedAt!: Date | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastModifiedAt!: Date;

  @Field(() => Int, { description: "Messages posted: one per recipient's direct channel." })
  messageCount!: number;
}

@ObjectType({ simpleResolvers: true })
export class MessageCount {
  @Field(() => String)
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description: "Seed 002 communication-summaries: messages in an individual's channels.",
  simpleResolvers: true,
})
export class CommunicationSummary {
  @Field(() => ID)
  individualId!: string;

  @Field(() => Int, { description: "Posted messages in the channels they subscribe to." })
  totalMessages!: number;

  @Field(() => Int, { description: "Of those, unread by them." })
  unreadMessages!: number;

  @Field(() => Int, { description: "Messages they wrote." })
  sentMessages!: number;

  @Field(() => [MessageCount], { description: "Keyed by the channels' subscriptionType." })
  byType!: MessageCount[];

  @Field(() => [MessageCount], {
    nullable: true,
    description: "Keyed by author individual id; with includeSenders only.",
  })
  bySender!: MessageCount[] | null;
}
