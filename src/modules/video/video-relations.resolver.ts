import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context";
import type { VideoChannelRow, VideoParticipantRow } from "../../db/schema";
import { Channel } from "../channel/channel.type";
import { Individual } from "../individual/individual.type";
import { VideoChannel, VideoParticipant } from "./video.type";

/** API.md relations of video channels to the messaging graph, through the messaging loaders. */
@Resolver(() => VideoChannel)
export class VideoChannelRelationsResolver {
  @FieldResolver(() => Individual, {
    nullable: true,
    description: "The patient the visit is about.",
  })
  subject(@Root() channel: VideoChannelRow, @Ctx() { loaders }: RequestContext) {
    return channel.subjectId ? loaders.individual.individualById.load(channel.subjectId) : null;
  }

  @FieldResolver(() => Channel, {
    nullable: true,
    description: "The messaging channel linked to the visit.",
  })
  messagingChannel(@Root() channel: VideoChannelRow, @Ctx() { loaders }: RequestContext) {
    return channel.messagingChannelId
      ? loaders.channel.channelById.load(channel.messagingChannelId)
      : null;
  }

  @FieldResolver(() => Individual, { name: "createdBy", nullable: true })
  creator(@Root() channel: VideoChannelRow, @Ctx() { loaders }: RequestContext) {
    return channel.createdBy ? loaders.individual.individualById.load(channel.createdBy) : null;
  }
}

@Resolver(() => VideoParticipant)
export class VideoParticipantRelationsResolver {
  @FieldResolver(() => Individual, {
    nullable: true,
    description: "The participant's individual record.",
  })
  individual(@Root() participant: VideoParticipantRow, @Ctx() { loaders }: RequestContext) {
    return loaders.individual.individualById.load(participant.individualId);
  }
}
