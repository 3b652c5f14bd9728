import { and, eq, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";

/** Any table keyed by (organization_id, id), as every tenant table is (ARCHITECTURE.md). */
interface TenantTable {
  organizationId: PgColumn;
  id: PgColumn;
}

/** WHERE organization_id = … AND id = …: one row of one tenant. */
export function tenantRow(table: TenantTable, organizationId: string, id: string): SQL {
  return and(eq(table.organizationId, organizationId), eq(table.id, id))!;
}

/** A row's primary key, as `tenantRow` takes it. */
export interface TenantKey {
  organizationId: string;
  id: string;
}

/** WHERE (organization_id, id) IN ((…), …): several rows, possibly of several tenants (keys ≥ 1). */
export function tenantRowsIn(table: TenantTable, keys: readonly TenantKey[]): SQL {
  const pairs = sql.join(
    keys.map((key) => sql`(${key.organizationId}::uuid, ${key.id}::uuid)`),
    sql`, `,
  );
  return sql`(${table.organizationId}, ${table.id}) in (${pairs})`;
}
