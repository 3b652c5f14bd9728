import { getTableColumns, sql, type SQL } from "drizzle-orm";
import { Recordset } from "../../db/recordset";
import { texts, type NewTextRow } from "../../db/schema";

const SEND_RECORDS = new Recordset<NewTextRow>("r", getTableColumns(texts));
/** Reads the `sender` rows below, whose columns are named as the table's. */
const INSERT_SELECT_LIST = SEND_RECORDS.insertSelectList(texts);

/** The input's columns, but the number the text goes out from, and its phone number as `from`. */
const SENDER_COLUMNS = sql.raw(
  Object.values(getTableColumns(texts))
    .map((column) =>
      column === texts.numberId
        ? `s.number_id as "${column.name}"`
        : column === texts.from
          ? `s.phone_number as "${column.name}"`
          : `r."${column.name}"`,
    )
    .join(", "),
);
const INSERT_COLUMNS = sql.raw(
  Object.values(getTableColumns(texts))
    .map((column) => `"${column.name}"`)
    .join(", "),
);
const TEXT_COLUMNS = sql.raw(
  Object.values(getTableColumns(texts))
    .map((column) => `w."${column.name}"`)
    .join(", "),
);

/** What the statement found of a text's sender; the text's own columns follow when it was written. */
export interface SendOutcomeFlags {
  input_id: string;
  account_found: boolean;
  number_found: boolean;
  number_sms: boolean | null;
  number_mapped: boolean | null;
}

/**
 * Writes outgoing texts ACCEPTED in one statement that also chooses each one's sender (the
 * number asked for, else the one mapped to the author, `created_by`, else the account's first
 * SMS-capable number by id; a row's `number_id` is the number asked for) and checks its
 * recipient's consent as it writes (`textingAllowed`, given the row's organization and target;
 * a consent confirmation always goes). Selects, per input text in input order, what was found of
 * its sender and, when it was written, the text.
 *
 * The sender is chosen in a lateral subquery per input (a nested loop over the recordset), so the
 * consent check share-locks preferences in the recordset's order, as the caller sorted it.
 */
export function sendEachStatement(
  rows: readonly NewTextRow[],
  textingAllowed: (organizationId: SQL, target: SQL) => SQL,
): SQL {
  const allowed = textingAllowed(
    SEND_RECORDS.field(texts.organizationId),
    SEND_RECORDS.field(texts.target),
  );
  return sql`with sender as materialized (
    select ${SENDER_COLUMNS}, s.account_id is not null as account_found,
           s.number_id is not null as number_found, s.capability_sms as number_sms,
           s.mapped as number_mapped
    from ${SEND_RECORDS.from(rows)}
    left join lateral (
      select a.id as account_id, c.id as number_id, c.phone_number, c.capability_sms, c.mapped
      from text_accounts a
      left join lateral (
        select n.id, n.phone_number, n.capability_sms, m.id is not null as mapped
        from text_numbers n
        left join text_user_number_maps m
          on m.organization_id = n.organization_id and m.number_id = n.id
         and m.user_id = r.created_by
        where n.organization_id = a.organization_id and n.account_id = a.id
          and (r.number_id is null or n.id = r.number_id)
        order by m.id is null, not n.capability_sms, n.id
        limit 1
      ) c on true
      where a.organization_id = r.organization_id and a.id = r.account_id
    ) s on true
  ),
  written as (
    insert into texts (${INSERT_COLUMNS}) select ${INSERT_SELECT_LIST} from sender r
    where r.number_sms
      and (${SEND_RECORDS.field(texts.purpose)} = 'CONSENT_CONFIRMATION' or ${allowed})
    returning *
  )
  select r.id as input_id, r.account_found, r.number_found, r.number_sms, r.number_mapped,
         ${TEXT_COLUMNS}
  from sender r left join written w on w.organization_id = r.organization_id and w.id = r.id`;
}
