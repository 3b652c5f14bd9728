import type { Caller } from "../../auth/caller";
import type { Executor } from "../../db/client";
import type { IndividualRow, NewIndividualRow } from "../../db/schema";
import { BadUserInputError, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizeEmail, normalizePhoneNumber } from "../../lib/phone";
import { checkMaxLength } from "../../lib/validate";
import type { OrganizationService } from "../organization/organization.service";
import type { CreateIndividualInput, IndividualFilter } from "./individual.input";
import type { IndividualRepository } from "./individual.repository";

const NAME_MAX = 255;
const ACCOUNT_TYPE_MAX = 64;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkBirthDate(value: string, field: string): string {
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE.test(value) || Number.isNaN(parsed.getTime())) {
    throw new BadUserInputError(field, `${field} must be an ISO date like 2019-08-24`);
  }
  if (parsed.toISOString().slice(0, 10) !== value) {
    throw new BadUserInputError(field, `${field} ${value} is not a calendar date`);
  }
  return value;
}

function checkTimeZone(value: string, field: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    throw new BadUserInputError(field, `${field} "${value}" is not an IANA time zone`);
  }
}

export class IndividualService {
  constructor(
    private readonly repository: IndividualRepository,
    private readonly organizations: OrganizationService,
  ) {}

  findByIds(
    organizationId: string,
    ids: readonly string[],
    executor?: Executor,
  ): Promise<IndividualRow[]> {
    return this.repository.findByIds(organizationId, ids, executor);
  }

  /** Every id must be an individual of the caller's organization, else NOT_FOUND naming it. */
  async requireAll(caller: Caller, ids: readonly string[], field: string): Promise<string[]> {
    const unique = [...new Set(ids.map((id) => parseId(id, field)))];
    const found = new Set(
      (await this.repository.findByIds(caller.organizationId, unique)).map((row) => row.id),
    );
    const missing = unique.find((id) => !found.has(id));
    if (missing) throw new NotFoundError("Individual", missing, field);
    return unique;
  }

  list(
    caller: Caller,
    filter: IndividualFilter | undefined,
    page: PageArgs,
  ): Promise<Connection<IndividualRow>> {
    return this.repository.list(
      caller.organizationId,
      {
        text: filter?.text?.trim() || undefined,
        accountType: filter?.accountType ?? undefined,
        individualGroupId: filter?.individualGroupId
          ? parseId(filter.individualGroupId, "filter.individualGroupId")
          : undefined,
      },
      page,
    );
  }

  /** `id` is given only by seeds whose individuals must have known ids (the demo callers). */
  async create(
    caller: Caller,
    input: CreateIndividualInput,
    id: string = newId(),
  ): Promise<IndividualRow> {
    const fields = await this.fieldsFromInput(caller, input);
    return this.repository.insert({
      organizationId: caller.organizationId,
      id,
      ...fields,
    });
  }

  async update(caller: Caller, id: string, input: CreateIndividualInput): Promise<IndividualRow> {
    const individualId = parseId(id);
    const fields = await this.fieldsFromInput(caller, input);
    const updated = await this.repository.update(caller.organizationId, individualId, fields);
    if (!updated) throw new NotFoundError("Individual", id);
    return updated;
  }

  /** The given fields, validated and normalized; undefined ones are left out. */
  private async fieldsFromInput(
    caller: Caller,
    input: CreateIndividualInput,
  ): Promise<Partial<NewIndividualRow>> {
    const fields: Partial<NewIndividualRow> = {};
    for (const name of ["firstName", "lastName", "preferredName"] as const) {
      checkMaxLength(input[name], NAME_MAX, `input.${name}`);
      if (input[name] !== undefined) fields[name] = input[name]?.trim() || null;
    }
    checkMaxLength(input.accountType, ACCOUNT_TYPE_MAX, "input.accountType");
    if (input.accountType !== undefined) fields.accountType = input.accountType || null;
    if (input.birthDate !== undefined) {
      fields.birthDate = input.birthDate && checkBirthDate(input.birthDate, "input.birthDate");
    }
    if (input.timeZone !== undefined) {
      fields.timeZone = input.timeZone && checkTimeZone(input.timeZone, "input.timeZone");
    }
    if (input.email !== undefined) {
      fields.email = input.email && normalizeEmail(input.email, "input.email");
    }
    if (input.phoneNumber !== undefined) {
      fields.phoneNumber = input.phoneNumber
        ? normalizePhoneNumber(
            input.phoneNumber,
            await this.organizations.phoneRegion(caller.organizationId),
            "input.phoneNumber",
          )
        : null;
    }
    return fields;
  }

  /** For quiet hours: the recipient's own time zone, when an individual with this number has one. */
  timeZoneOfPhoneNumber(organizationId: string, phoneNumber: string): Promise<string | null> {
    return this.repository.findTimeZoneByPhoneNumber(organizationId, phoneNumber);
  }
}
