import type { Caller } from "../../auth/caller";
import { oneByKey } from "../../lib/loader";
import type { ContactService } from "./contact.service";

export function createContactLoaders(service: ContactService, caller: Caller) {
  return {
    contactById: oneByKey(
      (ids: readonly string[]) => service.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
  };
}

export type ContactLoaders = ReturnType<typeof createContactLoaders>;
