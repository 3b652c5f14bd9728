import { Directive, Field, ID, ObjectType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";
import { Individual } from "../individual/individual.type";

/** Seed 002 subscription types of a channel. */
export const SUBSCRIPTION_TYPES = [
  "direct-message",
  "group-message",
  "multicast",
  "none",
  "open",
  "single",
] as const;

@Directive(`@key(fields: "id")`)
@ObjectType({
  description: "Seed 002 messaging-channels: a conversation among subscribers.",
  simpleResolvers: true,
})
export class Channel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => Boolean)
  archived!: boolean;

  @Field(() => Boolean)
  floating!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "direct-message, group-message, multicast, none, open or single.",
  })
  subscriptionType!: string | null;

  @Field(() => Boolean, { description: "Messages also go out as texts to subscribers' phones." })
  withSms!: boolean;

  @Field(() => Boolean)
  eventSettingsEnabled!: boolean;

  @Field(() => ID, { nullable: true, description: "The text number SMS goes out from." })
  textNumberId!: string | null;

  @Field(() => Date, { description: "The last message's time, else the creation time." })
  lastMessageAt!: Date;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => ID, { nullable: true, description: "The creating individual's id." })
  createdById!: string | null;

  @Field(() => Date)
  lastModifiedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ChannelConnection extends ConnectionType(Channel, "Channel") {}

@ObjectType({
  description: "One individual subscribed to a channel, with their preferences.",
  simpleResolvers: true,
})
export class Subscriber {
  @Field(() => Boolean, { description: "May manage the channel." })
  admin!: boolean;

  @Field(() => Boolean)
  pinned!: boolean;

  @Field(() => Boolean)
  autoSignUp!: boolean;

  @Field(() => Boolean, { description: "Wants notifications of new messages." })
  notify!: boolean;

  /** Not on the row: Channel.subscribers puts it on each subscriber (channel.resolver.ts). */
  @Field(() => Individual)
  individual?: Individual;
}

/**
 * Whether a `subscribers` selection (the fields it selects of each subscriber) is answered from the
 * channel's subscriber_ids: it reads the individual and nothing else.
 */
export const subscriberIdsSuffice = (fields: Iterable<string>) => {
  let individual = false;
  for (const name of fields) {
    if (name === "individual") individual = true;
    else if (name !== "__typename") return false;
  }
  return individual;
};
