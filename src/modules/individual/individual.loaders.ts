import type { Caller } from "../../auth/caller";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { IndividualGroupService } from "./individual-group.service";
import type { IndividualService } from "./individual.service";

/** Loaders bound to one caller's organization: every batch query filters on it. */
export function createIndividualLoaders(
  individuals: IndividualService,
  groups: IndividualGroupService,
  caller: Caller,
) {
  return {
    individualById: oneByKey(
      (ids: readonly string[]) => individuals.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    individualGroupById: oneByKey(
      (ids: readonly string[]) => groups.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    membersByGroupId: manyByKey(
      (groupIds: readonly string[]) =>
        groups.findMembersByGroupIds(caller.organizationId, groupIds),
      (row) => row.groupId,
    ),
  };
}

export type IndividualLoaders = ReturnType<typeof createIndividualLoaders>;
