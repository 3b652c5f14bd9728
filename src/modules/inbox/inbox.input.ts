import { Field, ID, InputType, registerEnumType } from "type-graphql";

export enum InboxSortField {
  LAST_MESSAGE_AT = "LAST_MESSAGE_AT",
  UNREAD_COUNT = "UNREAD_COUNT",
  ACKNOWLEDGED_AT = "ACKNOWLEDGED_AT",
}
registerEnumType(InboxSortField, {
  name: "InboxSortField",
  description: "Seed sort last-timestamp, unread-count, ack-timestamp; ties go by channel id.",
});

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });

@InputType({ description: "Seed 002 GET /communication-messages filters, combined with AND." })
export class InboxFilter {
  @Field(() => Boolean, { nullable: true })
  archived?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "The caller has a bookmark there." })
  bookmarked?: boolean | null;

  @Field(() => String, { nullable: true, description: "Part of the channel's name or label." })
  text?: string | null;

  @Field(() => String, { nullable: true, description: "The channel's subscriptionType." })
  type?: string | null;

  @Field(() => ID, { nullable: true })
  individualGroupId?: string | null;
}

@InputType()
export class InboxSort {
  @Field(() => InboxSortField, { defaultValue: InboxSortField.LAST_MESSAGE_AT })
  field!: InboxSortField;

  @Field(() => SortDirection, { defaultValue: SortDirection.DESC })
  direction!: SortDirection;
}
