import type { SQL } from "drizzle-orm";
import type { CountryCode } from "libphonenumber-js/max";
import type { Executor } from "../../db/client";
import type { OrganizationRow } from "../../db/schema";
import { NotFoundError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { resolveRegion } from "../../lib/phone";
import { OrganizationRepository } from "./organization.repository";

/** How long a process may remember an organization's default region; it is never edited in place. */
const REGION_CACHE_MS = 60_000;

export class OrganizationService {
  private readonly regionCache = new Map<
    string,
    { region: CountryCode | undefined; until: number }
  >();

  constructor(
    private readonly repository: OrganizationRepository,
    private readonly fallbackRegion: string,
  ) {}

  async create(input: {
    name: string;
    defaultRegion?: string | null;
    id?: string;
  }): Promise<OrganizationRow> {
    return this.repository.insert({
      id: input.id ?? newId(),
      name: input.name,
      defaultRegion: resolveRegion(input.defaultRegion) ?? null,
    });
  }

  get(id: string): Promise<OrganizationRow | undefined> {
    return this.repository.findById(id);
  }

  /** The region for numbers written without a country code: the given one, else the organization's, else config. */
  async phoneRegion(
    organizationId: string,
    ownRegion?: string | null,
  ): Promise<CountryCode | undefined> {
    const own = resolveRegion(ownRegion);
    if (own) return own;
    const cached = this.regionCache.get(organizationId);
    if (cached && cached.until > Date.now()) return cached.region;
    const organization = await this.repository.findById(organizationId);
    const region = resolveRegion(organization?.defaultRegion, this.fallbackRegion);
    this.regionCache.set(organizationId, { region, until: Date.now() + REGION_CACHE_MS });
    return region;
  }

  /**
   * For the consent ledger's own statement: a query answering `double_opt_in`, the switch a
   * consent change reads, share-locked so that a deployment switch waits for the change; the
   * organization is the placeholder `organizationId`.
   */
  doubleOptInForConsentChange(): SQL {
    return this.repository.doubleOptInLockedQuery();
  }

  /** Locks the organization for a deployment-level switch of double opt-in. */
  async lockForDeploymentSwitch(
    executor: Executor,
    organizationId: string,
  ): Promise<OrganizationRow | undefined> {
    return this.repository.findByIdLocked(executor, organizationId, "update");
  }

  setDoubleOptIn(executor: Executor, organizationId: string, enabled: boolean): Promise<void> {
    return this.repository.setDoubleOptIn(executor, organizationId, enabled);
  }

  async setQuietHours(organizationId: string, enabled: boolean): Promise<OrganizationRow> {
    const updated = await this.repository.update(organizationId, { quietHours: enabled });
    if (!updated) throw new NotFoundError("Organization", organizationId);
    return updated;
  }

  hasAny(): Promise<boolean> {
    return this.repository.count().then((count) => count > 0);
  }
}
