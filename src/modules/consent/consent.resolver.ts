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
import type { ContactPreferenceRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { ContactPreference } from "../contact-preference/contact-preference.type";
import { OptOutEventInput } from "./consent.input";
import { ConsentService } from "./consent.service";
import {
  CommunicationType,
  ConsentEventConnection,
  EffectiveConsent,
  OptOutStatus,
} from "./consent.type";

@Resolver()
export class ConsentResolver {
  @Authorized("admin", "service")
  @Mutation(() => OptOutStatus, {
    description:
      "Seed 003 optoutstatus: records the event in the consent ledger and applies it to the preferences.",
  })
  recordOptOutEvent(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("departmentId", () => ID) departmentId: string,
    @Arg("input", () => OptOutEventInput) input: OptOutEventInput,
  ) {
    return services.consent.record(ConsentService.actorFor(caller), departmentId, input);
  }

  @Authorized()
  @Query(() => EffectiveConsent, {
    description: "Whether a channel may be used for a phone number or email now.",
  })
  effectiveConsent(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("contact", () => String) contact: string,
    @Arg("channel", () => CommunicationType) channel: CommunicationType,
  ) {
    return services.consent.effectiveConsent(caller, contact, channel);
  }
}

@Resolver(() => ContactPreference)
export class ContactPreferenceEventsResolver {
  @FieldResolver(() => ConsentEventConnection, {
    description: "The consent ledger for this value, oldest first.",
  })
  events(
    @Root() preference: ContactPreferenceRow,
    @Ctx() { services }: RequestContext,
    @Args(() => PageArgsType) page: PageArgsType,
  ) {
    return services.consent.listEvents(preference.organizationId, preference.contact, page);
  }
}
