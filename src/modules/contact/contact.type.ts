import { Directive, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";

export enum ContactType {
  CUSTOM = "CUSTOM",
  QUEUE = "QUEUE",
  USER = "USER",
}

registerEnumType(ContactType, {
  name: "ContactType",
  description:
    "Seed 001: CUSTOM contacts are writable; QUEUE and USER come from the contact center and are read-only.",
});

@Directive(`@key(fields: "id")`)
@ObjectType({
  description: "Seeds 001/004: the other party of a call, shared with the whole organization.",
})
export class Contact {
  @Field(() => ID)
  id!: string;

  @Field(() => ContactType)
  type!: ContactType;

  @Field(() => String, { description: "For a queue its name, for a user their full name (≤255)." })
  name!: string;

  @Field(() => String, { nullable: true, description: "E.164, e.g. +4571999999." })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: "Lower-cased." })
  email!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "ISO 3166 region the phone number is read in.",
  })
  country!: string | null;

  @Field(() => String, { nullable: true, description: "USER contacts only." })
  userName!: string | null;

  @Field(() => String, { nullable: true, description: "USER contacts only." })
  firstName!: string | null;

  @Field(() => String, { nullable: true, description: "USER contacts only." })
  lastName!: string | null;

  @Field(() => String, { nullable: true, description: "USER contacts only." })
  employeeId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType()
export class ContactConnection extends ConnectionType(Contact, "Contact") {}
