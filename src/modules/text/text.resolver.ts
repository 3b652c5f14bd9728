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
import type { TextRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { SendTextInput, TextFilter } from "./text.input";
import { Text, TextAccount, TextConnection } from "./text.type";

@Resolver(() => Text)
export class TextResolver {
  @Authorized()
  @Query(() => TextConnection, {
    description: "Seed 002 GET /texts: an account's texts, newest last.",
  })
  texts(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("accountId", () => ID) accountId: string,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => TextFilter, { nullable: true }) filter?: TextFilter,
  ) {
    return services.texts.list(caller, accountId, filter, page);
  }

  @Authorized()
  @Query(() => Text, { nullable: true })
  text(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.text.textById.load(parseId(id));
  }

  @Authorized("admin", "agent", "service")
  @Mutation(() => Text, {
    description:
      "Accepts a text for sending; OPTED_OUT (and nothing written) when the target said stop.",
  })
  sendText(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => SendTextInput) input: SendTextInput,
  ) {
    return services.texts.send(caller, input);
  }

  @FieldResolver(() => TextAccount)
  account(@Root() text: TextRow, @Ctx() { loaders }: RequestContext) {
    return loaders.text.textAccountById.load(text.accountId);
  }
}
