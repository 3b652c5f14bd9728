import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { Organization } from "./organization.type";

@Resolver(() => Organization)
export class OrganizationResolver {
  @Authorized()
  @Query(() => Organization, { nullable: true, description: "The caller's organization." })
  organization(@Ctx() { services }: RequestContext, @CurrentCaller() caller: Caller) {
    return services.organizations.get(caller.organizationId);
  }

  @Authorized("admin")
  @Mutation(() => Organization, {
    description: "Turns quiet hours for marketing texts on or off (default off).",
  })
  setQuietHours(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("enabled", () => Boolean) enabled: boolean,
  ) {
    return services.organizations.setQuietHours(caller.organizationId, enabled);
  }
}
