import type { Caller } from "../../auth/caller";
import { manyByKey, oneByKey } from "../../lib/loader";
import type { VideoChannelService } from "./video-channel.service";
import type { VideoEncounterService } from "./video-encounter.service";
import type { VideoParticipantService } from "./video-participant.service";

export function createVideoLoaders(
  channels: VideoChannelService,
  encounters: VideoEncounterService,
  participants: VideoParticipantService,
  caller: Caller,
) {
  return {
    videoChannelById: oneByKey(
      (ids: readonly string[]) => channels.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    videoParticipantById: oneByKey(
      (ids: readonly string[]) => participants.findByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    videoParticipantsByChannelId: manyByKey(
      (channelIds: readonly string[]) =>
        participants.findByChannelIds(caller.organizationId, channelIds),
      (row) => row.videoChannelId,
    ),
    videoCompositionById: oneByKey(
      (ids: readonly string[]) => encounters.findCompositionsByIds(caller.organizationId, ids),
      (row) => row.id,
    ),
    videoCompositionsByChannelId: manyByKey(
      (channelIds: readonly string[]) =>
        encounters.findCompositionsByChannelIds(caller.organizationId, channelIds),
      (row) => row.videoChannelId,
    ),
  };
}

export type VideoLoaders = ReturnType<typeof createVideoLoaders>;
