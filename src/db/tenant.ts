import { and, eq, type SQL } from "drizzle-orm";
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
