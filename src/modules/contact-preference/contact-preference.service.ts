import type { Caller } from "../../auth/caller";
import type { SQL } from "drizzle-orm";
import type { Database, Executor } from "../../db/client";
import type { ContactPreferenceRow, NewContactPreferenceRow } from "../../db/schema";
import { BadUserInputError, conflictOnDuplicate, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizeContactValue } from "../../lib/phone";
import { checkMaxLength, checkNotNull, withoutUndefined } from "../../lib/validate";
import type { OrganizationService } from "../organization/organization.service";
import type {
  ContactPreferenceFilter,
  ContactPreferenceInput,
  ContactPreferencePatch,
} from "./contact-preference.input";
import type {
  ContactPreferenceConditions,
  ContactPreferenceRepository,
  VersionedPreference,
} from "./contact-preference.repository";

/** Records, in the edit's transaction, the ledger events for the flags an admin edit changed. */
export type FlagChangeRecorder = (
  tx: Executor,
  caller: Caller,
  before: ContactPreferenceRow | null,
  after: ContactPreferenceRow,
) => Promise<void>;

/** Seed 000 limits. */
const CONTACT_MAX = 255;
const COUNTRY_MAX = 255;

export class ContactPreferenceService {
  /** Set by the consent module: records a ledger event for each flag an admin edit changes. */
  private recordFlagChanges: FlagChangeRecorder = async () => {};

  constructor(
    private readonly db: Database,
    private readonly repository: ContactPreferenceRepository,
    private readonly organizations: OrganizationService,
  ) {}

  /** The consent ledger hooks in here (it depends on this service, so it cannot be a constructor argument). */
  recordFlagChangesWith(recorder: FlagChangeRecorder): void {
    this.recordFlagChanges = recorder;
  }

  /** E.164 phone or lower-cased email, reading national numbers in the country's or organization's region. */
  async normalizeContact(
    caller: Caller,
    value: string,
    field: string,
    country?: string | null,
  ): Promise<string> {
    checkMaxLength(value, CONTACT_MAX, field);
    if (!value.trim()) throw new BadUserInputError(field, `${field} must not be empty`);
    const region = await this.organizations.phoneRegion(caller.organizationId, country);
    return normalizeContactValue(value, region, field);
  }

  async get(caller: Caller, id: string): Promise<ContactPreferenceRow | null> {
    return (await this.repository.findById(caller.organizationId, parseId(id))) ?? null;
  }

  async getByContact(caller: Caller, contact: string): Promise<ContactPreferenceRow | null> {
    const normalized = await this.normalizeContact(caller, contact, "contact");
    const [row] = await this.repository.findByContacts(caller.organizationId, [normalized]);
    return row ?? null;
  }

  /** For loaders: already-normalized values, one query. */
  findByContacts(
    organizationId: string,
    contacts: readonly string[],
  ): Promise<ContactPreferenceRow[]> {
    return this.repository.findByContacts(organizationId, contacts);
  }

  async list(
    caller: Caller,
    filter: ContactPreferenceFilter | undefined,
    page: PageArgs,
  ): Promise<Connection<ContactPreferenceRow>> {
    // A filter field sent as null filters on nothing, as one left out does.
    const given = Object.entries(filter ?? {}).filter(([, value]) => value != null);
    const conditions: ContactPreferenceConditions = Object.fromEntries(given);
    if (conditions.contact !== undefined) {
      conditions.contact = await this.normalizeContact(
        caller,
        conditions.contact,
        "filter.contact",
      );
    }
    return this.repository.list(caller.organizationId, conditions, page);
  }

  async create(caller: Caller, input: ContactPreferenceInput): Promise<ContactPreferenceRow> {
    const row = await this.rowFromInput(caller, input);
    return this.writeUnique(() =>
      this.db.transaction(async (tx) => {
        const created = await this.repository.insert(
          { ...row, id: newId(), organizationId: caller.organizationId },
          tx,
        );
        await this.recordFlagChanges(tx, caller, null, created);
        return created;
      }),
    );
  }

  /** PUT: every field is replaced; omitted optional fields become null or false. */
  async replace(
    caller: Caller,
    id: string,
    input: ContactPreferenceInput,
  ): Promise<ContactPreferenceRow> {
    const preferenceId = parseId(id);
    const row = await this.rowFromInput(caller, input);
    return this.updateExisting(caller, preferenceId, row);
  }

  /** PATCH: only the given fields change. */
  async update(
    caller: Caller,
    id: string,
    patch: ContactPreferencePatch,
  ): Promise<ContactPreferenceRow> {
    const preferenceId = parseId(id);
    const changes = await this.changesFromPatch(caller, preferenceId, patch);
    return this.updateExisting(caller, preferenceId, changes);
  }

