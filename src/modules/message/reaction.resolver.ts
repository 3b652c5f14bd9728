import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import type { MessageReactionRow } from "../../db/schema";
import { Individual } from "../individual/individual.type";
import { ReactionInput } from "./message.input";
import { Message, Reaction, ReadReceipt } from "./message.type";

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

  @FieldResolver(() => Individual)
  individual(@Root() reaction: MessageReactionRow, @Ctx() { loaders }: RequestContext) {
    return loaders.individual.individualById.loadValue(reaction.individualId);
  }
}

@Resolver(() => ReadReceipt)
export class ReadReceiptResolver {
  @FieldResolver(() => Individual)
  individual(@Root() receipt: ReadReceipt, @Ctx() { loaders }: RequestContext) {
    return loaders.individual.individualById.loadValue(receipt.individualId);
  }
}
