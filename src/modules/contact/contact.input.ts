import { Field, InputType } from "type-graphql";
import { ContactType } from "./contact.type";

@InputType({ description: "A new contact. Only CUSTOM contacts can be created (seed 001)." })
export class CreateContactInput {
  @Field(() => ContactType, { defaultValue: ContactType.CUSTOM })
  type!: ContactType;

  @Field(() => String, { description: "≤255 characters." })
  name!: string;

  @Field(() => String, { nullable: true, description: "Any common format; stored in E.164." })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 3166 region for reading a national number.",
  })
  country?: string | null;
}

@InputType({
  description: "Changes to a CUSTOM contact: fields given change, null clears an optional one.",
})
export class UpdateContactInput {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;
}

@InputType({
  description: "Seed 001: every given attribute must match (AND); text matches ignore case.",
})
export class ContactFilter {
  @Field(() => ContactType, { nullable: true })
  type?: ContactType;

  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => String, { nullable: true, description: "Any common format; matched in E.164." })
  phoneNumber?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  country?: string;

  @Field(() => String, { nullable: true })
  userName?: string;

  @Field(() => String, { nullable: true })
  firstName?: string;

  @Field(() => String, { nullable: true })
  lastName?: string;

  @Field(() => String, { nullable: true })
  employeeId?: string;
}
