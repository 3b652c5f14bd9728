import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import type { VideoParticipantRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { UpdateVideoParticipantInput, VideoParticipantAudioStateInput } from "./video.input";
import {
  VideoChannel,
  VideoCredentials,
  VideoParticipant,
  VideoParticipantConnection,
} from "./video.type";

@Resolver(() => VideoParticipant)
export class VideoParticipantResolver {
  @Authorized()
  @Query(() => VideoParticipantConnection, { description: "Seed 002 GET /video-participants." })
  videoParticipants(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("videoChannelId", () => ID) videoChannelId: string,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("individualId", () => ID, { nullable: true }) individualId?: string,
  ) {
    return services.videoParticipants.list(caller, videoChannelId, individualId, page);
  }

  @Authorized()
  @Query(() => VideoParticipant, { nullable: true })
  videoParticipant(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.video.videoParticipantById.load(parseId(id));
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoParticipant, { description: "Seed PATCH /video-participants/{id}." })
  updateVideoParticipant(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateVideoParticipantInput) input: UpdateVideoParticipantInput,
  ) {
    return services.videoParticipants.update(caller, id, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description: "Seed participant-audio-states: mutes or unmutes participants of one channel.",
  })
  setParticipantAudioStates(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID, { description: "The video channel." }) id: string,
    @Arg("participants", () => [VideoParticipantAudioStateInput])
    participants: VideoParticipantAudioStateInput[],
  ) {
    return services.videoParticipants.setAudioStates(caller, id, participants);
  }

  @Authorized()
  @Mutation(() => VideoCredentials, {
    description:
      "Seed get-credentials: a short-lived token to join the channel, for its participants only (FORBIDDEN otherwise).",
  })
  videoChannelCredentials(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.videoParticipants.credentials(caller, id);
  }

  @FieldResolver(() => VideoChannel)
  videoChannel(@Root() participant: VideoParticipantRow, @Ctx() { loaders }: RequestContext) {
    return loaders.video.videoChannelById.load(participant.videoChannelId);
  }
}
