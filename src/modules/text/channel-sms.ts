import type { Logger } from "../../logger";
import { OptedOutError } from "../../lib/errors";
import type { ChannelService } from "../channel/channel.service";
import type { IndividualService } from "../individual/individual.service";
import type { SmsFanOut } from "../message/message.service";
import type { TextAccountService } from "./text-account.service";
import type { TextService } from "./text.service";

/**
 * The SMS path of channel and bulk messages: every subscriber but the author who has a phone
 * number gets the message as a text from the channel's text number, written to the outbox in the
 * posting transaction with the same consent check as sendText. A subscriber who opted out is
 * skipped (nothing is written for them); the post itself still succeeds.
 */
export function createChannelSmsFanOut(
  texts: TextService,
  textAccounts: TextAccountService,
  channels: ChannelService,
  individuals: IndividualService,
  logger: Logger,
): SmsFanOut {
  return async (executor, { caller, channel, message }) => {
    if (message.draft || message.removed) return;
    const organizationId = caller.organizationId;
    if (!channel.textNumberId) {
      logger.warn(
        { channelId: channel.id },
        "channel has SMS on but no text number; no texts written",
      );
      return;
    }
    const number = await textAccounts.findNumber(executor, organizationId, channel.textNumberId);
    if (!number?.capabilitySms) return;
    const subscribers = await channels.findSubscribersByChannelIds(
      organizationId,
      [channel.id],
      executor,
    );
    const recipientIds = subscribers
      .map((subscriber) => subscriber.individualId)
      .filter((id) => id !== message.authorId);
    const recipients = await individuals.findByIds(organizationId, recipientIds, executor);
    const written = await texts.enqueue(
      executor,
      recipients
        .filter((recipient) => recipient.phoneNumber)
        .map((recipient) => ({
          organizationId,
          accountId: number.accountId,
          numberId: number.id,
          from: number.phoneNumber,
          target: recipient.phoneNumber!,
          message: message.body,
          createdBy: caller.individualId,
        })),
    );
    const queued = written.filter((text) => !(text instanceof OptedOutError)).length;
    if (queued > 0) texts.notifyAccepted();
  };
}
