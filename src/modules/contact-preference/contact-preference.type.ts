import { Field, ID, ObjectType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";

@ObjectType({
  description:
    "Seed 000: the current consent answer for one contact value. Changed only together with a consent event.",
})
export class ContactPreference {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  legacyId!: string | null;

  @Field(() => String, { nullable: true })
  nextgenLegacyId!: string | null;

  @Field(() => String, {
    description: "Normalized value: E.164 phone number or lower-cased email (≤255).",
  })
  contact!: string;

  @Field(() => String, { nullable: true, description: "Reason for the restriction." })
  reason!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Country (≤255); an ISO 3166 code also sets the phone region.",
  })
  country!: string | null;

  @Field(() => Boolean, { description: "Do not send texts (SMS) to this contact." })
  doNotText!: boolean;

  @Field(() => Boolean, { description: "Do not call this contact." })
  doNotCall!: boolean;

  @Field(() => Boolean, { description: "Do not email this contact." })
  doNotEmail!: boolean;

  @Field(() => Date, { nullable: true })
  createdAt!: Date | null;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType()
export class ContactPreferenceConnection extends ConnectionType(
  ContactPreference,
  "ContactPreference",
) {}
