import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client";
import { queryArrays, statementText } from "../../db/fixed-statements";
import {
  channelSubscribers,
  channels,
  type ChannelRow,
  type IndividualRow,
  type ChannelSubscriberRow,
  type MessageReactionRow,
  type MessageRow,
} from "../../db/schema";
import {
  keysetOrderText,
  keysetText,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
  type SortKey,
} from "../../lib/pagination";
import { arrayRowMapper } from "../../lib/raw-rows";
import { individualsFromJson, individualsJsonText } from "../individual/individual.repository";
import {
  MESSAGE_AUTHOR_ID,
  MESSAGE_ID,
  MESSAGE_WITH_REACTIONS_WIDTH,
  messagesOfText,
  messageWithReactionsMapper,
} from "../message/message.repository";
import type { SubscriberFieldsRow } from "./channel.repository";
import { SUBSCRIBER_LIST, toSubscriberFields } from "./channel-subscriber-list";

export type InboxSortField = "LAST_MESSAGE_AT" | "UNREAD_COUNT" | "ACKNOWLEDGED_AT";

export interface InboxQuery {
  archived?: boolean;
  bookmarked?: boolean;
  text?: string;
  subscriptionType?: string;
  individualGroupId?: string;
  sort: InboxSortField;
  descending: boolean;
  /** What the page's statement reads along, for the fields the query selects. */
  reads?: InboxReads;
}

/** Relations of the page's channels read in the page's own statement. */
export interface InboxReads {
  /** Each channel's subscribers (SUBSCRIBER_FIELDS). */
  subscribers?: boolean;
  /** Each channel's last message. */
  lastMessages?: boolean;
  /** Their reactions. */
  lastMessageReactions?: boolean;
  /** The individuals of the channels' subscribers (by channels.subscriber_ids). */
  subscriberIndividuals?: boolean;
  /** The last messages' authors (with lastMessages). */
  lastMessageAuthors?: boolean;
}

export type InboxChannel = ChannelRow & {
  callerSubscription: ChannelSubscriberRow;
  /** With InboxReads.subscribers: the channel's subscribers, in subscribersByChannelId's order. */
  loadedSubscribers?: SubscriberFieldsRow[];
  /**
   * With InboxReads.lastMessages and a lastMessageId: that message (null when it is not found),
   * with its reactions when InboxReads.lastMessageReactions.
   */
  loadedLastMessage?: { message: MessageRow; reactions?: MessageReactionRow[] } | null;
  /**
   * With InboxReads.subscriberIndividuals or lastMessageAuthors, on one row of the page (any):
   * every individual those name.
   */
  loadedIndividuals?: IndividualRow[];
};

const dateKey = (column: PgColumn, read: (row: InboxChannel) => Date) => ({
  column,
  read: (row: InboxChannel) => read(row).toISOString(),
  decode: (value: unknown) => new Date(String(value)),
});

/** The sort column lives on the subscription row, so each order is one index range scan. */
const SORT_KEYS: Record<InboxSortField, Omit<SortKey<InboxChannel>, "descending">> = {
  LAST_MESSAGE_AT: dateKey(
    channelSubscribers.lastMessageAt,
    (row) => row.callerSubscription.lastMessageAt,
  ),
  ACKNOWLEDGED_AT: dateKey(
    channelSubscribers.acknowledgedAt,
    (row) => row.callerSubscription.acknowledgedAt,
  ),
  UNREAD_COUNT: {
    column: channelSubscribers.unreadCount,
    read: (row) => row.callerSubscription.unreadCount,
  },
};

const CHANNEL_COLUMNS = getTableColumns(channels);
const SUBSCRIPTION_COLUMNS = getTableColumns(channelSubscribers);
const PAGE_COLUMNS = [...Object.values(CHANNEL_COLUMNS), ...Object.values(SUBSCRIPTION_COLUMNS)];

/**
 * The statement's rows, read as arrays: PAGE_COLUMNS, the subscriber list, the last message with
 * its reactions, then the individuals (on one row); those InboxReads leaves out are NULL.
 */
const CHANNEL_AT = 0;
const SUBSCRIPTION_AT = CHANNEL_AT + Object.keys(CHANNEL_COLUMNS).length;
const SUBSCRIBER_LIST_AT = SUBSCRIPTION_AT + Object.keys(SUBSCRIPTION_COLUMNS).length;
const LAST_MESSAGE_AT = SUBSCRIBER_LIST_AT + 1;
const INDIVIDUALS_AT = LAST_MESSAGE_AT + MESSAGE_WITH_REACTIONS_WIDTH;

