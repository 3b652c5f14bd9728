import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "An individual to subscribe, with their flags." })
export class SubscriberInput {
  @Field(() => ID)
  individualId!: string;

  @Field(() => Boolean, { defaultValue: false })
  admin!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  pinned!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  autoSignUp!: boolean;

  @Field(() => Boolean, { defaultValue: true })
  notify!: boolean;
}

@InputType({ description: "Seed 002 POST /messaging-channels." })
export class CreateChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  floating!: boolean;

  @Field(() => String, { defaultValue: "none", description: "See Channel.subscriptionType." })
  subscriptionType!: string;

  @Field(() => ID, { nullable: true })
  individualGroupId?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  eventSettingsEnabled!: boolean;

  @Field(() => ID, { nullable: true })
  textNumberId?: string | null;

  @Field(() => [SubscriberInput], {
    defaultValue: [],
    description: "Initial subscribers; the creator joins as admin when an individual.",
  })
  subscribers!: SubscriberInput[];
}

@InputType({ description: "Only the given fields change." })
export class UpdateChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  label?: string | null;

  @Field(() => Boolean, { nullable: true })
  floating?: boolean | null;

  @Field(() => String, { nullable: true })
  subscriptionType?: string | null;

  @Field(() => ID, { nullable: true })
  individualGroupId?: string | null;

  @Field(() => Boolean, { nullable: true })
  eventSettingsEnabled?: boolean | null;

  @Field(() => ID, { nullable: true })
  textNumberId?: string | null;
}

@InputType({ description: "Seed 002 GET /messaging-channels filters, combined with AND." })
export class ChannelFilter {
  @Field(() => Boolean, { nullable: true })
  archived?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  floating?: boolean | null;

  @Field(() => ID, { nullable: true })
  individualGroupId?: string | null;

  @Field(() => ID, { nullable: true, description: "Channels this individual subscribes to." })
  individualId?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "Channels this individual takes part in; with individualId, the shared ones.",
  })
  participantId?: string | null;

  @Field(() => Date, { nullable: true, description: "lastModifiedAt strictly before." })
  modifiedBefore?: Date | null;

  @Field(() => Date, { nullable: true, description: "lastModifiedAt strictly after." })
  modifiedAfter?: Date | null;
}

@InputType({ description: "The caller's own preferences for one channel." })
export class ChannelPreferencesInput {
  @Field(() => Boolean, { nullable: true })
  notify?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  pinned?: boolean | null;
}
