import type { Config } from "./config";
import type { Database } from "./db/client";
import { ContactPreferenceRepository } from "./modules/contact-preference/contact-preference.repository";
import { ContactPreferenceService } from "./modules/contact-preference/contact-preference.service";
import { ContactRepository } from "./modules/contact/contact.repository";
import { ContactService } from "./modules/contact/contact.service";
import { OrganizationRepository } from "./modules/organization/organization.repository";
import { OrganizationService } from "./modules/organization/organization.service";

/** Every module's service, built once per process over one database. */
export function createServices(db: Database, config: Config) {
  const organizations = new OrganizationService(
    new OrganizationRepository(db),
    config.defaultPhoneRegion,
  );
  const contactPreferences = new ContactPreferenceService(
    new ContactPreferenceRepository(db),
    organizations,
  );
  const contacts = new ContactService(new ContactRepository(db), organizations);
  return { organizations, contactPreferences, contacts };
}

export type Services = ReturnType<typeof createServices>;
