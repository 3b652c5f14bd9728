import type { Caller } from "./auth/caller";
import { createChannelLoaders } from "./modules/channel/channel.loaders";
import { createContactPreferenceLoaders } from "./modules/contact-preference/contact-preference.loaders";
import { createContactLoaders } from "./modules/contact/contact.loaders";
import { createIndividualLoaders } from "./modules/individual/individual.loaders";
import { createMessageLoaders } from "./modules/message/message.loaders";
import { createTextLoaders } from "./modules/text/text.loaders";
import { createVideoLoaders } from "./modules/video/video.loaders";
import type { Services } from "./services";

/** Per request: who is calling, the shared services, and fresh DataLoaders (never shared across requests). */
export interface RequestContext {
  caller: Caller | null;
  /** Why a bearer token was refused, for the UNAUTHENTICATED message. */
  authFailure: string | null;
  services: Services;
  loaders: Loaders;
}

function loaderFactories(services: Services, caller: Caller) {
  return {
    contact: () => createContactLoaders(services.contacts, caller),
    contactPreference: () => createContactPreferenceLoaders(services.contactPreferences, caller),
    individual: () =>
      createIndividualLoaders(services.individuals, services.individualGroups, caller),
    channel: () => createChannelLoaders(services.channels, caller),
    message: () => createMessageLoaders(services.messages, services.reactions, caller),
    text: () => createTextLoaders(services.texts, services.textAccounts, caller),
    video: () =>
      createVideoLoaders(
        services.videoChannels,
        services.videoEncounters,
        services.videoParticipants,
        caller,
      ),
  };
}

type LoaderFactories = ReturnType<typeof loaderFactories>;
export type Loaders = { [Domain in keyof LoaderFactories]: ReturnType<LoaderFactories[Domain]> };

/** A domain's loaders are made when a resolver first asks for them: most requests use one or two. */
function createLoaders(services: Services, caller: Caller): Loaders {
  const factories = loaderFactories(services, caller);
  const made: Partial<Loaders> = {};
  const loaders = {} as Loaders;
  for (const domain of Object.keys(factories) as (keyof Loaders)[]) {
    Object.defineProperty(loaders, domain, {
      enumerable: true,
      get: () => (made[domain] ??= factories[domain]() as never),
    });
  }
  return loaders;
}

/** Loaders exist only for an authenticated caller; every field that could use them requires one. */
const unauthenticatedLoaders = new Proxy({} as Loaders, {
  get() {
    throw new Error("loaders used without an authenticated caller");
  },
});

export function createRequestContext(
  services: Services,
  caller: Caller | null,
  authFailure: string | null,
): RequestContext {
  return {
    caller,
    authFailure,
    services,
    loaders: caller ? createLoaders(services, caller) : unauthenticatedLoaders,
  };
}
