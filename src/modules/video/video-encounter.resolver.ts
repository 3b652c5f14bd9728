import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Caller } from "../../auth/caller";
import { CurrentCaller } from "../../auth/current-caller";
import type { RequestContext } from "../../context";
import { PageArgsType } from "../../lib/connection";
import { parseId } from "../../lib/ids";
import { FinalizeVideoEncounterInput } from "./video.input";
import { VideoChannel, VideoComposition, VideoCompositionConnection } from "./video.type";

/** What happens around and after the call: the encounter, the reminder, the recordings. */
@Resolver()
export class VideoEncounterResolver {
  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description: "Seed finalize-encounter: once per channel (CONFLICT after).",
  })
  finalizeVideoEncounter(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
    @Arg("input", () => FinalizeVideoEncounterInput, {
      nullable: true,
      defaultValue: { useNoteFromAuthorParticipant: false },
    })
    input: FinalizeVideoEncounterInput,
  ) {
    return services.videoEncounters.finalizeEncounter(caller, id, input);
  }

  @Authorized("admin", "agent")
  @Mutation(() => VideoChannel, {
    description: "Seed reminder-timer: starts the channel's reminder timer now.",
  })
  setVideoReminderTimer(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("id", () => ID) id: string,
  ) {
    return services.videoEncounters.startReminderTimer(caller, id);
  }

  @Authorized()
  @Query(() => VideoCompositionConnection, { description: "Seed 002 GET /video-compositions." })
  videoCompositions(
    @Ctx() { services }: RequestContext,
    @CurrentCaller() caller: Caller,
    @Arg("videoChannelId", () => ID) videoChannelId: string,
    @Args(() => PageArgsType) page: PageArgsType,
  ) {
    return services.videoEncounters.listCompositions(caller, videoChannelId, page);
  }

  @Authorized()
  @Query(() => VideoComposition, { nullable: true })
  videoComposition(@Ctx() { loaders }: RequestContext, @Arg("id", () => ID) id: string) {
    return loaders.video.videoCompositionById.load(parseId(id));
  }
}
