import type { Config } from "./config";
import type { Database } from "./db/client";
import { NO_HOOKS, type GroupCommitHooks } from "./lib/group-commit";
import type { Logger } from "./logger";
import { ChannelInboxRepository } from "./modules/channel/channel-inbox.repository";
import { ChannelRepository } from "./modules/channel/channel.repository";
import { ChannelService } from "./modules/channel/channel.service";
import { ContactPreferenceRepository } from "./modules/contact-preference/contact-preference.repository";
import { ContactPreferenceService } from "./modules/contact-preference/contact-preference.service";
import { ContactRepository } from "./modules/contact/contact.repository";
import { ContactService } from "./modules/contact/contact.service";
import { InboxService } from "./modules/inbox/inbox.service";
import { BulkMessageRepository } from "./modules/message/bulk-message.repository";
import { BulkMessageService } from "./modules/message/bulk-message.service";
import { CommunicationSummaryService } from "./modules/message/communication-summary.service";
import { MessageRepository } from "./modules/message/message.repository";
import { MessageService } from "./modules/message/message.service";
import { ReactionService } from "./modules/message/reaction.service";
import { OrganizationRepository } from "./modules/organization/organization.repository";
import { OrganizationService } from "./modules/organization/organization.service";
import { IndividualGroupRepository } from "./modules/individual/individual-group.repository";
import { IndividualGroupService } from "./modules/individual/individual-group.service";
import { IndividualRepository } from "./modules/individual/individual.repository";
import { IndividualService } from "./modules/individual/individual.service";
import { LocalSmsProvider } from "./modules/text/provider/local-provider";
import type { SmsProvider } from "./modules/text/provider/sms-provider";
import { TwilioProvider } from "./modules/text/provider/twilio-provider";
import { TextAccountRepository } from "./modules/text/text-account.repository";
import { TextAccountService } from "./modules/text/text-account.service";
import { DEFAULT_DISPATCHER_OPTIONS, TextDispatcher } from "./modules/text/text-dispatcher";
import { TextRepository } from "./modules/text/text.repository";
import { TextService } from "./modules/text/text.service";
import { VideoChannelRepository } from "./modules/video/video-channel.repository";
import { VideoChannelService } from "./modules/video/video-channel.service";
import { VideoEncounterService } from "./modules/video/video-encounter.service";
import { VideoParticipantRepository } from "./modules/video/video-participant.repository";
import { VideoParticipantService } from "./modules/video/video-participant.service";
import { ConsentLedger } from "./modules/consent/consent-apply";
import {
  createInboundConsent,
  createProviderOptOutHandler,
} from "./modules/consent/consent-keywords";
import { ConsentQueueWorker } from "./modules/consent/consent-queue.worker";
import { ConsentRepository } from "./modules/consent/consent.repository";
import { ConsentService } from "./modules/consent/consent.service";
import { createChannelSmsFanOut } from "./modules/text/channel-sms";
import { TextInboundService } from "./modules/text/text-inbound.service";

function createSmsProvider(config: Config): SmsProvider {
  return config.sms.provider === "twilio" ? new TwilioProvider(config.sms) : new LocalSmsProvider();
}

type Core = ReturnType<typeof createCoreServices>;

function createCoreServices(db: Database, config: Config) {
  const organizations = new OrganizationService(
    new OrganizationRepository(db),
    config.defaultPhoneRegion,
  );
  const contactPreferences = new ContactPreferenceService(
    db,
    new ContactPreferenceRepository(db),
    organizations,
  );
  const contacts = new ContactService(new ContactRepository(db), organizations);
  return { organizations, contactPreferences, contacts };
}

function createConsentServices(
  db: Database,
  core: Core,
  logger: Logger,
  groupCommitHooks: GroupCommitHooks,
) {
  const repository = new ConsentRepository(db);
  const ledger = new ConsentLedger(repository, core.contactPreferences, core.organizations);
  core.contactPreferences.recordFlagChangesWith((tx, caller, before, after) =>
    ledger.recordAdminEdit(
      tx,
      { organizationId: caller.organizationId, userId: caller.individualId },
      before,
      after,
    ),
  );
  let wakeQueue = () => {};
  const consent = new ConsentService(
    db,
    repository,
    ledger,
    core.contactPreferences,
    core.organizations,
    () => wakeQueue(),
    groupCommitHooks,
  );
  const consentQueue = new ConsentQueueWorker(repository, consent, logger, {
    batchSize: 32,
    pollIntervalMs: 500,
    leaseMs: 30_000,
  });
  wakeQueue = () => consentQueue.wake();
  return { consent, consentQueue, inboundConsent: createInboundConsent(consent, repository) };
}