const toChannel = arrayRowMapper<ChannelRow>(CHANNEL_COLUMNS, CHANNEL_AT);
const toSubscription = arrayRowMapper<ChannelSubscriberRow>(SUBSCRIPTION_COLUMNS, SUBSCRIPTION_AT);
const toLastMessage = messageWithReactionsMapper(LAST_MESSAGE_AT);

const columnTexts = new Map<PgColumn, string>();
/** `"table"."column"`, rendered once per column. */
const columnOf = (column: PgColumn): string => {
  let text = columnTexts.get(column);
  if (text === undefined) columnTexts.set(column, (text = statementText(sql`${column}`)));
  return text;
};

/** Each page column's name in the page's CTE, e.g. `"channel_subscribers.last_message_at"`. */
const PAGE_COLUMN_NAMES = new Map<PgColumn, string>(
  PAGE_COLUMNS.map((column) => [
    column,
    statementText(sql`${sql.identifier(`${getTableName(column.table)}.${column.name}`)}`),
  ]),
);
const pageColumnOf = (column: PgColumn): string => PAGE_COLUMN_NAMES.get(column)!;

/** The page's CTE's select list: PAGE_COLUMNS under their PAGE_COLUMN_NAMES. */
const PAGE_SELECT = PAGE_COLUMNS.map(
  (column) => `${columnOf(column)} as ${pageColumnOf(column)}`,
).join(", ");
const FROM = statementText(sql`from ${channelSubscribers} inner join ${channels}
  on ${channels.organizationId} = ${channelSubscribers.organizationId}
  and ${channels.id} = ${channelSubscribers.channelId}`);

const LAST_MESSAGE_ID = pageColumnOf(channels.lastMessageId);
const SUBSCRIBER_IDS = pageColumnOf(channels.subscriberIds);
const PAGE_VALUES = PAGE_COLUMNS.map((column) => `page.${pageColumnOf(column)}`).join(", ");

/**
 * The individuals `reads` asks for as one json value on one row of the page (which row does not
 * matter; `row_number() over ()` numbers them before the final sort), read once: the subquery
 * names only the CTEs, so Postgres runs it once for the statement.
 */
function individualsText(reads: InboxReads): string {
  const ids: string[] = [];
  if (reads.subscriberIndividuals) ids.push(`select unnest(page.${SUBSCRIBER_IDS}) from page`);
  if (reads.lastMessageAuthors && reads.lastMessages) {
    ids.push(`select last_message.${MESSAGE_AUTHOR_ID} from last_message`);
  }
  if (ids.length === 0) return "null";
  return `case when row_number() over () = 1 then ${individualsJsonText(ids.join(" union all "), "$1")} end`;
}

/**
 * The statement after the page's CTE (`page`): each channel with its last message when `reads`
 * asks for them, NULLs else, and the individuals, in the page's order. `$1` is the organization
 * (filter's first value).
 */
function channelRowsText(reads: InboxReads, orderBy: string): string {
  const individuals = individualsText(reads);
  if (!reads.lastMessages) {
    const nulls = Array.from({ length: MESSAGE_WITH_REACTIONS_WIDTH }, () => "null").join(", ");
    return ` select ${PAGE_VALUES}, page.subscriber_list, ${nulls}, ${individuals} from page order by ${orderBy}`;
  }
  const lastMessages = messagesOfText("page", LAST_MESSAGE_ID, "$1", !!reads.lastMessageReactions);
  return `, last_message as materialized (${lastMessages})
  select ${PAGE_VALUES}, page.subscriber_list, last_message.*, ${individuals}
    from page left join last_message on last_message.${MESSAGE_ID} = page.${LAST_MESSAGE_ID}
    order by ${orderBy}`;
}

/**
 * Seed 002 communication-messages: one individual's channels, as their inbox, with the relations
 * InboxReads asks for in the same statement: one round trip, where a statement per relation cost
 * the server more than reading the rows (each statement wakes a Postgres backend). The last
 * messages' columns and row mapping come from the message repository. The statement's text depends
 * only on the query's shape (which filters, which sort and direction, which cursors, which
 * relations), never on its values, so each shape is parsed and planned once per connection.
 */
