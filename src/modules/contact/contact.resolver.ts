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
import type { ContactRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { formatPhoneNational } from "../../lib/phone";
import { ContactPreference } from "../contact-preference/contact-preference.type";
import { ContactFilter, CreateContactInput, UpdateContactInput } from "./contact.input";
import { Contact, ContactConnection } from "./contact.type";

@Resolver(() => Contact)
export class ContactResolver {
  @Authorized()
  @Query(() => ContactConnection, {
    description: "Contacts of every type, filtered with AND (seed 001).",
  })
  contacts(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("filter", () => ContactFilter, { nullable: true }) filter?: ContactFilter,
  ) {
    return services.contacts.list(caller, filter, page);
  }

  @Authorized()
  @Query(() => Contact, { nullable: true })
  contact(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.contact.contactById.load(parseId(id));
  }

  @Authorized()
  @Query(() => Contact, {
    nullable: true,
    description: "Seed 004 by_number: any common format, matched in E.164.",
  })
  contactByPhoneNumber(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("phoneNumber", () => String) phoneNumber: string,
  ) {
    return services.contacts.getByPhoneNumber(caller, phoneNumber);
  }

  @Authorized("admin")
  @Mutation(() => Contact, { description: "Creates a CUSTOM contact." })
  createContact(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateContactInput) input: CreateContactInput,
  ) {
    return services.contacts.create(caller, input);
  }

  @Authorized("admin")
  @Mutation(() => Contact, { description: "QUEUE and USER contacts are read-only (FORBIDDEN)." })
  updateContact(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateContactInput) input: UpdateContactInput,
  ) {
    return services.contacts.update(caller, id, input);
  }

  @Authorized("admin")
  @Mutation(() => ID, { description: "Deletes a CUSTOM contact and answers its id." })
  deleteContact(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.contacts.delete(caller, id);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'National rendering, e.g. "71 99 99 99".',
  })
  phoneNumberFormatted(@Root() contact: ContactRow) {
    return formatPhoneNational(contact.phoneNumber);
  }

  @FieldResolver(() => ContactPreference, {
    nullable: true,
    description: "Consent for this contact's phone number, else its email.",
  })
  async preference(@Root() contact: ContactRow, @Ctx() { loaders }: RequestContext) {
    const values = [contact.phoneNumber, contact.email].filter((value): value is string => !!value);
    const preferences = await loaders.contactPreference.preferenceByContact.loadMany(values);
    return preferences.find((preference) => preference && !(preference instanceof Error)) ?? null;
  }
}
