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
import type { TextAccountRow, TextNumberRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { formatPhoneNational } from "../../lib/phone";
import {
  CreateTextAccountInput,
  CreateTextNumberInput,
  CreateTextUserNumberMapInput,
  UpdateTextNumberInput,
} from "./text.input";
import { TextAccount, TextAccountConnection, TextNumber, TextUserNumberMap } from "./text.type";

@Resolver(() => TextAccount)
export class TextAccountResolver {
  @Authorized()
  @Query(() => TextAccountConnection)
  textAccounts(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
  ) {
    return services.textAccounts.listAccounts(caller, page);
  }

  @Authorized()
  @Query(() => TextAccount, { nullable: true })
  textAccount(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.text.textAccountById.load(parseId(id));
  }

  @Authorized("admin")
  @Mutation(() => TextAccount)
  createTextAccount(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateTextAccountInput) input: CreateTextAccountInput,
  ) {
    return services.textAccounts.createAccount(caller, input);
  }

  @Authorized("admin")
  @Mutation(() => TextNumber)
  createTextNumber(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateTextNumberInput) input: CreateTextNumberInput,
  ) {
    return services.textAccounts.createNumber(caller, input);
  }

  @Authorized("admin")
  @Mutation(() => TextNumber)
  updateTextNumber(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateTextNumberInput) input: UpdateTextNumberInput,
  ) {
    return services.textAccounts.updateNumber(caller, id, input);
  }

  @Authorized("admin")
  @Mutation(() => TextUserNumberMap, {
    description: "Seed 002 text-user-number-maps: the number a user texts from.",
  })
  mapTextUserNumber(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateTextUserNumberMapInput) input: CreateTextUserNumberMapInput,
  ) {
    return services.textAccounts.mapUserToNumber(caller, input);
  }

  @FieldResolver(() => [TextNumber])
  numbers(@Root() account: TextAccountRow, @Ctx() { loaders }: RequestContext) {
    return loaders.text.textNumbersByAccountId.load(account.id);
  }

  @FieldResolver(() => String, { nullable: true })
  phoneNumberFormatted(@Root() account: TextAccountRow) {
    return formatPhoneNational(account.phoneNumber);
  }
}

@Resolver(() => TextNumber)
export class TextNumberResolver {
  @FieldResolver(() => String, { nullable: true })
  phoneNumberFormatted(@Root() number: TextNumberRow) {
    return formatPhoneNational(number.phoneNumber);
  }
}
