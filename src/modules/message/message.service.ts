import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type { ChannelRow, ChannelSubscriberRow, MessageRow } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { checkMaxLength, checkNotBlank, checkNotNull } from "../../lib/validate";
import type { ChannelService } from "../channel/channel.service";
import type { MessageFilter, PostMessageInput, UpdateMessageInput } from "./message.input";
import type { MessageRepository } from "./message.repository";

const BODY_MAX = 10_000;
const LABEL_MAX = 64;

/**
 * Seam for texting a posted message to the subscribers of an SMS-enabled channel: called inside
 * the posting transaction, once per message that becomes visible in a channel with withSms.
 */
export type SmsFanOut = (
  executor: Executor,
  post: { caller: Caller; channel: ChannelRow; message: MessageRow },
) => Promise<void>;

/** Someone else's draft is invisible: it answers like a missing message, wherever it is asked for. */
export function visibleTo(
  message: MessageRow | null | undefined,
  caller: Pick<Caller, "individualId"> | null,
): message is MessageRow {
  return message != null && (!message.draft || message.authorId === caller?.individualId);
}

export interface PostOptions {
  draft: boolean;
  autoAck: boolean;
  source?: string | null;
  userType?: string | null;
  bulkMessageId?: string | null;
}

export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly repository: MessageRepository,
    private readonly channels: ChannelService,
    private readonly smsFanOut?: SmsFanOut,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<MessageRow[]> {
    return this.repository.findByIds(organizationId, ids);
  }

  /** The message, NOT_FOUND when missing, another organization's or someone else's draft. */
  async require(caller: Caller, id: string, field = "id", executor?: Executor) {
    const [row] = await this.repository.findByIds(
      caller.organizationId,
      [parseId(id, field)],
      executor,
    );
    if (!visibleTo(row, caller)) throw new NotFoundError("Message", id);
    return row;
  }

  list(
    caller: Caller,
    channelId: string,
    horizon: string | null,
    filter: MessageFilter | undefined,
    page: PageArgs,
  ): Promise<Connection<MessageRow>> {
    return this.repository.list(
      caller.organizationId,
      {
        channelId,
        viewerId: caller.individualId,
        acknowledged:
          filter?.acknowledged != null ? { value: filter.acknowledged, horizon } : undefined,
        postedBefore: filter?.postedBefore ?? undefined,
        postedAfter: filter?.postedAfter ?? undefined,
        modifiedBefore: filter?.modifiedBefore ?? undefined,
        modifiedAfter: filter?.modifiedAfter ?? undefined,
        text: filter?.text?.trim() || undefined,
        authorId: filter?.authorId ? parseId(filter.authorId, "filter.authorId") : undefined,
      },
      page,
    );
  }

  async post(caller: Caller, input: PostMessageInput): Promise<MessageRow> {
    const body = this.checkBody(input.body, "input.body");
    checkMaxLength(input.source, LABEL_MAX, "input.source");
    checkMaxLength(input.userType, LABEL_MAX, "input.userType");
    return this.db.transaction(async (tx) => {
      const channel = await this.channels.lock(tx, caller, input.channelId, "input.channelId");
      return this.postLocked(tx, caller, channel, body, input);
    });
  }

  /** Posts into a channel already locked by the caller's transaction. */
  async postLocked(
    executor: Executor,
    caller: Caller,
    channel: ChannelRow,
    body: string,
    options: PostOptions,
  ): Promise<MessageRow> {
    if (channel.archived) {
      throw new ConflictError(`Channel ${channel.id} is archived; no messages can be posted`);
    }
    const subscription = await this.channels.lockSubscription(
      executor,
      caller,
      channel.id,
      caller.individualId,
    );
    if (!subscription && !caller.roles.includes("admin")) {
      throw new ForbiddenError(`Only subscribers of channel ${channel.id} may post to it`);
    }
    const now = new Date();
    const message = await this.repository.insert(executor, {
      organizationId: caller.organizationId,
      id: newId(),
      channelId: channel.id,
      authorId: caller.individualId,
      body,
      draft: options.draft,
      source: options.source ?? null,
      userType: options.userType ?? null,
      bulkMessageId: options.bulkMessageId ?? null,
      postedAt: now,
      lastModifiedAt: now,
    });
    if (!message.draft) await this.published(executor, caller, channel, message);
    if (options.autoAck && subscription && !message.draft) {
      await this.moveHorizon(executor, caller, subscription, message.id, false);
    }
    return message;
  }

  async update(caller: Caller, id: string, input: UpdateMessageInput): Promise<MessageRow> {
    const body = checkNotNull(input.body, "input.body");
    const checkedBody = body === undefined ? undefined : this.checkBody(body, "input.body");
    const draft = checkNotNull(input.draft, "input.draft");
    return this.db.transaction(async (tx) => {
      const message = await this.lockOwn(tx, caller, id);
      if (draft === true && !message.draft) {
        throw new ConflictError(`Message ${id} is posted; it cannot become a draft again`);
      }
      const publishing = message.draft && draft === false;
      const channel = publishing
        ? await this.channels.lock(tx, caller, message.channelId)
        : undefined;
      if (channel?.archived) {
        throw new ConflictError(`Channel ${channel.id} is archived; no messages can be posted`);
      }
      const updated = await this.repository.update(tx, caller.organizationId, message.id, {
        ...(checkedBody !== undefined ? { body: checkedBody } : {}),
        ...(publishing ? { draft: false, postedAt: new Date() } : {}),
      });
      if (channel) await this.published(tx, caller, channel, updated);
      return updated;
    });
  }

  /** Soft removal: the message keeps its place and receipts; its body is hidden. */
  async remove(caller: Caller, id: string): Promise<MessageRow> {
    return this.db.transaction(async (tx) => {
      const message = await this.lockVisible(tx, caller, id);
      if (message.authorId !== caller.individualId && !caller.roles.includes("admin")) {
        const subscription = await this.channels.lockSubscription(
          tx,
          caller,
          message.channelId,
          caller.individualId,
        );
        if (!subscription?.admin) {
          throw new ForbiddenError("Only the author or an admin may remove a message");
        }
      }
      if (message.removed) throw new ConflictError(`Message ${id} is already removed`);
      return this.repository.update(tx, caller.organizationId, message.id, { removed: true });
    });
  }

  /**
   * Marks the message and every earlier one in its channel read for the caller. The read horizon
   * never moves backwards unless allowPast.
   */
  async acknowledge(caller: Caller, id: string, allowPast: boolean): Promise<MessageRow> {
    return this.db.transaction(async (tx) => {
      const message = await this.require(caller, id, "id", tx);
      const subscription = await this.channels.lockSubscription(
        tx,
        caller,
        message.channelId,
        caller.individualId,
      );
      if (!subscription) {
        throw new ForbiddenError(`Only subscribers of channel ${message.channelId} acknowledge`);
      }
      await this.moveHorizon(tx, caller, subscription, message.id, allowPast);
      return message;
    });
  }

  /** Sets or clears the caller's bookmark in the message's channel. */
  async bookmark(caller: Caller, id: string, bookmarked: boolean): Promise<ChannelRow> {
    return this.db.transaction(async (tx) => {
      const message = await this.require(caller, id, "id", tx);
      const updated = await this.channels.updateSubscription(
        tx,
        caller,
        message.channelId,
        caller.individualId,
        { bookmarkMessageId: bookmarked ? message.id : null },
      );
      if (!updated) {
        throw new ForbiddenError(`Only subscribers of channel ${message.channelId} bookmark`);
      }
      return this.channels.require(caller, message.channelId, "id", tx);
    });
  }

  /**
   * Turns the channel's SMS path on or off; on needs a subscriber with a textable number, and may
   * post an initial message (which then goes out by SMS too).
   */
  async setChannelSms(
    caller: Caller,
    id: string,
    enabled: boolean,
    initialMessage: string | null | undefined,
  ): Promise<ChannelRow> {
    const channelId = parseId(id);
    const body = initialMessage ? this.checkBody(initialMessage, "initialMessage") : null;
    if (enabled && !(await this.channels.canEnableSms(caller, channelId))) {
      throw new ConflictError(
        `No subscriber of channel ${id} has a phone number that accepts texts`,
      );
    }
    return this.db.transaction(async (tx) => {
      const locked = await this.channels.lockManaged(tx, caller, channelId);
      this.channels.requireNotArchived(locked);
      const channel = await this.channels.setWithSms(tx, caller, channelId, enabled);
      if (!enabled || !body) return channel;
      await this.postLocked(tx, caller, channel, body, { draft: false, autoAck: true });
      return this.channels.require(caller, channelId, "id", tx);
    });
  }

  private async published(
    executor: Executor,
    caller: Caller,
    channel: ChannelRow,
    message: MessageRow,
  ): Promise<void> {
    await this.channels.recordPost(executor, caller, channel.id, message);
    if (channel.withSms) await this.smsFanOut?.(executor, { caller, channel, message });
  }

  private async moveHorizon(
    executor: Executor,
    caller: Caller,
    subscription: ChannelSubscriberRow,
    messageId: string,
    allowPast: boolean,
  ): Promise<void> {
    const current = subscription.horizonMessageId;
    if (current && messageId <= current && !allowPast) return;
    const unreadCount = await this.repository.countUnread(
      executor,
      caller.organizationId,
      subscription.channelId,
      messageId,
      caller.individualId,
    );
    await this.channels.updateSubscription(
      executor,
      caller,
      subscription.channelId,
      caller.individualId,
      { horizonMessageId: messageId, acknowledgedAt: new Date(), unreadCount },
    );
  }

  private async lockVisible(executor: Executor, caller: Caller, id: string) {
    const message = await this.repository.lock(executor, caller.organizationId, parseId(id));
    if (!message || (message.draft && message.authorId !== caller.individualId)) {
      throw new NotFoundError("Message", id);
    }
    return message;
  }

  private async lockOwn(executor: Executor, caller: Caller, id: string) {
    const message = await this.lockVisible(executor, caller, id);
    if (message.authorId !== caller.individualId) {
      throw new ForbiddenError("Only the author may edit a message");
    }
    if (message.removed) throw new ConflictError(`Message ${id} is removed`);
    return message;
  }

  private checkBody(body: string, field: string): string {
    const trimmed = checkNotBlank(body, field);
    checkMaxLength(trimmed, BODY_MAX, field);
    return trimmed;
  }
}
