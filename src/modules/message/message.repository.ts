import {
  and,
  count,
  eq,
  gt,
  gte,
  ilike,
  inArray,
  isNull,
  lt,
  lte,
  ne,
  or,
  sql,
  getTableColumns,
  type SQL,
} from "drizzle-orm";
import type { Executor } from "../../db/client";
import { statementText } from "../../db/fixed-statements";
import {
  messageReactions,
  messages,
  type MessageReactionRow,
  type MessageRow,
  type NewMessageRow,
  type ReactionTypeValue,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";
import { arrayRowMapper, selectList } from "../../lib/raw-rows";

export interface MessageListFilter {
  channelId: string;
  /** The caller: drafts are theirs alone. */
  viewerId: string;
  /** With acknowledged: the caller's read horizon. */
  acknowledged?: { value: boolean; horizon: string | null };
  postedBefore?: Date;
  postedAfter?: Date;
  modifiedBefore?: Date;
  modifiedAfter?: Date;
  text?: string;
  authorId?: string;
}

/** A message with its reactions, as a statement that reads messages along maps them. */
export interface MessageWithReactions {
  message: MessageRow;
  /** As findReactionsByMessageIds orders them. */
  reactions: MessageReactionRow[];
}

const MESSAGE_COLUMNS = getTableColumns(messages);
const reactionCreatedAt = messageReactions.createdAt;
const MESSAGES = statementText(sql`${messages}`);
const MESSAGE_SELECT = statementText(selectList(MESSAGE_COLUMNS));
const MESSAGE_ORGANIZATION_ID = statementText(sql`${messages.organizationId}`);
const MESSAGE_ID_OF_ROW = statementText(sql`${messages.id}`);
const MESSAGE_REACTIONS =
  statementText(sql`(select json_agg(json_build_array(${messageReactions.individualId}, ${messageReactions.type}, ${reactionCreatedAt})
        order by ${reactionCreatedAt}, ${messageReactions.individualId}, ${messageReactions.type})
      from ${messageReactions}
      where ${messageReactions.organizationId} = ${messages.organizationId}
        and ${messageReactions.messageId} = ${messages.id})`);

/** The message id's column name in messagesOfText's rows. */
export const MESSAGE_ID = statementText(sql`${sql.identifier(messages.id.name)}`);
/** The author's column name in messagesOfText's rows. */
export const MESSAGE_AUTHOR_ID = statementText(sql`${sql.identifier(messages.authorId.name)}`);

/** How many values a row of messagesOfText has: the message's columns, then its reactions. */
export const MESSAGE_WITH_REACTIONS_WIDTH = Object.keys(MESSAGE_COLUMNS).length + 1;

/**
 * The messages whose ids the rows of `source` (a CTE of the same statement) hold in `idColumn`,
 * one primary-key probe each, for a statement of another module that reads messages along (the
 * inbox's, channel-inbox.repository.ts): the message's columns, then its reactions as one json
 * array of [individualId, type, createdAt] in findReactionsByMessageIds' order (NULL unless
 * `withReactions`). `organization` is the organization's parameter.
 */
export function messagesOfText(
  source: string,
  idColumn: string,
  organization: string,
  withReactions: boolean,
): string {
  return `select ${MESSAGE_SELECT}, ${withReactions ? MESSAGE_REACTIONS : "null"} as reactions
    from ${source} inner join ${MESSAGES} on ${MESSAGE_ORGANIZATION_ID} = ${organization}
      and ${MESSAGE_ID_OF_ROW} = ${source}.${idColumn}`;
}

/** Maps the values of messagesOfText that start at `offset` in a row read as an array. */
export function messageWithReactionsMapper(offset: number) {
  const toMessage = arrayRowMapper<MessageRow>(MESSAGE_COLUMNS, offset);
  const reactionListIndex = offset + MESSAGE_WITH_REACTIONS_WIDTH - 1;
  return (values: readonly unknown[]): MessageWithReactions => {
    const message = toMessage(values);
    const list = (values[reactionListIndex] as [string, ReactionTypeValue, string][]) ?? [];
    const reactions = list.map(([individualId, type, createdAt]): MessageReactionRow => ({
      organizationId: message.organizationId,
      messageId: message.id,
      individualId,
      type,
      createdAt: reactionCreatedAt.mapFromDriverValue(createdAt) as Date,
    }));
    return { message, reactions };
  };
}

/** Seed 002 messaging-messages and their reactions. */
export class MessageRepository {
  constructor(private readonly db: Executor) {}

  async insert(executor: Executor, row: NewMessageRow): Promise<MessageRow> {
    const [created] = await executor.insert(messages).values(row).returning();
    return created;
  }

  findByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<MessageRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return executor
      .select()
      .from(messages)
      .where(and(eq(messages.organizationId, organizationId), inArray(messages.id, [...ids])));
  }

  async lock(executor: Executor, organizationId: string, id: string) {
    const [row] = await executor
      .select()
      .from(messages)
      .where(tenantRow(messages, organizationId, id))
      .for("update");
    return row as MessageRow | undefined;
  }

  async update(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewMessageRow>,
  ): Promise<MessageRow> {
    const [updated] = await executor
      .update(messages)
      .set({ ...changes, lastModifiedAt: new Date() })
      .where(tenantRow(messages, organizationId, id))
      .returning();
    return updated;
  }

  /** Posted messages by others than the individual after the horizon: their unread count. */
  countUnread(
    executor: Executor,
    organizationId: string,
    channelId: string,
    horizon: string,
    individualId: string,
  ): Promise<number> {
    return executor.$count(
      messages,
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.channelId, channelId),
        gt(messages.id, horizon),
        eq(messages.draft, false),
        or(isNull(messages.authorId), ne(messages.authorId, individualId)),
      ),
    );
  }

  list(
    organizationId: string,
    filter: MessageListFilter,
    args: PageArgs,
  ): Promise<Connection<MessageRow>> {
    const conditions: (SQL | undefined)[] = [
      eq(messages.organizationId, organizationId),
      eq(messages.channelId, filter.channelId),
      or(eq(messages.draft, false), eq(messages.authorId, filter.viewerId)),
    ];
    const { acknowledged } = filter;
    if (acknowledged) {
      const { value, horizon } = acknowledged;
      if (horizon === null) {
        if (value) return this.empty(args);
      } else {
        conditions.push(value ? lte(messages.id, horizon) : gt(messages.id, horizon));
      }
    }
    if (filter.postedBefore) conditions.push(lt(messages.postedAt, filter.postedBefore));
    if (filter.postedAfter) conditions.push(gt(messages.postedAt, filter.postedAfter));
    if (filter.modifiedBefore) conditions.push(lt(messages.lastModifiedAt, filter.modifiedBefore));
    if (filter.modifiedAfter) conditions.push(gte(messages.lastModifiedAt, filter.modifiedAfter));
    if (filter.text) {
      conditions.push(
        eq(messages.removed, false),
        ilike(messages.body, `%${filter.text.replace(/[\\%_]/g, "\\$&")}%`),
      );
    }
    if (filter.authorId) conditions.push(eq(messages.authorId, filter.authorId));
    return fetchPage(
      args,
      byId(messages.id),
      and(...conditions),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(messages)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(messages, where),
    );
  }

  private empty(args: PageArgs): Promise<Connection<MessageRow>> {
    return fetchPage(
      args,
      byId(messages.id),
      undefined,
      async () => [],
      async () => 0,
    );
  }

  /** Adds the reaction; false when that individual already reacted with that type. */
  async insertReaction(
    executor: Executor,
    row: {
      organizationId: string;
      messageId: string;
      individualId: string;
      type: ReactionTypeValue;
    },
  ): Promise<boolean> {
    const inserted = await executor
      .insert(messageReactions)
      .values(row)
      .onConflictDoNothing()
      .returning({ type: messageReactions.type });
    return inserted.length > 0;
  }

  async deleteReaction(
    executor: Executor,
    organizationId: string,
    messageId: string,
    individualId: string,
    type: ReactionTypeValue,
  ): Promise<boolean> {
    const deleted = await executor
      .delete(messageReactions)
      .where(
        and(
          eq(messageReactions.organizationId, organizationId),
          eq(messageReactions.messageId, messageId),
          eq(messageReactions.individualId, individualId),
          eq(messageReactions.type, type),
        ),
      )
      .returning({ type: messageReactions.type });
    return deleted.length > 0;
  }

  /** Posted messages per channel and author among the channels. */
  countByChannelAndAuthor(
    organizationId: string,
    channelIds: readonly string[],
  ): Promise<{ channelId: string; authorId: string | null; count: number }[]> {
    if (!channelIds.length) return Promise.resolve([]);
    return this.db
      .select({ channelId: messages.channelId, authorId: messages.authorId, count: count() })
      .from(messages)
      .where(
        and(
          eq(messages.organizationId, organizationId),
          inArray(messages.channelId, [...channelIds]),
          eq(messages.draft, false),
        ),
      )
      .groupBy(messages.channelId, messages.authorId);
  }

  findReactionsByMessageIds(
    organizationId: string,
    messageIds: readonly string[],
  ): Promise<MessageReactionRow[]> {
    if (!messageIds.length) return Promise.resolve([]);
    return this.db
      .select()
      .from(messageReactions)
      .where(
        and(
          eq(messageReactions.organizationId, organizationId),
          inArray(messageReactions.messageId, [...messageIds]),
        ),
      )
      .orderBy(
        messageReactions.messageId,
        messageReactions.createdAt,
        messageReactions.individualId,
        messageReactions.type,
      );
  }
}
