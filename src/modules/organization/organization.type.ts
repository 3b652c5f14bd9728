import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "The caller's organization and its settings." })
export class Organization {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: "ISO 3166 region for national phone numbers.",
  })
  defaultRegion!: string | null;

  @Field(() => Boolean, {
    description: "Opt-ins need a confirmation reply (seed 003 DOUBLE_OPTIN_ROLLOUT).",
  })
  doubleOptIn!: boolean;

  @Field(() => Boolean, {
    description: "Marketing texts are held outside 08:00–21:00 in the recipient's time zone.",
  })
  quietHours!: boolean;
}