  async delete(caller: Caller, id: string): Promise<string> {
    const preferenceId = parseId(id);
    if (!(await this.repository.delete(caller.organizationId, preferenceId))) {
      throw new NotFoundError("ContactPreference", id);
    }
    return preferenceId;
  }

  private async rowFromInput(caller: Caller, input: ContactPreferenceInput) {
    checkMaxLength(input.country, COUNTRY_MAX, "input.country");
    return {
      contact: await this.normalizeContact(caller, input.contact, "input.contact", input.country),
      legacyId: input.legacyId ?? null,
      nextgenLegacyId: input.nextgenLegacyId ?? null,
      reason: input.reason ?? null,
      country: input.country ?? null,
      doNotText: input.doNotText ?? false,
      doNotCall: input.doNotCall ?? false,
      doNotEmail: input.doNotEmail ?? false,
      createdAt: input.createdAt ?? new Date(),
    } satisfies Partial<NewContactPreferenceRow>;
  }

  private async changesFromPatch(caller: Caller, id: string, patch: ContactPreferencePatch) {
    checkMaxLength(patch.country, COUNTRY_MAX, "input.country");
    const changes: Partial<NewContactPreferenceRow> = {
      legacyId: patch.legacyId,
      nextgenLegacyId: patch.nextgenLegacyId,
      reason: patch.reason,
      country: patch.country,
      createdAt: patch.createdAt,
      doNotText: checkNotNull(patch.doNotText, "input.doNotText"),
      doNotCall: checkNotNull(patch.doNotCall, "input.doNotCall"),
      doNotEmail: checkNotNull(patch.doNotEmail, "input.doNotEmail"),
    };
    const contact = checkNotNull(patch.contact, "input.contact");
    if (contact !== undefined) {
      const country =
        patch.country !== undefined ? patch.country : (await this.get(caller, id))?.country;
      changes.contact = await this.normalizeContact(caller, contact, "input.contact", country);
    }
    return withoutUndefined(changes);
  }

  private async updateExisting(
    caller: Caller,
    id: string,
    changes: Partial<NewContactPreferenceRow>,
  ): Promise<ContactPreferenceRow> {
    return this.writeUnique(() =>
      this.db.transaction(async (tx) => {
        const before = await this.repository.findByIdForUpdate(tx, caller.organizationId, id);
        if (!before) throw new NotFoundError("ContactPreference", id);
        const updated = (await this.repository.update(caller.organizationId, id, changes, tx))!;
        await this.recordFlagChanges(tx, caller, before, updated);
        return updated;
      }),
    );
  }

  private writeUnique<T>(write: () => Promise<T>): Promise<T> {
    return conflictOnDuplicate(
      write,
      "A preference for this contact value already exists",
      "input.contact",
    );
  }

  /**
   * The E.164 values among `contacts` that must not be texted. Inside a transaction the rows stay
   * share-locked until it ends, so an opt-out being recorded and a send being checked serialize.
   */
  async optedOutOfTexts(
    executor: Executor,
    organizationId: string,
    contacts: readonly string[],
  ): Promise<Set<string>> {
    return new Set(await this.repository.findDoNotText(executor, organizationId, contacts));
  }

  /**
   * The same check as optedOutOfTexts, as a SQL condition another module puts in the statement
   * that records an outgoing text, so check and write are one atomic statement.
   */
  textingAllowedCondition(organizationId: string | SQL, contact: string | SQL): SQL {
    return this.repository.textingAllowedCondition(organizationId, contact);
  }

  /**
   * For the consent ledger: the existing preferences of `contacts` with their row versions,
   * locked in `executor`'s transaction.
   */
  lockForConsentChange(executor: Executor, organizationId: string, contacts: readonly string[]) {
    return this.repository.lockVersionedByContacts(executor, organizationId, contacts);
  }

  /** For the consent ledger: the same read as a query inside its own statement (see the repository). */
  consentReadQuery() {
    return this.repository.versionedByContactsQuery();
  }

  /** For the consent ledger: a preference it is about to create, every flag false. */
  newForConsentChange(organizationId: string, contact: string, at: Date): ContactPreferenceRow {
    return {
      organizationId,
      id: newId(),
      legacyId: null,
      nextgenLegacyId: null,
      contact,
      reason: null,
      country: null,
      doNotText: false,
      doNotCall: false,
      doNotEmail: false,
      createdAt: at,
      updatedAt: at,
    };
  }

  /** For the consent ledger only: see ContactPreferenceRepository.consentWriteStatements. */
  consentWriteStatements(guard: SQL) {
    return this.repository.consentWriteStatements(guard);
  }

  /** For the consent ledger only: see ContactPreferenceRepository.consentWriteValues. */
  consentWriteValues(
    created: readonly ContactPreferenceRow[],
    existing: readonly VersionedPreference[],
  ) {
    return this.repository.consentWriteValues(created, existing);
  }
}
