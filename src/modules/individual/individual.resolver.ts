import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import type { IndividualRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { formatPhoneNational } from "../../lib/phone";
import { CreateIndividualInput, IndividualFilter, UpdateIndividualInput } from "./individual.input";
import { Individual, IndividualConnection } from "./individual.type";

@Resolver(() => Individual)
export class IndividualResolver {
  @Authorized()
  @Query(() => IndividualConnection, { description: "Seed 002 GET /individuals." })
  individuals(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => IndividualFilter, { nullable: true }) filter?: IndividualFilter,
  ) {
    return services.individuals.list(caller, filter, page);
  }

  @Authorized()
  @Query(() => Individual, { nullable: true })
  individual(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.individual.individualById.load(parseId(id));
  }

  @Authorized("admin", "agent")
  @Mutation(() => Individual)
  createIndividual(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateIndividualInput) input: CreateIndividualInput,
  ) {
    return services.individuals.create(caller, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => Individual)
  updateIndividual(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateIndividualInput) input: UpdateIndividualInput,
  ) {
    return services.individuals.update(caller, id, input);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'National rendering, e.g. "71 99 99 99".',
  })
  phoneNumberFormatted(@Root() individual: IndividualRow): string | null {
    return formatPhoneNational(individual.phoneNumber);
  }

  @FieldResolver(() => Boolean, {
    description: "The phone number's consent says doNotText (CONSENT.md); false without a number.",
  })
  async phoneNumberUnsubscribed(
    @Root() individual: IndividualRow,
    @Ctx() { loaders }: RequestContext,
  ): Promise<boolean> {
    if (!individual.phoneNumber) return false;
    const preference = await loaders.contactPreference.preferenceByContact.load(
      individual.phoneNumber,
    );
    return preference?.doNotText ?? false;
  }
}
