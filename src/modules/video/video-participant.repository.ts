import { and, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../../db/client";
import {
  videoParticipants,
  type NewVideoParticipantRow,
  type VideoAudioStateValue,
  type VideoParticipantRow,
} from "../../db/schema";
import { byId, fetchPage, type Connection, type PageArgs } from "../../lib/pagination";
import { tenantRow } from "../../db/tenant";

export class VideoParticipantRepository {
  constructor(private readonly db: Executor) {}

  findParticipantsByIds(
    organizationId: string,
    ids: readonly string[],
    executor: Executor = this.db,
  ): Promise<VideoParticipantRow[]> {
    return executor
      .select()
      .from(videoParticipants)
      .where(
        and(
          eq(videoParticipants.organizationId, organizationId),
          inArray(videoParticipants.id, [...ids]),
        ),
      );
  }

  findParticipantsByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
    executor: Executor = this.db,
  ): Promise<VideoParticipantRow[]> {
    return executor
      .select()
      .from(videoParticipants)
      .where(
        and(
          eq(videoParticipants.organizationId, organizationId),
          inArray(videoParticipants.videoChannelId, [...channelIds]),
        ),
      )
      .orderBy(videoParticipants.id);
  }

  listParticipants(
    organizationId: string,
    videoChannelId: string,
    individualId: string | undefined,
    args: PageArgs,
  ): Promise<Connection<VideoParticipantRow>> {
    const filters = [
      eq(videoParticipants.organizationId, organizationId),
      eq(videoParticipants.videoChannelId, videoChannelId),
    ];
    if (individualId) filters.push(eq(videoParticipants.individualId, individualId));
    return fetchPage(
      args,
      byId(videoParticipants.id),
      and(...filters),
      (where, orderBy, limit) =>
        this.db
          .select()
          .from(videoParticipants)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit),
      (where) => this.db.$count(videoParticipants, where),
    );
  }

  async updateParticipant(
    executor: Executor,
    organizationId: string,
    id: string,
    changes: Partial<NewVideoParticipantRow>,
  ): Promise<VideoParticipantRow> {
    const [updated] = await executor
      .update(videoParticipants)
      .set({ ...changes, lastModifiedAt: new Date() })
      .where(tenantRow(videoParticipants, organizationId, id))
      .returning();
    return updated;
  }

  async setAudioStates(
    executor: Executor,
    organizationId: string,
    videoChannelId: string,
    states: { id: string; audioState: VideoAudioStateValue }[],
    modifiedBy: string,
  ): Promise<void> {
    for (const audioState of ["MUTED", "UNMUTED"] as const) {
      const ids = states.filter((state) => state.audioState === audioState).map((s) => s.id);
      if (!ids.length) continue;
      await executor
        .update(videoParticipants)
        .set({ audioState, lastModifiedAt: new Date(), lastModifiedBy: modifiedBy })
        .where(
          and(
            eq(videoParticipants.organizationId, organizationId),
            eq(videoParticipants.videoChannelId, videoChannelId),
            inArray(videoParticipants.id, ids),
          ),
        );
    }
  }

  /** The caller joining: first connection time is kept, a disconnected participant reconnects. */
  async markConnected(
    executor: Executor,
    organizationId: string,
    participantId: string,
    at: Date,
  ): Promise<VideoParticipantRow | undefined> {
    const [updated] = await executor
      .update(videoParticipants)
      .set({
        connectedAt: sql`coalesce(${videoParticipants.connectedAt}, ${at.toISOString()}::timestamptz)`,
        disconnected: false,
        disconnectedAt: null,
        lastModifiedAt: at,
      })
      .where(
        and(
          eq(videoParticipants.organizationId, organizationId),
          eq(videoParticipants.id, participantId),
        ),
      )
      .returning();
    return updated;
  }

  setParticipantsEncounter(
    executor: Executor,
    organizationId: string,
    videoChannelId: string,
    encounterId: string,
  ) {
    return executor
      .update(videoParticipants)
      .set({ encounterId, lastModifiedAt: new Date() })
      .where(
        and(
          eq(videoParticipants.organizationId, organizationId),
          eq(videoParticipants.videoChannelId, videoChannelId),
        ),
      );
  }

  /** Disconnects every participant still connected, as the room closes. */
  async disconnectParticipants(
    executor: Executor,
    organizationId: string,
    videoChannelId: string,
    at: Date,
  ): Promise<void> {
    await executor
      .update(videoParticipants)
      .set({ disconnected: true, disconnectedAt: at, lastModifiedAt: at })
      .where(
        and(
          eq(videoParticipants.organizationId, organizationId),
          eq(videoParticipants.videoChannelId, videoChannelId),
          eq(videoParticipants.disconnected, false),
        ),
      );
  }
}
