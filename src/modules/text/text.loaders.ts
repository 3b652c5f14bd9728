import type { Caller } from "../../auth/caller";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { TextAccountService } from "./text-account.service";
import type { TextService } from "./text.service";

export function createTextLoaders(
  texts: TextService,
  accounts: TextAccountService,
  caller: Caller,
) {
  return {
    textById: oneByKey(
      (ids: readonly string[]) => texts.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    textAccountById: oneByKey(
      (ids: readonly string[]) => accounts.findAccountsByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    textNumbersByAccountId: manyByKey(
      (accountIds: readonly string[]) =>
        accounts.findNumbersByAccountIds(caller.organizationId, accountIds),
      (row) => row.accountId,
    ),
  };
}

export type TextLoaders = ReturnType<typeof createTextLoaders>;
