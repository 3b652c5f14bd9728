import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { ReactionInput } from "./message.input";
import { Message, Reaction } from "./message.type";

@Resolver(() => Reaction)
export class ReactionResolver {
  @Authorized()
  @Mutation(() => Message, { description: "A second reaction of the same type is CONFLICT." })
  addReaction(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => ReactionInput) input: ReactionInput,
  ) {
    return services.reactions.add(caller, input.messageId, input.type);
  }

  @Authorized()
  @Mutation(() => Message)
  removeReaction(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => ReactionInput) input: ReactionInput,
  ) {
    return services.reactions.remove(caller, input.messageId, input.type);
  }
}
