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
  /** Database reads the request's fields have started (graphql/statement-cap.ts counts them). */
  startedReads: number;
}

/**
 * A domain's loaders are made when a resolver first asks for them: most requests use one or two.
 * Getters on a class, so a request's context costs one object rather than a closure per domain.
 */
class RequestLoaders {
  private contactLoaders?: ReturnType<typeof createContactLoaders>;
  private contactPreferenceLoaders?: ReturnType<typeof createContactPreferenceLoaders>;
  private individualLoaders?: ReturnType<typeof createIndividualLoaders>;
  private channelLoaders?: ReturnType<typeof createChannelLoaders>;
  private messageLoaders?: ReturnType<typeof createMessageLoaders>;
  private textLoaders?: ReturnType<typeof createTextLoaders>;
  private videoLoaders?: ReturnType<typeof createVideoLoaders>;

  constructor(
    private readonly services: Services,
    private readonly caller: Caller,
  ) {}

  get contact() {
    return (this.contactLoaders ??= createContactLoaders(this.services.contacts, this.caller));
  }
  get contactPreference() {
    return (this.contactPreferenceLoaders ??= createContactPreferenceLoaders(
      this.services.contactPreferences,
      this.caller,
    ));
  }
  get individual() {
    const { individuals, individualGroups } = this.services;
    return (this.individualLoaders ??= createIndividualLoaders(
      individuals,
      individualGroups,
      this.caller,
    ));
  }
  get channel() {
    return (this.channelLoaders ??= createChannelLoaders(this.services.channels, this.caller));
  }
  get message() {
    const { messages, reactions } = this.services;
    return (this.messageLoaders ??= createMessageLoaders(messages, reactions, this.caller));
  }
  get text() {
    const { texts, textAccounts } = this.services;
    return (this.textLoaders ??= createTextLoaders(texts, textAccounts, this.caller));
  }
  get video() {
    const { videoChannels, videoEncounters, videoParticipants } = this.services;
    return (this.videoLoaders ??= createVideoLoaders(
      videoChannels,
      videoEncounters,
      videoParticipants,
      this.caller,
    ));
  }
}

/** Each domain's loaders (its public getters). */
export type Loaders = Pick<RequestLoaders, keyof RequestLoaders>;

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
    loaders: caller ? new RequestLoaders(services, caller) : unauthenticatedLoaders,
    startedReads: 0,
  };
}

const releasedLoaders = new Proxy({} as Loaders, {
  get() {
    throw new Error("loaders used after the request's execution");
  },
});

/** After execution: the request's loaders, and the rows they cache, go (release-after-execution.ts). */
export function releaseLoaders(context: RequestContext): void {
  if (context.loaders !== unauthenticatedLoaders) context.loaders = releasedLoaders;
}
