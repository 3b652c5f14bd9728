import { Field, ID, InputType } from "type-graphql";

@InputType({ description: "Seed 002 POST /individuals." })
export class CreateIndividualInput {
  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string | null;

  @Field(() => String, { nullable: true })
  preferredName?: string | null;

  @Field(() => String, { nullable: true, description: "ISO date, e.g. 2019-08-24." })
  birthDate?: string | null;

  @Field(() => String, { nullable: true })
  accountType?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: "Any common format; stored in E.164." })
  phoneNumber?: string | null;

  @Field(() => String, { nullable: true, description: "IANA time zone." })
  timeZone?: string | null;
}

@InputType({ description: "Only the given fields change; null clears." })
export class UpdateIndividualInput extends CreateIndividualInput {}

@InputType({ description: "Filters combine with AND." })
export class IndividualFilter {
  @Field(() => String, {
    nullable: true,
    description: "Part of the first, last or preferred name.",
  })
  text?: string | null;

  @Field(() => String, { nullable: true })
  accountType?: string | null;

  @Field(() => ID, { nullable: true, description: "Members of this group." })
  individualGroupId?: string | null;
}

@InputType({ description: "Seed 002 POST /individual-groups." })
export class CreateIndividualGroupInput {
  @Field(() => String)
  name!: string;

  @Field(() => ID, { nullable: true })
  parentGroupId?: string | null;

  @Field(() => [ID], { defaultValue: [], description: "Members (leaders are added too)." })
  individualIds!: string[];

  @Field(() => [ID], { defaultValue: [] })
  leaderIds!: string[];
}

@InputType({ description: "Given lists replace the current members or leaders." })
export class UpdateIndividualGroupInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true })
  parentGroupId?: string | null;

  @Field(() => [ID], { nullable: true })
  individualIds?: string[] | null;

  @Field(() => [ID], { nullable: true })
  leaderIds?: string[] | null;
}
