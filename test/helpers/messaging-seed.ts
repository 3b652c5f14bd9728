import { sql } from "drizzle-orm";
import type { Database } from "../../src/db/client";
import {
  channelSubscribers,
  channels,
  individuals,
  messages,
  type NewChannelRow,
  type NewChannelSubscriberRow,
  type NewIndividualRow,
  type NewMessageRow,
} from "../../src/db/schema";
import { newId } from "../../src/lib/ids";

export interface MessagingSeed {
  /** The individual who subscribes to every channel: sign the inbox caller's token for it. */
  callerId: string;
  channelIds: string[];
}

export interface MessagingSeedOptions {
  channels: number;
  subscribersPerChannel: number;
  messagesPerChannel: number;
  /** How many individuals the other subscribers are drawn from. */
  individualPool?: number;
}

/** Rows per multi-row INSERT, well under Postgres' 65,535 parameters. */
const CHUNK = 4_000;

async function insertChunked<Row>(
  rows: Row[],
  insert: (chunk: Row[]) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    await insert(rows.slice(start, start + CHUNK));
  }
}

/**
 * Seeds an organization's messaging data with multi-row inserts and set-based updates: channels
 * whose subscribers are the caller plus others, messages by those others (UUIDv7 ids in posting
 * order), a reaction on every message, the caller's horizon half-way through each channel, and
 * the denormalized last-message and unread columns the posting path maintains.
 */
export async function seedMessaging(
  db: Database,
  organizationId: string,
  options: MessagingSeedOptions,
): Promise<MessagingSeed> {
  const poolSize = options.individualPool ?? Math.max(options.subscribersPerChannel * 4, 20);
  const now = Date.now();
  const individualRows: NewIndividualRow[] = Array.from({ length: poolSize + 1 }, (_, index) => ({
    organizationId,
    id: newId(),
    firstName: index === 0 ? "Caller" : `Person ${index}`,
    lastName: "Seed",
    phoneNumber: `+1415555${String(index).padStart(4, "0")}`,
  }));
  const [caller, ...pool] = individualRows.map((row) => row.id!);
  await insertChunked(individualRows, (chunk) => db.insert(individuals).values(chunk));

  const start = now - options.channels * options.messagesPerChannel - 60_000;
  const channelRows: NewChannelRow[] = [];
  const subscriberRows: NewChannelSubscriberRow[] = [];
  const messageRows: NewMessageRow[] = [];
  const memberships: string[][] = [];
  for (let c = 0; c < options.channels; c += 1) {
    const channelId = newId();
    const createdAt = new Date(start);
    channelRows.push({
      organizationId,
      id: channelId,
      name: `Channel ${c}`,
      subscriptionType: "group-message",
      createdBy: caller,
      lastMessageAt: createdAt,
      createdAt,
      lastModifiedAt: createdAt,
    });
    const members = [caller];
    for (let s = 1; s < options.subscribersPerChannel; s += 1) {
      members.push(pool[(c * 7 + s) % pool.length]);
    }
    for (const individualId of new Set(members)) {
      subscriberRows.push({
        organizationId,
        channelId,
        individualId,
        createdAt,
        lastMessageAt: createdAt,
      });
    }
    memberships.push(members);
  }
  // Posting order interleaves channels; ids are generated in that order, so they follow it.
  for (let m = 0; m < options.messagesPerChannel; m += 1) {
    for (let c = 0; c < options.channels; c += 1) {
      const members = memberships[c];
      const postedAt = new Date(start + c + m * options.channels);
      messageRows.push({
        organizationId,
        id: newId(postedAt.getTime()),
        channelId: channelRows[c].id!,
        authorId: members[1 + (m % (members.length - 1))] ?? caller,
        body: `Message ${m} in channel ${c}`,
        postedAt,
        lastModifiedAt: postedAt,
      });
    }
  }
  await insertChunked(channelRows, (chunk) => db.insert(channels).values(chunk));
  await insertChunked(subscriberRows, (chunk) => db.insert(channelSubscribers).values(chunk));
  await insertChunked(messageRows, (chunk) => db.insert(messages).values(chunk));

  await db.execute(sql`
    insert into message_reactions (organization_id, message_id, individual_id, type)
    select organization_id, id, author_id, 'LIKE' from messages where organization_id = ${organizationId}`);
  await db.execute(sql`
    update channels c set last_message_id = m.id, last_message_at = m.posted_at, last_modified_at = m.posted_at
    from (select distinct on (channel_id) channel_id, id, posted_at from messages
          where organization_id = ${organizationId} order by channel_id, id desc) m
    where c.organization_id = ${organizationId} and c.id = m.channel_id`);
  await db.execute(sql`
    update channel_subscribers s set horizon_message_id = h.id, acknowledged_at = h.posted_at
    from (select channel_id, id, posted_at from (
            select channel_id, id, posted_at, row_number() over (partition by channel_id order by id) as n
            from messages where organization_id = ${organizationId}) ranked
          where n = ${Math.ceil(options.messagesPerChannel / 2)}) h
    where s.organization_id = ${organizationId} and s.channel_id = h.channel_id
      and s.individual_id = ${caller}`);
  await db.execute(sql`
    update channel_subscribers s set last_message_at = c.last_message_at,
      unread_count = (select count(*) from messages m
        where m.organization_id = s.organization_id and m.channel_id = s.channel_id
          and not m.draft and m.author_id <> s.individual_id
          and (s.horizon_message_id is null or m.id > s.horizon_message_id))
    from channels c
    where s.organization_id = ${organizationId} and c.organization_id = s.organization_id
      and c.id = s.channel_id`);
  return { callerId: caller, channelIds: channelRows.map((row) => row.id!) };
}
