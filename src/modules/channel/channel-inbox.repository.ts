import { getTableColumns, sql } from "drizzle-orm";
import { alias, type PgColumn } from "drizzle-orm/pg-core";
import type { Executor } from "../../db/client";
import { queryArrays, statementText } from "../../db/fixed-statements";
import {
  channelSubscribers,
  channels,
  type ChannelRow,
  type ChannelSubscriberRow,
} from "../../db/schema";
import {
  keysetText,
  parsePageArgs,
  toConnection,
  type Connection,
  type PageArgs,
  type SortKey,
} from "../../lib/pagination";
import { arrayRowMapper, fromDriver, selectList } from "../../lib/raw-rows";
import { SUBSCRIBER_FIELDS, type SubscriberFieldsRow } from "./channel.repository";

export type InboxSortField = "LAST_MESSAGE_AT" | "UNREAD_COUNT" | "ACKNOWLEDGED_AT";

export interface InboxQuery {
  archived?: boolean;
  bookmarked?: boolean;
  text?: string;
  subscriptionType?: string;
  individualGroupId?: string;
  sort: InboxSortField;
  descending: boolean;
  /** Read each channel's subscribers (SUBSCRIBER_FIELDS) in the same statement. */
  withSubscribers?: boolean;
}

export type InboxChannel = ChannelRow & {
  callerSubscription: ChannelSubscriberRow;
  /** With InboxQuery.withSubscribers: the channel's subscribers, in subscribersByChannelId's order. */
  loadedSubscribers?: SubscriberFieldsRow[];
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
const channelColumnCount = Object.keys(CHANNEL_COLUMNS).length;
const toChannel = arrayRowMapper<ChannelRow>(CHANNEL_COLUMNS);
const toSubscription = arrayRowMapper<ChannelSubscriberRow>(
  SUBSCRIPTION_COLUMNS,
  channelColumnCount,
);
const subscriberListIndex = channelColumnCount + Object.keys(SUBSCRIPTION_COLUMNS).length;

const columnTexts = new Map<PgColumn, string>();
/** `"table"."column"`, rendered once per column. */
const columnOf = (column: PgColumn): string => {
  let text = columnTexts.get(column);
  if (text === undefined) columnTexts.set(column, (text = statementText(sql`${column}`)));
  return text;
};

const SELECT = statementText(
  sql`select ${selectList(CHANNEL_COLUMNS)}, ${selectList(SUBSCRIPTION_COLUMNS)}`,
);

const FROM = statementText(sql`from ${channelSubscribers} inner join ${channels}
  on ${channels.organizationId} = ${channelSubscribers.organizationId}
  and ${channels.id} = ${channelSubscribers.channelId}`);

/**
 * Each channel's subscribers as one json array per SUBSCRIBER_FIELDS column but channelId, in
 * findSubscriberFieldsByChannelIds' order: `[[individualId, …], [admin, …], …]`. Column arrays
 * cost Postgres less than an object or array per subscriber (json_build_array looks up its
 * arguments' types on every call; array_agg's json once per array). The aggregates read the
 * sorted subquery in its order (PostgreSQL docs, aggregate expressions: "supplying the input
 * values from a sorted subquery"), one sort per channel where an ORDER BY in each would be seven.
 */
const SUBSCRIBER_COLUMNS = Object.entries(SUBSCRIBER_FIELDS)
  .filter(([key]) => key !== "channelId")
  .map(([key, column]) => ({ key: key as keyof SubscriberFieldsRow, column }));
const SUBSCRIBER_ALIAS = "subscriber";
// A raw sql template renders an aliased table as its alias alone: the from clause names both.
const subscriber = alias(channelSubscribers, SUBSCRIBER_ALIAS);
const ordered = sql.identifier("ordered");
const SUBSCRIBER_LIST = statementText(sql`(select json_build_array(${sql.join(
  SUBSCRIBER_COLUMNS.map(({ column }) => sql`array_agg(${ordered}.${sql.identifier(column.name)})`),
  sql`, `,
)})
  from (select ${sql.join(
    SUBSCRIBER_COLUMNS.map(({ key }) => subscriber[key]),
    sql`, `,
  )} from ${channelSubscribers} ${sql.identifier(SUBSCRIBER_ALIAS)}
    where ${subscriber.organizationId} = ${channelSubscribers.organizationId}
      and ${subscriber.channelId} = ${channelSubscribers.channelId}
    order by ${subscriber.createdAt}, ${subscriber.individualId}) ${ordered})`);

function toSubscriberFields(channelId: string, lists: unknown[][]): SubscriberFieldsRow[] {
  const count = lists[0]?.length ?? 0;
  const rows: SubscriberFieldsRow[] = new Array(count);
  for (let index = 0; index < count; index += 1) {
    const row: Record<string, unknown> = { channelId };
    for (let field = 0; field < SUBSCRIBER_COLUMNS.length; field += 1) {
      const { key, column } = SUBSCRIBER_COLUMNS[field];
      row[key] = fromDriver(column, lists[field][index]);
    }
    rows[index] = row as SubscriberFieldsRow;
  }
  return rows;
}

/**
 * Seed 002 communication-messages: one individual's channels, as their inbox. The statements'
 * text depends only on the query's shape (which filters, which sort and direction, which cursors),
 * never on its values, so each shape is parsed and planned once per connection.
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
    const page = parsePageArgs(args, keys.length);
    const values: unknown[] = [];
    const filter = this.filter(organizationId, individualId, query, values);
    const filterValues = values.slice();
    const keyset = keysetText(keys, page, values, columnOf);
    const text = `${SELECT}${query.withSubscribers ? `, ${SUBSCRIBER_LIST}` : ""} ${FROM} where ${filter}${keyset.where ? ` and ${keyset.where}` : ""} order by ${keyset.orderBy} limit ${keyset.limit}`;
    const raw = await queryArrays(this.db, text, values);
    const rows = new Array<InboxChannel>(raw.length);
    for (let index = 0; index < raw.length; index += 1) {
      const row = toChannel(raw[index]) as InboxChannel;
      row.callerSubscription = toSubscription(raw[index]);
      if (query.withSubscribers) {
        row.loadedSubscribers = toSubscriberFields(
          row.id,
          raw[index][subscriberListIndex] as unknown[][],
        );
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

  /** The WHERE conditions as text, their values appended to `values`. */
  private filter(
    organizationId: string,
    individualId: string,
    query: InboxQuery,
    values: unknown[],
  ): string {
    const param = (value: unknown) => `$${values.push(value)}`;
    const conditions = [
      `${columnOf(channelSubscribers.organizationId)} = ${param(organizationId)}`,
      `${columnOf(channelSubscribers.individualId)} = ${param(individualId)}`,
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
