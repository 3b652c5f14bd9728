import { sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { statementText } from "../../db/fixed-statements";
import { channelSubscribers } from "../../db/schema";
import { fromDriver } from "../../lib/raw-rows";
import { SUBSCRIBER_FIELDS, type SubscriberFieldsRow } from "./channel.repository";

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
export const SUBSCRIBER_LIST = statementText(sql`(select json_build_array(${sql.join(
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

const listIndexOf = (key: keyof SubscriberFieldsRow) =>
  SUBSCRIBER_COLUMNS.findIndex((column) => column.key === key);
const LIST_INDEX = {
  individualId: listIndexOf("individualId"),
  admin: listIndexOf("admin"),
  pinned: listIndexOf("pinned"),
  autoSignUp: listIndexOf("autoSignUp"),
  notify: listIndexOf("notify"),
  horizonMessageId: listIndexOf("horizonMessageId"),
  acknowledgedAt: listIndexOf("acknowledgedAt"),
};

/**
 * A subscriber of a subscriber list, its acknowledgedAt made a Date when first read: only read
 * receipts read it, and a page lists some ten subscribers per channel (the benchmark's 500
 * timestamps were the request's most frequent Date).
 */
class ListedSubscriber implements SubscriberFieldsRow {
  #acknowledgedAt: Date | undefined;

  constructor(
    readonly channelId: string,
    readonly individualId: string,
    readonly admin: boolean,
    readonly pinned: boolean,
    readonly autoSignUp: boolean,
    readonly notify: boolean,
    readonly horizonMessageId: string | null,
    private readonly acknowledgedAtText: unknown,
  ) {}

  get acknowledgedAt(): Date {
    this.#acknowledgedAt ??= fromDriver(
      channelSubscribers.acknowledgedAt,
      this.acknowledgedAtText,
    ) as Date;
    return this.#acknowledgedAt;
  }
}

/** A channel's subscribers from its SUBSCRIBER_LIST value. */
export function toSubscriberFields(channelId: string, lists: unknown[][]): SubscriberFieldsRow[] {
  const count = lists[0]?.length ?? 0;
  const rows: SubscriberFieldsRow[] = new Array(count);
  const at = (field: keyof typeof LIST_INDEX, index: number) => lists[LIST_INDEX[field]][index];
  for (let index = 0; index < count; index += 1) {
    rows[index] = new ListedSubscriber(
      channelId,
      at("individualId", index) as string,
      at("admin", index) as boolean,
      at("pinned", index) as boolean,
      at("autoSignUp", index) as boolean,
      at("notify", index) as boolean,
      at("horizonMessageId", index) as string | null,
      at("acknowledgedAt", index),
    );
  }
  return rows;
}
