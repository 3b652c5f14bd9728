import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type {
  ChannelRow,
  ChannelSubscriberRow,
  NewChannelRow,
  NewChannelSubscriberRow,
} from "../../db/schema";
import {
  BadUserInputError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  notFoundOnMissingReference,
} from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { checkMaxLength, checkNotNull } from "../../lib/validate";
import type { ContactPreferenceService } from "../contact-preference/contact-preference.service";
import type { IndividualGroupService } from "../individual/individual-group.service";
import type { IndividualService } from "../individual/individual.service";
import type { ChannelInboxRepository, InboxChannel, InboxQuery } from "./channel-inbox.repository";
import type { ChannelRepository, SubscriberFieldsRow } from "./channel.repository";
import type {
  ChannelFilter,
  ChannelPreferencesInput,
  CreateChannelInput,
  SubscriberInput,
  UpdateChannelInput,
} from "./channel.input";
import { SUBSCRIPTION_TYPES } from "./channel.type";

const TEXT_MAX = 255;

/** The text number is another module's row: its foreign key (migration 0007) checks it. */
const CHANNEL_REFERENCES = {
  channels_text_number_fk: { entity: "TextNumber", field: "input.textNumberId" },
};

export class ChannelService {
  constructor(
    private readonly db: Database,
    private readonly repository: ChannelRepository,
    private readonly inboxRepository: ChannelInboxRepository,
    private readonly individuals: IndividualService,
    private readonly groups: IndividualGroupService,
    private readonly preferences: ContactPreferenceService,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<ChannelRow[]> {
    return this.repository.findByIds(organizationId, ids);
  }

  findSubscribersByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
    executor?: Executor,
  ): Promise<ChannelSubscriberRow[]> {
    return this.repository.findSubscribersByChannelIds(organizationId, channelIds, executor);
  }

  findSubscriberFieldsByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
  ): Promise<SubscriberFieldsRow[]> {
    return this.repository.findSubscriberFieldsByChannelIds(organizationId, channelIds);
  }

  findSubscriptions(
    organizationId: string,
    individualId: string,
    channelIds: readonly string[],
  ): Promise<ChannelSubscriberRow[]> {
    return this.repository.findSubscriptions(organizationId, individualId, channelIds);
  }

  /** The channel, NOT_FOUND when missing or another organization's. */
  async require(
    caller: Caller,
    id: string,
    field = "id",
    executor?: Executor,
  ): Promise<ChannelRow> {
    const [row] = await this.repository.findByIds(
      caller.organizationId,
      [parseId(id, field)],
      executor,
    );
    if (!row) throw new NotFoundError("Channel", id);
    return row;
  }

  list(caller: Caller, filter: ChannelFilter | undefined, page: PageArgs) {
    const subscriberIds = [
      filter?.individualId && parseId(filter.individualId, "filter.individualId"),
      filter?.participantId && parseId(filter.participantId, "filter.participantId"),
    ].filter((id): id is string => !!id);
    return this.repository.list(
      caller.organizationId,
      {
        archived: filter?.archived ?? undefined,
        floating: filter?.floating ?? undefined,
        individualGroupId: filter?.individualGroupId
          ? parseId(filter.individualGroupId, "filter.individualGroupId")
          : undefined,
        subscriberIds,
        modifiedBefore: filter?.modifiedBefore ?? undefined,
        modifiedAfter: filter?.modifiedAfter ?? undefined,
      },
      page,
    );
  }

  /** The caller's channels with their own subscription joined (seed communication-messages). */
  inbox(caller: Caller, query: InboxQuery, page: PageArgs): Promise<Connection<InboxChannel>> {
    return this.inboxRepository.list(caller.organizationId, caller.individualId, query, page);
  }

  async create(caller: Caller, input: CreateChannelInput): Promise<ChannelRow> {
    const fields = await this.fieldsFromInput(caller, input);
    const now = new Date();
    const channel: NewChannelRow = {
      organizationId: caller.organizationId,
      id: newId(),
      ...fields,
      createdBy: caller.individualId,
      lastMessageAt: now,
      createdAt: now,
      lastModifiedAt: now,
    };
    const [creator] = await this.individuals.findByIds(caller.organizationId, [
      caller.individualId,
    ]);
    const inputs: SubscriberInput[] = [...input.subscribers];
    if (creator && !inputs.some((sub) => sub.individualId === creator.id)) {
      inputs.unshift({
        individualId: creator.id,
        admin: true,
        pinned: false,
        autoSignUp: false,
        notify: true,
      });
    }
    const subscribers = await this.newSubscribers(caller, channel.id!, inputs, now);
    return notFoundOnMissingReference(
      () => this.db.transaction((tx) => this.repository.insert(tx, channel, subscribers)),
      CHANNEL_REFERENCES,
    );
  }

  async update(caller: Caller, id: string, input: UpdateChannelInput): Promise<ChannelRow> {
    const fields = await this.fieldsFromInput(caller, input);
    return notFoundOnMissingReference(
      () =>
        this.db.transaction(async (tx) => {
          const channel = await this.lockManaged(tx, caller, id);
          this.requireNotArchived(channel);
          return this.repository.update(tx, caller.organizationId, channel.id, fields);
        }),
      CHANNEL_REFERENCES,
    );
  }

  async setArchived(caller: Caller, id: string, archived: boolean): Promise<ChannelRow> {
    return this.db.transaction(async (tx) => {
      const channel = await this.lockManaged(tx, caller, id);
      if (channel.archived === archived) {
        throw new ConflictError(`Channel ${id} is already ${archived ? "archived" : "active"}`);
      }
      return this.repository.update(tx, caller.organizationId, channel.id, { archived });
    });
  }

  async addSubscribers(caller: Caller, id: string, inputs: SubscriberInput[]): Promise<ChannelRow> {
    const channelId = parseId(id);
    const rows = await this.newSubscribers(caller, channelId, inputs, new Date());
    return this.db.transaction(async (tx) => {
      const channel = await this.lockManaged(tx, caller, id);
      this.requireNotArchived(channel);
      // New subscribers start with everything so far read.
      await this.repository.insertSubscribers(
        tx,
        rows.map((row) => ({
          ...row,
          lastMessageAt: channel.lastMessageAt,
          horizonMessageId: channel.lastMessageId,
          ...(channel.lastMessageId ? { acknowledgedAt: new Date() } : {}),
        })),
      );
      return this.repository.update(tx, caller.organizationId, channel.id, {});
    });
  }

  async removeSubscribers(
    caller: Caller,
    id: string,
    individualIds: string[],
  ): Promise<ChannelRow> {
    const ids = individualIds.map((individualId) => parseId(individualId, "individualIds"));
    return this.db.transaction(async (tx) => {
      const channel = await this.lockManaged(tx, caller, id);
      this.requireNotArchived(channel);
      await this.repository.deleteSubscribers(tx, caller.organizationId, channel.id, ids);
      return this.repository.update(tx, caller.organizationId, channel.id, {});
    });
  }

  async setPreferences(
    caller: Caller,
    id: string,
    input: ChannelPreferencesInput,
  ): Promise<ChannelRow> {
    const notify = checkNotNull(input.notify, "input.notify");
    const pinned = checkNotNull(input.pinned, "input.pinned");
    return this.db.transaction(async (tx) => {
      const channel = await this.require(caller, id, "id", tx);
      const updated = await this.repository.updateSubscription(
        tx,
        caller.organizationId,
        channel.id,
        caller.individualId,
        { notify, pinned },
      );
      if (!updated) throw new ForbiddenError(`You do not subscribe to channel ${id}`);
      return channel;
    });
  }

  /** Whether some subscriber has a phone number that has not opted out of texts. */
  async canEnableSms(caller: Caller, channelId: string): Promise<boolean> {
    const subscribers = await this.repository.findSubscribersByChannelIds(caller.organizationId, [
      channelId,
    ]);
    const phones = (
      await this.individuals.findByIds(
        caller.organizationId,
        subscribers.map((subscriber) => subscriber.individualId),
      )
    )
      .map((individual) => individual.phoneNumber)
      .filter((phone): phone is string => !!phone);
    if (!phones.length) return false;
    const optedOut = new Set(
      (await this.preferences.findByContacts(caller.organizationId, phones))
        .filter((preference) => preference.doNotText)
        .map((preference) => preference.contact),
    );
    return phones.some((phone) => !optedOut.has(phone));
  }

  // The rest is for the message module's transactions.

  /** The caller's subscriptions among the channels, inside the caller's transaction. */
  findSubscriptionsIn(executor: Executor, caller: Caller, channelIds: readonly string[]) {
    return this.repository.findSubscriptions(
      caller.organizationId,
      caller.individualId,
      channelIds,
      executor,
    );
  }

  findDirectChannels(
    executor: Executor,
    caller: Caller,
    senderId: string,
    recipientIds: string[],
  ): Promise<Map<string, string>> {
    return this.repository.findDirectChannels(
      executor,
      caller.organizationId,
      senderId,
      recipientIds,
    );
  }

  subscriptionsOfIndividual(caller: Caller, individualId: string) {
    return this.repository.findSubscriptionsOfIndividual(caller.organizationId, individualId);
  }

  /** The channel locked, NOT_FOUND when missing. */
  async lock(executor: Executor, caller: Caller, id: string, field = "id"): Promise<ChannelRow> {
    const channel = await this.repository.lock(executor, caller.organizationId, parseId(id, field));
    if (!channel) throw new NotFoundError("Channel", id);
    return channel;
  }

  lockSubscription(executor: Executor, caller: Caller, channelId: string, individualId: string) {
    return this.repository.lockSubscription(
      executor,
      caller.organizationId,
      channelId,
      individualId,
    );
  }

  updateSubscription(
    executor: Executor,
    caller: Caller,
    channelId: string,
    individualId: string,
    changes: Parameters<ChannelRepository["updateSubscription"]>[4],
  ) {
    return this.repository.updateSubscription(
      executor,
      caller.organizationId,
      channelId,
      individualId,
      changes,
    );
  }

  recordPost(
    executor: Executor,
    caller: Caller,
    channelId: string,
    message: { id: string; postedAt: Date; authorId: string | null },
  ): Promise<void> {
    return this.repository.recordPost(executor, caller.organizationId, channelId, message);
  }

  setWithSms(executor: Executor, caller: Caller, channelId: string, withSms: boolean) {
    return this.repository.update(executor, caller.organizationId, channelId, { withSms });
  }

  /** Creates a channel inside the caller's transaction (bulk messages' direct channels). */
  async insert(
    executor: Executor,
    caller: Caller,
    fields: Pick<NewChannelRow, "name" | "subscriptionType">,
    subscribers: { individualId: string; admin: boolean }[],
  ): Promise<ChannelRow> {
    const now = new Date();
    const id = newId();
    return this.repository.insert(
      executor,
      {
        organizationId: caller.organizationId,
        id,
        ...fields,
        createdBy: caller.individualId,
        lastMessageAt: now,
        createdAt: now,
        lastModifiedAt: now,
      },
      subscribers.map((subscriber) => ({
        organizationId: caller.organizationId,
        channelId: id,
        ...subscriber,
        lastMessageAt: now,
        createdAt: now,
      })),
    );
  }

  /** The channel locked; FORBIDDEN unless the caller is an organization or channel admin. */
  async lockManaged(executor: Executor, caller: Caller, id: string): Promise<ChannelRow> {
    const channel = await this.lock(executor, caller, id);
    if (caller.roles.includes("admin")) return channel;
    const [subscription] = await this.repository.findSubscriptions(
      caller.organizationId,
      caller.individualId,
      [channel.id],
      executor,
    );
    if (!subscription?.admin) {
      throw new ForbiddenError(`Only an admin of channel ${id} may change it`);
    }
    return channel;
  }

  requireNotArchived(channel: ChannelRow): void {
    if (channel.archived) {
      throw new ConflictError(`Channel ${channel.id} is archived; unarchive it first`);
    }
  }

  private async newSubscribers(
    caller: Caller,
    channelId: string,
    inputs: SubscriberInput[],
    lastMessageAt: Date,
  ): Promise<NewChannelSubscriberRow[]> {
    const ids = await this.individuals.requireAll(
      caller,
      inputs.map((input) => input.individualId),
      "subscribers.individualId",
    );
    const byId = new Map(inputs.map((input) => [input.individualId.toLowerCase(), input]));
    const now = new Date();
    return ids.map((individualId) => {
      const input = byId.get(individualId)!;
      return {
        organizationId: caller.organizationId,
        channelId,
        individualId,
        admin: input.admin,
        pinned: input.pinned,
        autoSignUp: input.autoSignUp,
        notify: input.notify,
        lastMessageAt,
        createdAt: now,
      };
    });
  }

  private async fieldsFromInput(
    caller: Caller,
    input: UpdateChannelInput,
  ): Promise<Partial<NewChannelRow>> {
    const fields: Partial<NewChannelRow> = {};
    checkMaxLength(input.name, TEXT_MAX, "input.name");
    checkMaxLength(input.label, TEXT_MAX, "input.label");
    if (input.name !== undefined) fields.name = input.name?.trim() || null;
    if (input.label !== undefined) fields.label = input.label?.trim() || null;
    const floating = checkNotNull(input.floating, "input.floating");
    if (floating !== undefined) fields.floating = floating;
    const eventSettingsEnabled = checkNotNull(
      input.eventSettingsEnabled,
      "input.eventSettingsEnabled",
    );
    if (eventSettingsEnabled !== undefined) fields.eventSettingsEnabled = eventSettingsEnabled;
    const subscriptionType = checkNotNull(input.subscriptionType, "input.subscriptionType");
    if (subscriptionType !== undefined) {
      if (!(SUBSCRIPTION_TYPES as readonly string[]).includes(subscriptionType)) {
        throw new BadUserInputError(
          "input.subscriptionType",
          `input.subscriptionType must be one of ${SUBSCRIPTION_TYPES.join(", ")}`,
        );
      }
      fields.subscriptionType = subscriptionType;
    }
    if (input.individualGroupId !== undefined) {
      fields.individualGroupId = input.individualGroupId
        ? (await this.groups.require(caller, input.individualGroupId, "input.individualGroupId")).id
        : null;
    }
    if (input.textNumberId !== undefined) {
      fields.textNumberId = input.textNumberId
        ? parseId(input.textNumberId, "input.textNumberId")
        : null;
    }
    return fields;
  }
}
