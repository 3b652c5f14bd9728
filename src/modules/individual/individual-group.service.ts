import type { Caller } from "../../auth/caller";
import type { Database } from "../../db/client";
import type {
  IndividualGroupMemberRow,
  IndividualGroupRow,
  NewIndividualGroupRow,
} from "../../db/schema";
import { BadUserInputError, NotFoundError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { checkMaxLength, checkNotBlank, checkNotNull } from "../../lib/validate";
import type { CreateIndividualGroupInput, UpdateIndividualGroupInput } from "./individual.input";
import type { GroupMember, IndividualGroupRepository } from "./individual-group.repository";
import type { IndividualService } from "./individual.service";

const NAME_MAX = 255;
/** Deeper nesting than this is refused; it also bounds the cycle check. */
const DEPTH_MAX = 32;

export class IndividualGroupService {
  constructor(
    private readonly db: Database,
    private readonly repository: IndividualGroupRepository,
    private readonly individuals: IndividualService,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<IndividualGroupRow[]> {
    return this.repository.findByIds(organizationId, ids);
  }

  findMembersByGroupIds(
    organizationId: string,
    groupIds: readonly string[],
  ): Promise<IndividualGroupMemberRow[]> {
    return this.repository.findMembersByGroupIds(organizationId, groupIds);
  }

  /** `field` names the input that referenced the group, for BAD_USER_INPUT and NOT_FOUND. */
  async require(caller: Caller, id: string, field?: string): Promise<IndividualGroupRow> {
    const [row] = await this.repository.findByIds(caller.organizationId, [
      parseId(id, field ?? "id"),
    ]);
    if (!row) throw new NotFoundError("IndividualGroup", id, field);
    return row;
  }

  /** The individual ids of every member of the given groups. */
  async memberIds(caller: Caller, groupIds: readonly string[], field: string): Promise<string[]> {
    const ids = [...new Set(groupIds.map((id) => parseId(id, field)))];
    const groups = await this.repository.findByIds(caller.organizationId, ids);
    const missing = ids.find((id) => !groups.some((group) => group.id === id));
    if (missing) throw new NotFoundError("IndividualGroup", missing, field);
    const members = await this.repository.findMembersByGroupIds(caller.organizationId, ids);
    return [...new Set(members.map((member) => member.individualId))];
  }

  list(caller: Caller, page: PageArgs): Promise<Connection<IndividualGroupRow>> {
    return this.repository.list(caller.organizationId, page);
  }

  async create(caller: Caller, input: CreateIndividualGroupInput): Promise<IndividualGroupRow> {
    const name = checkNotBlank(input.name, "input.name");
    checkMaxLength(name, NAME_MAX, "input.name");
    const id = newId();
    const parentGroupId = input.parentGroupId
      ? (await this.require(caller, input.parentGroupId, "input.parentGroupId")).id
      : null;
    const members = await this.members(caller, input.individualIds, input.leaderIds);
    const row: NewIndividualGroupRow = {
      organizationId: caller.organizationId,
      id,
      name,
      parentGroupId,
    };
    return this.db.transaction((tx) => this.repository.insert(tx, row, members));
  }

  async update(
    caller: Caller,
    id: string,
    input: UpdateIndividualGroupInput,
  ): Promise<IndividualGroupRow> {
    const group = await this.require(caller, id);
    const changes: Partial<NewIndividualGroupRow> = {};
    const name = checkNotNull(input.name, "input.name");
    if (name !== undefined) {
      changes.name = checkNotBlank(name, "input.name");
      checkMaxLength(changes.name, NAME_MAX, "input.name");
    }
    if (input.parentGroupId !== undefined) {
      changes.parentGroupId = input.parentGroupId
        ? await this.checkParent(caller, group.id, input.parentGroupId)
        : null;
    }
    let members: GroupMember[] | undefined;
    if (input.individualIds != null || input.leaderIds != null) {
      const current = await this.repository.findMembersByGroupIds(caller.organizationId, [
        group.id,
      ]);
      members = await this.members(
        caller,
        input.individualIds ?? current.map((member) => member.individualId),
        input.leaderIds ??
          current.filter((member) => member.leader).map((member) => member.individualId),
      );
    }
    return this.db.transaction(async (tx) => {
      const updated = await this.repository.update(tx, caller.organizationId, group.id, changes);
      if (members)
        await this.repository.replaceMembers(tx, caller.organizationId, group.id, members);
      return updated!;
    });
  }

  /** The parent must exist and must not be the group itself or one of its descendants. */
  private async checkParent(caller: Caller, groupId: string, parentId: string): Promise<string> {
    const field = "input.parentGroupId";
    let ancestor: IndividualGroupRow | undefined = await this.require(caller, parentId, field);
    for (let depth = 0; ancestor; depth += 1) {
      if (ancestor.id === groupId || depth > DEPTH_MAX) {
        throw new BadUserInputError(field, "a group cannot be nested inside itself");
      }
      if (!ancestor.parentGroupId) break;
      [ancestor] = await this.repository.findByIds(caller.organizationId, [ancestor.parentGroupId]);
    }
    return parseId(parentId, field);
  }

  private async members(
    caller: Caller,
    individualIds: string[],
    leaderIds: string[],
  ): Promise<GroupMember[]> {
    const leaders = new Set(
      await this.individuals.requireAll(caller, leaderIds, "input.leaderIds"),
    );
    const all = await this.individuals.requireAll(
      caller,
      [...individualIds, ...leaders],
      "input.individualIds",
    );
    return all.map((individualId) => ({ individualId, leader: leaders.has(individualId) }));
  }
}
