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
import type { IndividualGroupRow, IndividualRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { CreateIndividualGroupInput, UpdateIndividualGroupInput } from "./individual.input";
import { Individual, IndividualGroup, IndividualGroupConnection } from "./individual.type";

@Resolver(() => IndividualGroup)
export class IndividualGroupResolver {
  @Authorized()
  @Query(() => IndividualGroupConnection, { description: "Seed 002 GET /individual-groups." })
  individualGroups(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
  ) {
    return services.individualGroups.list(caller, page);
  }

  @Authorized("admin", "agent")
  @Mutation(() => IndividualGroup)
  createIndividualGroup(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateIndividualGroupInput) input: CreateIndividualGroupInput,
  ) {
    return services.individualGroups.create(caller, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => IndividualGroup)
  updateIndividualGroup(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateIndividualGroupInput) input: UpdateIndividualGroupInput,
  ) {
    return services.individualGroups.update(caller, id, input);
  }

  @FieldResolver(() => IndividualGroup, { nullable: true })
  parentGroup(@Root() group: IndividualGroupRow, @Ctx() { loaders }: RequestContext) {
    return group.parentGroupId
      ? loaders.individual.individualGroupById.load(group.parentGroupId)
      : null;
  }

  @FieldResolver(() => [Individual], { description: "Every member, leaders included." })
  individuals(@Root() group: IndividualGroupRow, @Ctx() { loaders }: RequestContext) {
    return this.load(group, loaders, false);
  }

  @FieldResolver(() => [Individual])
  leaders(@Root() group: IndividualGroupRow, @Ctx() { loaders }: RequestContext) {
    return this.load(group, loaders, true);
  }

  private async load(
    group: IndividualGroupRow,
    loaders: RequestContext["loaders"],
    leadersOnly: boolean,
  ): Promise<IndividualRow[]> {
    const members = await loaders.individual.membersByGroupId.load(group.id);
    const individuals = await loaders.individual.individualById.loadMany(
      members.filter((member) => !leadersOnly || member.leader).map((m) => m.individualId),
    );
    return individuals.filter(
      (row): row is IndividualRow => row !== null && !(row instanceof Error),
    );
  }
}
