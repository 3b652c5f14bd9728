import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type { BulkMessageRow, NewBulkMessageRow } from "../../db/schema";
import { ConflictError, ForbiddenError, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import { checkMaxLength, checkNotBlank, checkNotNull } from "../../lib/validate";
import type { ChannelService } from "../channel/channel.service";
import type { IndividualGroupService } from "../individual/individual-group.service";
import type { IndividualService } from "../individual/individual.service";
import type { PostBulkMessageInput, UpdateBulkMessageInput } from "./bulk-message.input";
import type { BulkMessageRepository } from "./bulk-message.repository";
import type { MessageService } from "./message.service";

const BODY_MAX = 10_000;

/** Seed 002 messaging-bulk-messages: one message into each recipient's direct channel. */
export class BulkMessageService {
  constructor(
    private readonly db: Database,
    private readonly repository: BulkMessageRepository,
    private readonly messages: MessageService,
    private readonly channels: ChannelService,
    private readonly individuals: IndividualService,
    private readonly groups: IndividualGroupService,
  ) {}

  async post(caller: Caller, input: PostBulkMessageInput): Promise<BulkMessageRow> {
    const body = this.checkBody(input.body);
    await this.requireSender(caller);
    const recipients = await this.recipients(caller, input.individualIds, input.individualGroupIds);
    const now = new Date();
    const row: NewBulkMessageRow = {
      organizationId: caller.organizationId,
      id: newId(),
      body,
      draft: true,
      autoAck: input.autoAck,
      autoCreateChannel: input.autoCreateChannel,
      individualIds: recipients.individualIds,
      individualGroupIds: recipients.individualGroupIds,
      createdBy: caller.individualId,
      createdAt: now,
      lastModifiedAt: now,
    };
    return this.db.transaction(async (tx) => {
      const created = await this.repository.insert(tx, row);
      return input.draft ? created : this.send(tx, caller, created, recipients.all);
    });
  }

  async update(caller: Caller, id: string, input: UpdateBulkMessageInput): Promise<BulkMessageRow> {
    const bulkId = parseId(id);
    const current = await this.repository.findById(caller.organizationId, bulkId);
    if (!current) throw new NotFoundError("BulkMessage", id);
    if (current.createdBy !== caller.individualId) {
      throw new ForbiddenError("Only the sender may change a bulk message");
    }
    const body = checkNotNull(input.body, "input.body");
    const draft = checkNotNull(input.draft, "input.draft");
    const recipients = await this.recipients(
      caller,
      input.individualIds ?? current.individualIds,
      input.individualGroupIds ?? current.individualGroupIds,
    );
    const changes: Partial<NewBulkMessageRow> = {
      individualIds: recipients.individualIds,
      individualGroupIds: recipients.individualGroupIds,
      ...(body !== undefined ? { body: this.checkBody(body) } : {}),
    };
    return this.db.transaction(async (tx) => {
      const locked = await this.repository.lock(tx, caller.organizationId, bulkId);
      if (!locked?.draft) throw new ConflictError(`Bulk message ${id} is already posted`);
      const updated = await this.repository.update(tx, caller.organizationId, bulkId, changes);
      return draft === false ? this.send(tx, caller, updated, recipients.all) : updated;
    });
  }

  /** Posts into each recipient's direct channel, creating it when asked; one transaction. */
  private async send(
    executor: Executor,
    caller: Caller,
    bulk: BulkMessageRow,
    recipients: string[],
  ): Promise<BulkMessageRow> {
    const sender = caller.individualId;
    const others = recipients.filter((id) => id !== sender);
    const direct = await this.channels.findDirectChannels(executor, caller, sender, others);
    let messageCount = 0;
    for (const recipient of others) {
      let channelId = direct.get(recipient);
      if (!channelId && bulk.autoCreateChannel) {
        const created = await this.channels.insert(
          executor,
          caller,
          { name: null, subscriptionType: "direct-message" },
          [
            { individualId: sender, admin: true },
            { individualId: recipient, admin: false },
          ],
        );
        channelId = created.id;
      }
      if (!channelId) continue;
      const channel = await this.channels.lock(executor, caller, channelId);
      await this.messages.postLocked(executor, caller, channel, bulk.body, {
        draft: false,
        autoAck: bulk.autoAck,
        bulkMessageId: bulk.id,
      });
      messageCount += 1;
    }
    return this.repository.update(executor, caller.organizationId, bulk.id, {
      draft: false,
      postedAt: new Date(),
      messageCount,
    });
  }

  private async requireSender(caller: Caller): Promise<void> {
    const [sender] = await this.individuals.findByIds(caller.organizationId, [caller.individualId]);
    if (!sender)
      throw new ForbiddenError("Bulk messages are sent by an individual of the organization");
  }

  private async recipients(caller: Caller, individualIds: string[], groupIds: string[]) {
    const direct = await this.individuals.requireAll(caller, individualIds, "input.individualIds");
    const groupList = [...new Set(groupIds.map((id) => parseId(id, "input.individualGroupIds")))];
    const members = groupList.length
      ? await this.groups.memberIds(caller, groupList, "input.individualGroupIds")
      : [];
    return {
      individualIds: direct,
      individualGroupIds: groupList,
      all: [...new Set([...direct, ...members])],
    };
  }

  private checkBody(body: string): string {
    const trimmed = checkNotBlank(body, "input.body");
    checkMaxLength(trimmed, BODY_MAX, "input.body");
    return trimmed;
  }
}
