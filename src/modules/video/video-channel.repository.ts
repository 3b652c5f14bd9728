import { and, eq, exists, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  videoChannels,
  videoCompositions,
  videoParticipants,
  type NewVideoChannelRow,
  type NewVideoCompositionRow,
  type NewVideoParticipantRow,
  type VideoChannelRow,
  type VideoChannelStateValue,
  type VideoCompositionRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

/** Video channels and their compositions. */
export class VideoChannelRepository {
  constructor(private readonly db: Executor) {}

  async insertChannel(
    executor: Executor,
    channel: NewVideoChannelRow,
    participants: NewVideoParticipantRow[],
  ): Promise<VideoChannelRow> {
    const [created] = await executor.insert(videoChannels).values(channel).returning();
    if (participants.length) await executor.insert(videoParticipants).values(participants);
    return created;
  }

  findChannelsByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<VideoChannelRow[]> {
    return executor
      .select()
      .from(videoChannels)
      .where(
        and(eq(videoChannels.organizationId, organizationId), inArray(videoChannels.id, [...ids])),
      );
  }

  /** Locks the channel row for the rest of the transaction. */
  async lockChannel(
    executor: Executor,
    organizationId: string,
    id: string,
  ): Promise<VideoChannelRow | undefined> {
    const [row] = await executor
      .select()
      .from(videoChannels)
      .where(tenantRow(videoChannels, organizationId, id))
      .for("update");
    return row;
  }

  /** Channels where the individual participates or is the subject, oldest first. */
  listChannelsOfIndividual(
    organizationId: string,
    individualId: string,
    states: VideoChannelStateValue[] | undefined,
    args: PageArgs,
  ): Promise<Connection<VideoChannelRow>> {
    const participates = this.db
      .select({ one: sql`1` })
      .from(videoParticipants)
      .where(
        and(
          eq(videoParticipants.organizationId, videoChannels.organizationId),
          eq(videoParticipants.videoChannelId, videoChannels.id),
          eq(videoParticipants.individualId, individualId),
        ),
      );
    const filters: (SQL | undefined)[] = [
      eq(videoChannels.organizationId, organizationId),
      or(eq(videoChannels.subjectId, individualId), exists(participates)),
    ];
    if (states?.length) filters.push(inArray(videoChannels.state, states));
    return fetchPage(
      args,
      byId(videoChannels.id),
      and(...filters),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(videoChannels)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(videoChannels, where),
    );
  }

  async updateChannel(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewVideoChannelRow>,
  ): Promise<VideoChannelRow> {
    const [updated] = await executor
      .update(videoChannels)
      .set({ ...changes, updatedAt: new Date() })
      .where(tenantRow(videoChannels, organizationId, id))
      .returning();
    return updated;
  }

  async insertComposition(executor: Executor, row: NewVideoCompositionRow): Promise<void> {
    await executor.insert(videoCompositions).values(row);
  }

  findCompositionsByIds(
    organizationId: string,
    ids: readonly string[],
  ): Promise<VideoCompositionRow[]> {
    return this.db
      .select()
      .from(videoCompositions)
      .where(
        and(
          eq(videoCompositions.organizationId, organizationId),
          inArray(videoCompositions.id, [...ids]),
        ),
      );
  }

  findCompositionsByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
  ): Promise<VideoCompositionRow[]> {
    return this.db
      .select()
      .from(videoCompositions)
      .where(
        and(
          eq(videoCompositions.organizationId, organizationId),
          inArray(videoCompositions.videoChannelId, [...channelIds]),
        ),
      )
      .orderBy(videoCompositions.id);
  }

  listCompositions(
    organizationId: string,
    videoChannelId: string,
    args: PageArgs,
  ): Promise<Connection<VideoCompositionRow>> {
    return fetchPage(
      args,
      byId(videoCompositions.id),
      and(
        eq(videoCompositions.organizationId, organizationId),
        eq(videoCompositions.videoChannelId, videoChannelId),
      ),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(videoCompositions)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(videoCompositions, where),
    );
  }
}
