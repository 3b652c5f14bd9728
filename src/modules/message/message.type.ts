import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";
import { Individual } from "../individual/individual.type";

export enum ReactionType {
  DISLIKE = "DISLIKE",
  LIKE = "LIKE",
  LOL = "LOL",
  LOVE = "LOVE",
  SAD = "SAD",
  WOW = "WOW",
}
registerEnumType(ReactionType, { name: "ReactionType", description: "Seed 002 reaction-type." });

@Directive(`@key(fields: "id")`)
@ObjectType({
  description: "Seed 002 messaging-messages: one post in a channel.",
  simpleResolvers: true,
})
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  channelId!: string;

  @Field(() => Boolean, { description: "Visible to its author only until posted." })
  draft!: boolean;

  @Field(() => Boolean, { description: "Removed messages keep their place; the body is hidden." })
  removed!: boolean;

  @Field(() => String, { nullable: true, description: 'Seed: e.g. "auto-responder".' })
  source!: string | null;

  @Field(() => String, { nullable: true, description: 'Seed: e.g. "participant".' })
  userType!: string | null;

  @Field(() => Date)
  postedAt!: Date;

  @Field(() => Date)
  lastModifiedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class MessageConnection extends ConnectionType(Message, "Message") {}

@ObjectType({ description: "One individual's reaction to a message.", simpleResolvers: true })
export class Reaction {
  @Field(() => ReactionType)
  type!: ReactionType;

  @Field(() => ID)
  individualId!: string;

  @Field(() => Date)
  createdAt!: Date;

  /** Not on the row: put on it by withIndividuals (individual.relation.ts). */
  @Field(() => Individual)
  individual?: Individual;
}

@ObjectType({
  description: "Whether one subscriber has read a message (their read horizon).",
  simpleResolvers: true,
})
export class ReadReceipt {
  @Field(() => ID)
  individualId!: string;

  @Field(() => Date, { nullable: true, description: "When their read horizon passed it." })
  acknowledgedAt!: Date | null;

  /** Not on the row: put on it by withIndividuals (individual.relation.ts). */
  @Field(() => Individual)
  individual?: Individual;
}

@ObjectType({
  description: "The subscribers, other than the author, who have and have not read it.",
  simpleResolvers: true,
})
export class MessageReceipts {
  @Field(() => [ReadReceipt])
  read!: ReadReceipt[];

  @Field(() => [ReadReceipt])
  unread!: ReadReceipt[];
}
