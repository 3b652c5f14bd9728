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
import { requireRole } from "../../auth/auth-checker";
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

const RECORDING_ROLES = ["admin", "service"] as const;

/**
 * recordOptOutEvent as a plain graphql-js resolver, which schema.ts puts in place of
 * type-graphql's: the mutation runs once per opt-out event, and type-graphql's wrapper (its auth
 * middleware chain, a sorted copy of the parameter list, the arguments copied into new input
 * class instances) cost ≈ 6 % of the main thread per event in bench:consent's profile. The
 * decorated method below declares the field and answers the same; the service takes plain
 * objects, as the REST ingress gives it.
 */
export const consentMutationResolvers = {
  recordOptOutEvent(
    _root: unknown,
    { departmentId, input }: { departmentId: string; input: OptOutEventInput },
    context: RequestContext,
  ) {
    const caller = requireRole(context, RECORDING_ROLES);
    return context.services.consent.record(ConsentService.actorFor(caller), departmentId, input);
  },
};

@Resolver()
export class ConsentResolver {
  @Authorized(...RECORDING_ROLES)
  @Mutation(() => OptOutStatus, {
    description:
      "Seed 003 optoutstatus: records the event in the consent ledger and applies it to the preferences.",
  })
  recordOptOutEvent(
    @Ctx() context: RequestContext,
    @Arg("departmentId", () => ID) departmentId: string,
    @Arg("input", () => OptOutEventInput) input: OptOutEventInput,
  ) {
    return consentMutationResolvers.recordOptOutEvent({}, { departmentId, input }, context);
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
