import type { MessageRow } from "../../db/schema";
import type { SubscriberFieldsRow } from "../channel/channel.repository";
import type { MessageReceipts } from "./message.type";

/** Splits the channel's subscribers but the author by whether their read horizon reached it. */
export function receiptsOf(
  message: MessageRow,
  subscribers: SubscriberFieldsRow[],
): MessageReceipts {
  const receipts: MessageReceipts = { read: [], unread: [] };
  for (const subscriber of subscribers) {
    if (subscriber.individualId === message.authorId) continue;
    const read = !!subscriber.horizonMessageId && message.id <= subscriber.horizonMessageId;
    (read ? receipts.read : receipts.unread).push({
      individualId: subscriber.individualId,
      acknowledgedAt: read ? subscriber.acknowledgedAt : null,
    });
  }
  return receipts;
}
