import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Seed 002 POST /messaging-bulk-messages." })
export class PostBulkMessageInput {
  @Field(() => String)
  body!: string;

  @Field(() => [ID], { defaultValue: [] })
  individualIds!: string[];

  @Field(() => [ID], { defaultValue: [], description: "Every member of these groups." })
  individualGroupIds!: string[];

  @Field(() => Boolean, { defaultValue: false, description: "Kept editable; not posted yet." })
  draft!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  autoAck!: boolean;

  @Field(() => Boolean, {
    defaultValue: false,
    description: "Creates a direct channel for recipients without one; else they are skipped.",
  })
  autoCreateChannel!: boolean;
}

@InputType({ description: "Edits a draft bulk message; draft: false posts it." })
export class UpdateBulkMessageInput {
  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => [ID], { nullable: true })
  individualIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  individualGroupIds?: string[] | null;

  @Field(() => Boolean, { nullable: true })
  draft?: boolean | null;
}
