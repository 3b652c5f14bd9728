import type { Caller } from "../../auth/caller";
import type { Executor } from "../../db/client";
import type { TextAccountRow, TextNumberRow, TextUserNumberMapRow } from "../../db/schema";
import { conflictOnDuplicate, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { normalizePhoneNumber } from "../../lib/phone";
import { checkMaxLength, checkNotNull, withoutUndefined } from "../../lib/validate";
import type { OrganizationService } from "../organization/organization.service";
import type { TextAccountRepository } from "./text-account.repository";
import type {
  CreateTextAccountInput,
  CreateTextNumberInput,
  CreateTextUserNumberMapInput,
  UpdateTextNumberInput,
} from "./text.input";

export class TextAccountService {
  constructor(
    private readonly repository: TextAccountRepository,
    private readonly organizations: OrganizationService,
  ) {}

  private async phone(caller: Caller, value: string, field: string): Promise<string> {
    return normalizePhoneNumber(
      value,
      await this.organizations.phoneRegion(caller.organizationId),
      field,
    );
  }

  async createAccount(caller: Caller, input: CreateTextAccountInput): Promise<TextAccountRow> {
    return this.repository.insertAccount({
      organizationId: caller.organizationId,
      id: newId(),
      allowCustomNumber: input.allowCustomNumber,
      phoneNumber: input.phoneNumber
        ? await this.phone(caller, input.phoneNumber, "input.phoneNumber")
        : null,
    });
  }

  listAccounts(caller: Caller, page: PageArgs): Promise<Connection<TextAccountRow>> {
    return this.repository.listAccounts(caller.organizationId, page);
  }

  findAccountsByIds(organizationId: string, ids: readonly string[]): Promise<TextAccountRow[]> {
    return this.repository.findAccountsByIds(organizationId, ids);
  }

  async getAccount(caller: Caller, id: string, field = "id"): Promise<TextAccountRow> {
    const [account] = await this.repository.findAccountsByIds(caller.organizationId, [
      parseId(id, field),
    ]);
    if (!account) throw new NotFoundError("TextAccount", id, field === "id" ? undefined : field);
    return account;
  }

  async createNumber(caller: Caller, input: CreateTextNumberInput): Promise<TextNumberRow> {
    const account = await this.getAccount(caller, input.accountId, "input.accountId");
    checkMaxLength(input.notes, 2000, "input.notes");
    const phoneNumber = await this.phone(caller, input.phoneNumber, "input.phoneNumber");
    const forwardTo = input.forwardTo
      ? await this.phone(caller, input.forwardTo, "input.forwardTo")
      : null;
    return conflictOnDuplicate(
      () =>
        this.repository.insertNumber({
          organizationId: caller.organizationId,
          id: newId(),
          accountId: account.id,
          phoneNumber,
          capabilitySms: input.capabilitySms,
          capabilityMms: input.capabilityMms,
          capabilityVoice: input.capabilityVoice,
          forwardTo,
          notes: input.notes ?? null,
          logging: input.logging,
          alert: input.alert,
        }),
      "This number already belongs to an account",
      "input.phoneNumber",
    );
  }

  async updateNumber(
    caller: Caller,
    id: string,
    input: UpdateTextNumberInput,
  ): Promise<TextNumberRow> {
    checkMaxLength(input.notes, 2000, "input.notes");
    const changes = {
      notes: input.notes,
      logging: checkNotNull(input.logging, "input.logging"),
      alert: checkNotNull(input.alert, "input.alert"),
      forwardTo:
        input.forwardTo === undefined
          ? undefined
          : input.forwardTo && (await this.phone(caller, input.forwardTo, "input.forwardTo")),
    };
    const defined = withoutUndefined(changes);
    const updated = await this.repository.updateNumber(caller.organizationId, parseId(id), defined);
    if (!updated) throw new NotFoundError("TextNumber", id);
    return updated;
  }

  findNumbersByAccountIds(
    organizationId: string,
    accountIds: readonly string[],
  ): Promise<TextNumberRow[]> {
    return this.repository.findNumbersByAccountIds(organizationId, accountIds);
  }

  findNumberByPhoneNumber(
    organizationId: string,
    phoneNumber: string,
  ): Promise<TextNumberRow | undefined> {
    return this.repository.findNumberByPhoneNumber(organizationId, phoneNumber);
  }

  async mapUserToNumber(
    caller: Caller,
    input: CreateTextUserNumberMapInput,
  ): Promise<TextUserNumberMapRow> {
    const [number] = await this.repository.findNumbersByIds(caller.organizationId, [
      parseId(input.numberId, "input.numberId"),
    ]);
    if (!number) throw new NotFoundError("TextNumber", input.numberId, "input.numberId");
    checkMaxLength(input.userId, 255, "input.userId");
    return this.repository.insertUserNumberMap({
      organizationId: caller.organizationId,
      id: newId(),
      numberId: number.id,
      userId: input.userId,
    });
  }

  /** A channel's text number, read in the caller's transaction. */
  async findNumber(
    executor: Executor,
    organizationId: string,
    id: string,
  ): Promise<TextNumberRow | undefined> {
    const [number] = await this.repository.findNumbersByIds(organizationId, [id], executor);
    return number;
  }
}
