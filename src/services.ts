import type { Config } from "./config";
import type { Database } from "./db/client";
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

function createSmsProvider(config: Config): SmsProvider {
  return config.sms.provider === "twilio" ? new TwilioProvider(config.sms) : new LocalSmsProvider();
}

/**
 * Every module's service, built once per process over one database, and the workers that go
 * with them. `publicUrl.origin` is filled in once the server listens, when not configured.
 */
export function createServices(db: Database, config: Config, logger: Logger) {
  const publicUrl = { origin: config.publicBaseUrl };
  const organizations = new OrganizationService(
    new OrganizationRepository(db),
    config.defaultPhoneRegion,
  );
  const contactPreferences = new ContactPreferenceService(
    new ContactPreferenceRepository(db),
    organizations,
  );
  const contacts = new ContactService(new ContactRepository(db), organizations);
  const textAccounts = new TextAccountService(new TextAccountRepository(db), organizations);
  const textRepository = new TextRepository(db);
  const smsProvider = createSmsProvider(config);
  const textDispatcher = new TextDispatcher(
    db,
    textRepository,
    smsProvider,
    contactPreferences,
    async (text, message) => {
      logger.warn(
        { organizationId: text.organizationId, textId: text.id, message },
        "provider refused an unsubscribed recipient",
      );
    },
    logger,
    {
      ...DEFAULT_DISPATCHER_OPTIONS,
      statusCallbackUrl: (organizationId) =>
        publicUrl.origin ? `${publicUrl.origin}/webhooks/twilio/${organizationId}/status` : null,
    },
  );
  const texts = new TextService(
    db,
    textRepository,
    textAccounts,
    contactPreferences,
    organizations,
    () => textDispatcher.wake(),
  );
  const videoParticipantRepository = new VideoParticipantRepository(db);
  const videoChannelRepository = new VideoChannelRepository(db);
  const videoChannels = new VideoChannelService(
    db,
    videoChannelRepository,
    videoParticipantRepository,
  );
  const videoEncounters = new VideoEncounterService(
    db,
    videoChannelRepository,
    videoParticipantRepository,
    videoChannels,
  );
  const videoParticipants = new VideoParticipantService(
    db,
    videoParticipantRepository,
    videoChannels,
    config.video,
  );
  const individuals = new IndividualService(new IndividualRepository(db), organizations);
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
    contactPreferences,
  );
  const messageRepository = new MessageRepository(db);
  const messages = new MessageService(db, messageRepository, channels);
  const reactions = new ReactionService(db, messageRepository, messages, channels);
  return {
    publicUrl,
    organizations,
    contactPreferences,
    contacts,
    textAccounts,
    texts,
    videoChannels,
    videoEncounters,
    videoParticipants,
    individuals,
    individualGroups,
    channels,
    messages,
    reactions,
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
    smsProvider,
    textDispatcher,
    workers: [textDispatcher],
  };
}

export type Services = ReturnType<typeof createServices>;
