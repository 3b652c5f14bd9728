import { Directive, Field, ID, ObjectType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";

@Directive(`@key(fields: "id")`)
@ObjectType({
  description: "Seed 002 individuals: someone who messages (patient, provider, staff).",
  simpleResolvers: true,
})
export class Individual {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true })
  preferredName!: string | null;

  @Field(() => String, { nullable: true, description: "ISO date, e.g. 2019-08-24." })
  birthDate!: string | null;

  @Field(() => String, { nullable: true, description: 'Seed: e.g. "provider", "patient".' })
  accountType!: string | null;

  @Field(() => String, { nullable: true, description: "Lower-cased." })
  email!: string | null;

  @Field(() => String, { nullable: true, description: "E.164, e.g. +4571999999." })
  phoneNumber!: string | null;

  @Field(() => String, { nullable: true, description: "IANA time zone, e.g. Europe/Copenhagen." })
  timeZone!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class IndividualConnection extends ConnectionType(Individual, "Individual") {}

@ObjectType({
  description: "Seed 002 individual-groups: named individuals with leaders.",
  simpleResolvers: true,
})
export class IndividualGroup {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class IndividualGroupConnection extends ConnectionType(IndividualGroup, "IndividualGroup") {}
