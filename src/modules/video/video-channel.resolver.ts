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
import type { VideoChannelRow } from "../../db/schema";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { CreateVideoChannelInput, UpdateVideoChannelInput } from "./video.input";
import {
  Appointment,
  VideoChannel,
  VideoChannelConnection,
  VideoChannelState,
  VideoComposition,
  VideoParticipant,
} from "./video.type";

/** Participants may join this long before the appointment starts. */
const JOIN_LEAD_MS = 15 * 60 * 1000;

@Resolver(() => VideoChannel)
export class VideoChannelResolver {
  @Authorized()
  @Query(() => VideoChannelConnection, {
    description:
      "Seed 002 GET /video-channels: where the individual participates or is the subject.",
  })
  videoChannels(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("individualId", () => ID) individualId: string,
    @Args(() => PageArgsType) page: PageArgsType,
    @Arg("states", () => [VideoChannelState], { nullable: true }) states?: VideoChannelState[],
  ) {
    return services.videoChannels.listOfIndividual(caller, individualId, states, page);
  }

  @Authorized()
  @Query(() => VideoChannel, { nullable: true })
  videoChannel(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.video.videoChannelById.load(parseId(id));
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description: "SCHEDULED when an appointment is given, else OPEN.",
  })
  createVideoChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("input", () => CreateVideoChannelInput) input: CreateVideoChannelInput,
  ) {
    return services.videoChannels.create(caller, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description: "Only the note changes once terminated (CONFLICT for the rest).",
  })
  updateVideoChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => UpdateVideoChannelInput) input: UpdateVideoChannelInput,
  ) {
    return services.videoChannels.update(caller, id, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description:
      "Ends the call: TERMINATED, every participant disconnected, duration set. Twice: CONFLICT.",
  })
  terminateVideoChannel(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.videoChannels.terminate(caller, id);
  }

  @FieldResolver(() => Appointment, { nullable: true })
  appointment(@Root() channel: VideoChannelRow): Appointment | null {
    if (!channel.appointmentId || !channel.appointmentStart) return null;
    return {
      id: channel.appointmentId,
      start: channel.appointmentStart,
      duration: channel.appointmentDuration ?? 0,
      joinStart: new Date(channel.appointmentStart.getTime() - JOIN_LEAD_MS),
    };
  }

  @FieldResolver(() => [VideoParticipant])
  participants(@Root() channel: VideoChannelRow, @Ctx() { loaders }: RequestContext) {
    return loaders.video.videoParticipantsByChannelId.load(channel.id);
  }

  @FieldResolver(() => [VideoComposition])
  compositions(@Root() channel: VideoChannelRow, @Ctx() { loaders }: RequestContext) {
    return loaders.video.videoCompositionsByChannelId.load(channel.id);
  }
}