export class ChannelInboxRepository {
  constructor(private readonly db: Executor) {}

  async list(
    organizationId: string,
    individualId: string,
    query: InboxQuery,
    args: PageArgs,
  ): Promise<Connection<InboxChannel>> {
    const keys: SortKey<InboxChannel>[] = [
      { ...SORT_KEYS[query.sort], descending: query.descending },
      {
        column: channelSubscribers.channelId,
        descending: query.descending,
        read: (row) => row.id,
      },
    ];
    const reads = query.reads ?? {};
    const page = parsePageArgs(args, keys.length);
    const values: unknown[] = [];
    const filter = this.filter(organizationId, individualId, query, values);
    const filterValues = values.slice();
    const keyset = keysetText(keys, page, values, columnOf);
    const text = `with page as materialized (select ${PAGE_SELECT}, ${
      reads.subscribers ? SUBSCRIBER_LIST : "null"
    } as subscriber_list ${FROM} where ${filter}${keyset.where ? ` and ${keyset.where}` : ""} order by ${keyset.orderBy} limit ${keyset.limit})${channelRowsText(reads, keysetOrderText(keys, page, pageColumnOf))}`;
    const raw = await queryArrays(this.db, text, values);
    const rows = new Array<InboxChannel>(raw.length);
    for (let index = 0; index < raw.length; index += 1) {
      const values = raw[index];
      const row = toChannel(values) as InboxChannel;
      row.callerSubscription = toSubscription(values);
      if (reads.subscribers) {
        row.loadedSubscribers = toSubscriberFields(
          row.id,
          values[SUBSCRIBER_LIST_AT] as unknown[][],
        );
      }
      if (reads.lastMessages && row.lastMessageId) {
        if (values[LAST_MESSAGE_AT] === null) row.loadedLastMessage = null;
        else {
          const { message, reactions } = toLastMessage(values);
          row.loadedLastMessage = reads.lastMessageReactions ? { message, reactions } : { message };
        }
      }
      if (values[INDIVIDUALS_AT] !== null) {
        row.loadedIndividuals = individualsFromJson(values[INDIVIDUALS_AT] as unknown[][]);
      }
      rows[index] = row;
    }
    return toConnection(rows, page, keys, async () => {
      const [[total]] = await queryArrays(
        this.db,
        `select count(*) ${FROM} where ${filter}`,
        filterValues,
      );
      return Number(total);
    });
  }

  /**
   * The WHERE conditions as text, their values appended to `values`: the organization first, so
   * that it is `$1` in the last messages' part too.
   */
  private filter(
    organizationId: string,
    individualId: string,
    query: InboxQuery,
    values: unknown[],
  ): string {
    const param = (value: unknown) => `$${values.push(value)}`;
    // The caller's subscriptions are found through sub-selects of the parameters, whose values
    // the planner cannot look up in the column statistics: a custom plan then costs what the
    // generic one does, and Postgres settles on the generic plan after five runs. With the
    // parameters themselves each run's custom plan (the caller subscribes more than the average
    // individual) looked cheaper, so the statement was planned on every run: a quarter of the
    // backends' CPU for the inbox in a perf profile, for the same plan.
    const conditions = [
      `${columnOf(channelSubscribers.organizationId)} = (select ${param(organizationId)}::uuid)`,
      `${columnOf(channelSubscribers.individualId)} = (select ${param(individualId)}::uuid)`,
    ];
    if (query.archived != null) {
      conditions.push(`${columnOf(channels.archived)} = ${param(query.archived)}`);
    }
    if (query.bookmarked != null) {
      conditions.push(
        `${columnOf(channelSubscribers.bookmarkMessageId)} is ${query.bookmarked ? "not null" : "null"}`,
      );
    }
    if (query.text) {
      const pattern = param(`%${query.text.replace(/[\\%_]/g, "\\$&")}%`);
      conditions.push(
        `(${columnOf(channels.name)} ilike ${pattern} or ${columnOf(channels.label)} ilike ${pattern})`,
      );
    }
    if (query.subscriptionType) {
      conditions.push(`${columnOf(channels.subscriptionType)} = ${param(query.subscriptionType)}`);
    }
    if (query.individualGroupId) {
      conditions.push(
        `${columnOf(channels.individualGroupId)} = ${param(query.individualGroupId)}`,
      );
    }
    return conditions.join(" and ");
  }
}
