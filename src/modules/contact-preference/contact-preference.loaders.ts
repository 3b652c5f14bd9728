import type { Caller } from "../../auth/caller";
import { oneByKey } from "../../lib/loader";
import type { ContactPreferenceService } from "./contact-preference.service";

/** Loaders bound to one caller's organization: every batch query filters on it. */
export function createContactPreferenceLoaders(service: ContactPreferenceService, caller: Caller) {
  return {
    /** Keyed by normalized value (E.164 or lower-cased email). */
    preferenceByContact: oneByKey(
      (contacts: readonly string[]) => service.findByContacts(caller.organizationId, contacts),
      (row) => row.contact,
    ),
  };
}

export type ContactPreferenceLoaders = ReturnType<typeof createContactPreferenceLoaders>;
