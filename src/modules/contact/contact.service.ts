import type { Caller } from "../../auth/caller";
import type { ContactRow, NewContactRow } from "../../db/schema";
import { conflictOnDuplicate, ForbiddenError, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizeEmail, normalizePhoneNumber, resolveRegion } from "../../lib/phone";
import { BadUserInputError } from "../../lib/errors";
import { checkMaxLength, checkNotBlank, checkNotNull, withoutUndefined } from "../../lib/validate";
import type { OrganizationService } from "../organization/organization.service";
import type { ContactFilter, CreateContactInput, UpdateContactInput } from "./contact.input";
import type { ContactConditions, ContactRepository } from "./contact.repository";
import { ContactType } from "./contact.type";

const NAME_MAX = 255;

/** Contacts created outside the API (contact-center queues and users, the demo seed). */
export type ImportedContact = Omit<NewContactRow, "organizationId" | "id">;

export class ContactService {
  constructor(
    private readonly repository: ContactRepository,
    private readonly organizations: OrganizationService,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<ContactRow[]> {
    return this.repository.findByIds(organizationId, ids);
  }

  async get(caller: Caller, id: string): Promise<ContactRow | null> {
    const [row] = await this.repository.findByIds(caller.organizationId, [parseId(id)]);
    return row ?? null;
  }

  async getByPhoneNumber(caller: Caller, phoneNumber: string): Promise<ContactRow | null> {
    const region = await this.organizations.phoneRegion(caller.organizationId);
    const e164 = normalizePhoneNumber(phoneNumber, region, "phoneNumber");
    return (await this.repository.findByPhoneNumber(caller.organizationId, e164)) ?? null;
  }

  async list(
    caller: Caller,
    filter: ContactFilter | undefined,
    page: PageArgs,
  ): Promise<Connection<ContactRow>> {
    // A filter field sent as null filters on nothing, as one left out does.
    const given = Object.entries(filter ?? {}).filter(([, value]) => value != null);
    const conditions: ContactConditions = Object.fromEntries(given);
    if (conditions.phoneNumber !== undefined) {
      const region = await this.organizations.phoneRegion(caller.organizationId);
      conditions.phoneNumber = normalizePhoneNumber(
        conditions.phoneNumber,
        region,
        "filter.phoneNumber",
      );
    }
    if (conditions.email !== undefined) conditions.email = conditions.email.trim().toLowerCase();
    return this.repository.list(caller.organizationId, conditions, page);
  }

  async create(caller: Caller, input: CreateContactInput): Promise<ContactRow> {
    if (input.type !== ContactType.CUSTOM) {
      throw new ForbiddenError(
        "Only CUSTOM contacts can be created; QUEUE and USER contacts are read-only",
      );
    }
    const fields = await this.writableFields(caller, input, null);
    return this.writeUnique(() =>
      this.repository.insert({
        ...fields,
        name: fields.name!,
        type: "CUSTOM",
        id: newId(),
        organizationId: caller.organizationId,
      }),
    );
  }

  async update(caller: Caller, id: string, input: UpdateContactInput): Promise<ContactRow> {
    const existing = await this.getWritable(caller, id);
    const changes = await this.writableFields(caller, input, existing);
    const updated = await this.writeUnique(() =>
      this.repository.update(caller.organizationId, existing.id, changes),
    );
    if (!updated) throw new NotFoundError("Contact", id);
    return updated;
  }

  async delete(caller: Caller, id: string): Promise<string> {
    const existing = await this.getWritable(caller, id);
    if (!(await this.repository.delete(caller.organizationId, existing.id)))
      throw new NotFoundError("Contact", id);
    return existing.id;
  }

  /** Adds a contact of any type without the API's CUSTOM-only rule. */
  async import(organizationId: string, contact: ImportedContact): Promise<ContactRow> {
    return this.repository.insert({ ...contact, organizationId, id: newId() });
  }

  private async getWritable(caller: Caller, id: string): Promise<ContactRow> {
    const existing = await this.get(caller, id);
    if (!existing) throw new NotFoundError("Contact", id);
    if (existing.type !== "CUSTOM") {
      throw new ForbiddenError(
        `${existing.type} contacts are read-only; only CUSTOM contacts can be changed`,
      );
    }
    return existing;
  }

  /** Validates and normalizes the writable fields given; undefined means "leave as is". */
  private async writableFields(
    caller: Caller,
    input: UpdateContactInput,
    existing: ContactRow | null,
  ): Promise<Partial<NewContactRow>> {
    const name = checkNotNull(input.name, "input.name");
    if (name !== undefined || !existing)
      checkMaxLength(checkNotBlank(name, "input.name"), NAME_MAX, "input.name");
    const country = input.country === undefined ? existing?.country : input.country;
    if (country && !resolveRegion(country)) {
      throw new BadUserInputError(
        "input.country",
        `input.country "${country}" is not an ISO 3166 region code`,
      );
    }
    const region = await this.organizations.phoneRegion(caller.organizationId, country);
    const changes: Partial<NewContactRow> = {
      name: name?.trim(),
      country: input.country === undefined ? undefined : (input.country?.toUpperCase() ?? null),
      phoneNumber: input.phoneNumber
        ? normalizePhoneNumber(input.phoneNumber, region, "input.phoneNumber")
        : input.phoneNumber === undefined
          ? undefined
          : null,
      email: input.email
        ? normalizeEmail(input.email, "input.email")
        : input.email === undefined
          ? undefined
          : null,
    };
    return withoutUndefined(changes);
  }

  private writeUnique<T>(write: () => Promise<T>): Promise<T> {
    return conflictOnDuplicate(
      write,
      "Another contact already has this phone number",
      "input.phoneNumber",
    );
  }
}
