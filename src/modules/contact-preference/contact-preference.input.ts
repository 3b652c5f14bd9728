import { Field, InputType } from "type-graphql";

@InputType({
  description:
    "A whole contact preference (create, and PUT: omitted fields reset to their defaults).",
})
export class ContactPreferenceInput {
  @Field(() => String, { description: "Phone number in any common format, or an email (≤255)." })
  contact!: string;

  @Field(() => String, { nullable: true })
  legacyId?: string | null;

  @Field(() => String, { nullable: true })
  nextgenLegacyId?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => Boolean, { defaultValue: false })
  doNotText!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  doNotCall!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  doNotEmail!: boolean;

  @Field(() => Date, { nullable: true, description: "Seed 000 lets the client set created_at." })
  createdAt?: Date | null;
}

@InputType({ description: "PATCH: only the fields given change; null clears a nullable field." })
export class ContactPreferencePatch {
  @Field(() => String, { nullable: true })
  contact?: string;

  @Field(() => String, { nullable: true })
  legacyId?: string | null;

  @Field(() => String, { nullable: true })
  nextgenLegacyId?: string | null;

  @Field(() => String, { nullable: true })
  reason?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => Boolean, { nullable: true })
  doNotText?: boolean;

  @Field(() => Boolean, { nullable: true })
  doNotCall?: boolean;

  @Field(() => Boolean, { nullable: true })
  doNotEmail?: boolean;

  @Field(() => Date, { nullable: true })
  createdAt?: Date | null;
}

@InputType({ description: "Every given attribute must match (AND)." })
export class ContactPreferenceFilter {
  @Field(() => String, {
    nullable: true,
    description: "Any common format; matched after normalization.",
  })
  contact?: string;

  @Field(() => String, { nullable: true })
  legacyId?: string;

  @Field(() => String, { nullable: true })
  nextgenLegacyId?: string;

  @Field(() => String, { nullable: true })
  reason?: string;

  @Field(() => String, { nullable: true })
  country?: string;

  @Field(() => Boolean, { nullable: true })
  doNotText?: boolean;

  @Field(() => Boolean, { nullable: true })
  doNotCall?: boolean;

  @Field(() => Boolean, { nullable: true })
  doNotEmail?: boolean;
}
