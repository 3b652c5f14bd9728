import type { Caller } from "../../auth/caller";
import { parseId } from "../../lib/ids";
import type { ChannelService } from "../channel/channel.service";
import type { CommunicationSummary, MessageCount } from "./bulk-message.type";
import type { MessageRepository } from "./message.repository";

function counts(map: Map<string, number>): MessageCount[] {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
}

/** Seed 002 communication-summaries: message counts across one individual's channels. */
export class CommunicationSummaryService {
  constructor(
    private readonly repository: MessageRepository,
    private readonly channels: ChannelService,
  ) {}

  async summarize(
    caller: Caller,
    individualId: string,
    includeSenders: boolean,
  ): Promise<CommunicationSummary> {
    const id = parseId(individualId, "individualId");
    const subscriptions = await this.channels.subscriptionsOfIndividual(caller, id);
    const typeOf = new Map(subscriptions.map((s) => [s.channelId, s.subscriptionType]));
    const rows = await this.repository.countByChannelAndAuthor(caller.organizationId, [
      ...typeOf.keys(),
    ]);
    const byType = new Map<string, number>();
    const bySender = new Map<string, number>();
    let totalMessages = 0;
    let sentMessages = 0;
    for (const row of rows) {
      totalMessages += row.count;
      if (row.authorId === id) sentMessages += row.count;
      const type = typeOf.get(row.channelId)!;
      byType.set(type, (byType.get(type) ?? 0) + row.count);
      if (row.authorId) bySender.set(row.authorId, (bySender.get(row.authorId) ?? 0) + row.count);
    }
    return {
      individualId: id,
      totalMessages,
      sentMessages,
      unreadMessages: subscriptions.reduce((sum, s) => sum + s.unreadCount, 0),
      byType: counts(byType),
      bySender: includeSenders ? counts(bySender) : null,
    };
  }
}
