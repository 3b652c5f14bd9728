import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { CurrentCaller } from "../../auth/current-caller";
import type { Caller } from "../../auth/caller";
import { PageArgsType } from "../../lib/connection";
import type { RequestContext } from "../../context";
import {
  ContactPreferenceFilter,
  ContactPreferenceInput,
  ContactPreferencePatch,
} from "./contact-preference.input";
import { ContactPreference, ContactPreferenceConnection } from "./contact-preference.type";

@Resolver(() => ContactPreference)
export class ContactPreferenceResolver {
  @Authorized()
  @Query(() => ContactPreferenceConnection, {
    description: "Contact preferences, filtered with AND.",
  })
  contactPreferences(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => ContactPreferenceFilter, { nullable: true })
    filter?: ContactPreferenceFilter,
  ) {
    return services.contactPreferences.list(caller, filter, page);
  }

  @Authorized()
  @Query(() => ContactPreference, { nullable: true })
  contactPreference(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.contactPreferences.get(caller, id);
  }

  @Authorized()
  @Query(() => ContactPreference, {
    nullable: true,
    description: "The preference for a phone number (any common format) or email.",
  })
  contactPreferenceFor(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("contact", () => String) contact: string,
  ) {
    return services.contactPreferences.getByContact(caller, contact);
  }

  @Authorized("admin")
  @Mutation(() => ContactPreference)
  createContactPreference(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => ContactPreferenceInput) input: ContactPreferenceInput,
  ) {
    return services.contactPreferences.create(caller, input);
  }

  @Authorized("admin")
  @Mutation(() => ContactPreference, { description: "PUT: replaces every field." })
  replaceContactPreference(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => ContactPreferenceInput) input: ContactPreferenceInput,
  ) {
    return services.contactPreferences.replace(caller, id, input);
  }

  @Authorized("admin")
  @Mutation(() => ContactPreference, { description: "PATCH: changes only the fields given." })
  updateContactPreference(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => ContactPreferencePatch) input: ContactPreferencePatch,
  ) {
    return services.contactPreferences.update(caller, id, input);
  }

  @Authorized("admin")
  @Mutation(() => ID)
  deleteContactPreference(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.contactPreferences.delete(caller, id);
  }
}
