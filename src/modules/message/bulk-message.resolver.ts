import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PostBulkMessageInput, UpdateBulkMessageInput } from "./bulk-message.input";
import { BulkMessage, CommunicationSummary } from "./bulk-message.type";

@Resolver(() => BulkMessage)
export class BulkMessageResolver {
  @Authorized("admin", "agent")
  @Mutation(() => BulkMessage, {
    description:
      "One message into each recipient's direct channel (individuals and group members), in one transaction; a draft is only stored.",
  })
  postBulkMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => PostBulkMessageInput) input: PostBulkMessageInput,
  ) {
    return services.bulkMessages.post(caller, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => BulkMessage, { description: "Drafts only (CONFLICT once posted)." })
  updateBulkMessage(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateBulkMessageInput) input: UpdateBulkMessageInput,
  ) {
    return services.bulkMessages.update(caller, id, input);
  }

  @Authorized()
  @Query(() => CommunicationSummary)
  communicationSummary(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("individualId", () => ID) individualId: string,
    @Arg("includeSenders", () => Boolean, { defaultValue: false }) includeSenders: boolean,
  ) {
    return services.communicationSummaries.summarize(caller, individualId, includeSenders);
  }
}
