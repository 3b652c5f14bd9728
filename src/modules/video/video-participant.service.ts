import type { Caller } from "../../auth/caller";
import type { VideoConfig } from "../../config";
import type { Database } from "../../db/client";
import type { NewVideoParticipantRow, VideoChannelRow, VideoParticipantRow } from "../../db/schema";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../lib/errors";
import { parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { checkMaxLength } from "../../lib/validate";
import type { UpdateVideoParticipantInput, VideoParticipantAudioStateInput } from "./video.input";
import type { VideoCredentials } from "./video.type";
import type { VideoChannelService } from "./video-channel.service";
import type { VideoParticipantRepository } from "./video-participant.repository";
import { signVideoAccessToken } from "./video-token";

const NOTE_MAX = 10_000;

export class VideoParticipantService {
  constructor(
    private readonly db: Database,
    private readonly participants: VideoParticipantRepository,
    private readonly channels: VideoChannelService,
    private readonly config: VideoConfig,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<VideoParticipantRow[]> {
    return this.participants.findParticipantsByIds(organizationId, ids);
  }

  findByChannelIds(
    organizationId: string,
    channelIds: readonly string[],
  ): Promise<VideoParticipantRow[]> {
    return this.participants.findParticipantsByChannelIds(organizationId, channelIds);
  }

  async list(
    caller: Caller,
    videoChannelId: string,
    individualId: string | undefined,
    page: PageArgs,
  ): Promise<Connection<VideoParticipantRow>> {
    const individual = individualId ? parseId(individualId, "individualId") : undefined;
    const channel = await this.channels.require(caller, videoChannelId, "videoChannelId");
    return this.participants.listParticipants(caller.organizationId, channel.id, individual, page);
  }

  /** Seed PATCH video-participants: the note any time; the audio state while the call lasts. */
  async update(
    caller: Caller,
    id: string,
    input: UpdateVideoParticipantInput,
  ): Promise<VideoParticipantRow> {
    const participantId = parseId(id);
    checkMaxLength(input.note, NOTE_MAX, "input.note");
    if (input.audioState === null) {
      throw new BadUserInputError("input.audioState", "input.audioState cannot be null");
    }
    return this.db.transaction(async (tx) => {
      const [participant] = await this.participants.findParticipantsByIds(
        caller.organizationId,
        [participantId],
        tx,
      );
      if (!participant) throw new NotFoundError("VideoParticipant", participantId);
      const channel = await this.channels.lock(tx, caller, participant.videoChannelId);
      const changes: Partial<NewVideoParticipantRow> = { lastModifiedBy: caller.individualId };
      if (input.note !== undefined) changes.note = input.note;
      if (input.audioState !== undefined) {
        this.channels.requireNotTerminated(channel, "input.audioState");
        changes.audioState = input.audioState;
      }
      return this.participants.updateParticipant(tx, caller.organizationId, participantId, changes);
    });
  }

  /** Seed participant-audio-states: mutes or unmutes several participants of one channel at once. */
  async setAudioStates(
    caller: Caller,
    videoChannelId: string,
    states: VideoParticipantAudioStateInput[],
  ): Promise<VideoChannelRow> {
    const channelId = parseId(videoChannelId);
    const seen = new Set<string>();
    const parsed = states.map((state, index) => {
      const id = parseId(state.id, `participants.${index}.id`);
      if (seen.has(id)) {
        throw new BadUserInputError(`participants.${index}.id`, `${id} is listed twice`);
      }
      seen.add(id);
      return { id, audioState: state.audioState };
    });
    return this.db.transaction(async (tx) => {
      const channel = await this.channels.lock(tx, caller, channelId);
      this.channels.requireNotTerminated(channel, "id");
      const found = await this.participants.findParticipantsByIds(
        caller.organizationId,
        [...seen],
        tx,
      );
      const inChannel = new Set(
        found.filter((row) => row.videoChannelId === channelId).map((row) => row.id),
      );
      parsed.forEach((state, index) => {
        if (!inChannel.has(state.id)) {
          throw new BadUserInputError(
            `participants.${index}.id`,
            `${state.id} is not a participant of this video channel`,
          );
        }
      });
      await this.participants.setAudioStates(
        tx,
        caller.organizationId,
        channelId,
        parsed,
        caller.individualId,
      );
      return channel;
    });
  }

  /**
   * A short-lived access token to join the channel, for its participants only (FORBIDDEN for
   * anyone else of the organization); fetching it marks the participant connected.
   */
  async credentials(caller: Caller, videoChannelId: string): Promise<VideoCredentials> {
    const channelId = parseId(videoChannelId);
    const identity = caller.individualId.toLowerCase();
    const participant = await this.db.transaction(async (tx) => {
      const channel = await this.channels.lock(tx, caller, channelId);
      const participants = await this.participants.findParticipantsByChannelIds(
        caller.organizationId,
        [channel.id],
        tx,
      );
      const joining = participants.find((row) => row.individualId === identity);
      if (!joining) {
        throw new ForbiddenError("Only participants of this video channel get its credentials");
      }
      this.channels.requireNotTerminated(channel, "id");
      await this.participants.markConnected(tx, caller.organizationId, joining.id, new Date());
      return joining;
    });
    const { token, expiresAt } = await signVideoAccessToken(this.config, {
      organizationId: caller.organizationId,
      channelId,
      participantId: participant.id,
      identity,
    });
    return { token, expiresAt, channelId, participantId: participant.id, identity };
  }
}
