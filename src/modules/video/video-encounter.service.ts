import type { Caller } from "../../auth/caller";
import type { Database } from "../../db/client";
import type { VideoChannelRow, VideoCompositionRow } from "../../db/schema";
import { ConflictError } from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import type { FinalizeVideoEncounterInput } from "./video.input";
import type { VideoChannelRepository } from "./video-channel.repository";
import type { VideoChannelService } from "./video-channel.service";
import type { VideoParticipantRepository } from "./video-participant.repository";

/** What happens around and after a call: the encounter, the reminder timer, the recordings. */
export class VideoEncounterService {
  constructor(
    private readonly db: Database,
    private readonly channels: VideoChannelRepository,
    private readonly participants: VideoParticipantRepository,
    private readonly channelService: VideoChannelService,
  ) {}

  /** Seed finalize-encounter: records the encounter once, with the channel's or the author's note. */
  async finalizeEncounter(
    caller: Caller,
    id: string,
    input: FinalizeVideoEncounterInput,
  ): Promise<VideoChannelRow> {
    const channelId = parseId(id);
    const serviceTypeId = input.serviceTypeId
      ? parseId(input.serviceTypeId, "input.serviceTypeId")
      : null;
    return this.db.transaction(async (tx) => {
      const channel = await this.channelService.lock(tx, caller, channelId);
      if (channel.encounterId) {
        throw new ConflictError(`The encounter of VideoChannel ${channelId} is already finalized`);
      }
      let encounterNote = channel.note;
      if (input.useNoteFromAuthorParticipant) {
        const participants = await this.participants.findParticipantsByChannelIds(
          caller.organizationId,
          [channelId],
          tx,
        );
        const author = participants.find(
          (participant) => participant.individualId === channel.createdBy?.toLowerCase(),
        );
        encounterNote = author?.note ?? null;
      }
      const encounterId = newId();
      await this.participants.setParticipantsEncounter(
        tx,
        caller.organizationId,
        channelId,
        encounterId,
      );
      return this.channels.updateChannel(tx, caller.organizationId, channelId, {
        encounterId,
        serviceTypeId,
        encounterNote,
        finalizedAt: new Date(),
      });
    });
  }

  /** Seed reminder-timer: starts (or restarts) the channel's reminder timer now. */
  async startReminderTimer(caller: Caller, id: string): Promise<VideoChannelRow> {
    const channelId = parseId(id);
    return this.db.transaction(async (tx) => {
      const channel = await this.channelService.lock(tx, caller, channelId);
      this.channelService.requireNotTerminated(channel, "id");
      return this.channels.updateChannel(tx, caller.organizationId, channelId, {
        reminderTimerStartedAt: new Date(),
      });
    });
  }

  findCompositionsByIds(organizationId: string, ids: readonly string[]) {
    return this.channels.findCompositionsByIds(organizationId, ids);
  }

  findCompositionsByChannelIds(organizationId: string, channelIds: readonly string[]) {
    return this.channels.findCompositionsByChannelIds(organizationId, channelIds);
  }

  async listCompositions(
    caller: Caller,
    videoChannelId: string,
    page: PageArgs,
  ): Promise<Connection<VideoCompositionRow>> {
    const channel = await this.channelService.require(caller, videoChannelId, "videoChannelId");
    return this.channels.listCompositions(caller.organizationId, channel.id, page);
  }
}