function createTextServices(
  db: Database,
  config: Config,
  core: Core,
  consent: ReturnType<typeof createConsentServices>,
  publicUrl: { origin: string | null },
  logger: Logger,
  groupCommitHooks: GroupCommitHooks,
) {
  const textAccounts = new TextAccountService(new TextAccountRepository(db), core.organizations);
  const repository = new TextRepository(db);
  const smsProvider = createSmsProvider(config);
  const texts = new TextService(
    db,
    repository,
    textAccounts,
    core.contactPreferences,
    core.organizations,
    () => textDispatcher.wake(),
    groupCommitHooks,
  );
  const textDispatcher = new TextDispatcher(
    repository,
    smsProvider,
    core.contactPreferences,
    createProviderOptOutHandler(consent.consent),
    (moves) => texts.recordDispatchMoves(moves),
    logger,
    {
      ...DEFAULT_DISPATCHER_OPTIONS,
      statusCallbackUrl: (organizationId, textId) =>
        publicUrl.origin
          ? `${publicUrl.origin}/webhooks/twilio/${organizationId}/status?text=${textId}`
          : null,
    },
  );
  const inboundTexts = new TextInboundService(
    db,
    repository,
    textAccounts,
    texts,
    consent.inboundConsent,
    (organizationId, targets) => textDispatcher.sent(organizationId, targets),
  );
  // An opt-out is acknowledged only once texts past their last consent check reached the provider.
  consent.consent.waitForSendsBeforeAnswering((organizationId, numbers) =>
    textDispatcher.sent(organizationId, numbers),
  );
  return { textAccounts, texts, inboundTexts, smsProvider, textDispatcher };
}

function createVideoServices(db: Database, config: Config) {
  const participantRepository = new VideoParticipantRepository(db);
  const channelRepository = new VideoChannelRepository(db);
  const videoChannels = new VideoChannelService(db, channelRepository, participantRepository);
  const videoEncounters = new VideoEncounterService(
    db,
    channelRepository,
    participantRepository,
    videoChannels,
  );
  const videoParticipants = new VideoParticipantService(
    db,
    participantRepository,
    videoChannels,
    config.video,
  );
  return { videoChannels, videoEncounters, videoParticipants };
}

function createMessagingServices(
  db: Database,
  core: Core,
  text: ReturnType<typeof createTextServices>,
  logger: Logger,
) {
  const individuals = new IndividualService(new IndividualRepository(db), core.organizations);
  const individualGroups = new IndividualGroupService(
    db,
    new IndividualGroupRepository(db),
    individuals,
  );
  const channels = new ChannelService(
    db,
    new ChannelRepository(db),
    new ChannelInboxRepository(db),
    individuals,
    individualGroups,
    core.contactPreferences,
  );
  const messageRepository = new MessageRepository(db);
  text.texts.useRecipientTimeZones((organizationId, phoneNumber) =>
    individuals.timeZoneOfPhoneNumber(organizationId, phoneNumber),
  );
  const smsFanOut = createChannelSmsFanOut(
    text.texts,
    text.textAccounts,
    channels,
    individuals,
    logger,
  );
  const messages = new MessageService(db, messageRepository, channels, smsFanOut);
  return {
    individuals,
    individualGroups,
    channels,
    messages,
    reactions: new ReactionService(db, messageRepository, messages, channels),
    inbox: new InboxService(channels),
    bulkMessages: new BulkMessageService(
      db,
      new BulkMessageRepository(db),
      messages,
      channels,
      individuals,
      individualGroups,
    ),
    communicationSummaries: new CommunicationSummaryService(messageRepository, channels),
  };
}

/**
 * Every module's service, built once per process over one database, and the workers that go
 * with them. `publicUrl.origin` is filled in once the server listens, when not configured.
 * `groupCommitHooks` observes the group commits (the app's metrics and tracing).
 */
export function createServices(
  db: Database,
  config: Config,
  logger: Logger,
  groupCommitHooks: GroupCommitHooks = NO_HOOKS,
) {
  const publicUrl = { origin: config.publicBaseUrl };
  const core = createCoreServices(db, config);
  const consent = createConsentServices(db, core, logger, groupCommitHooks);
  const text = createTextServices(db, config, core, consent, publicUrl, logger, groupCommitHooks);
  return {
    publicUrl,
    ...core,
    consent: consent.consent,
    ...text,
    ...createVideoServices(db, config),
    ...createMessagingServices(db, core, text, logger),
    workers: [text.textDispatcher, consent.consentQueue],
  };
}

export type Services = ReturnType<typeof createServices>;
