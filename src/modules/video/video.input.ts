import { Field, ID, InputType, Int } from "type-graphql";
import { VideoAudioState } from "./video.type";

@InputType()
export class AppointmentInput {
  @Field(() => Date)
  start!: Date;

  @Field(() => Int, { description: "Minutes, 1 to 1440." })
  duration!: number;
}

@InputType({ description: "Someone to invite; names only matter for appless guests." })
export class VideoParticipantInput {
  @Field(() => ID)
  individualId!: string;

  @Field(() => String, { nullable: true })
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'Seed: e.g. "provider".' })
  accountType?: string | null;
}

@InputType({ description: "Seed 002 POST /video-channels." })
export class CreateVideoChannelInput {
  @Field(() => Boolean, { defaultValue: false })
  appless!: boolean;

  @Field(() => AppointmentInput, {
    nullable: true,
    description: "Given: the channel is SCHEDULED.",
  })
  appointment?: AppointmentInput | null;

  @Field(() => ID, { nullable: true })
  messagingChannelId?: string | null;

  @Field(() => ID, { nullable: true })
  subjectId?: string | null;

  @Field(() => [VideoParticipantInput], { defaultValue: [] })
  participants!: VideoParticipantInput[];

  @Field(() => Boolean, { defaultValue: false })
  recorded!: boolean;

  @Field(() => Boolean, { defaultValue: false })
  withEmail!: boolean;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => Int, { nullable: true, description: "1 to 50; at least the participants given." })
  maxParticipants?: number | null;
}

@InputType({
  description:
    "Seed 002 PATCH /video-channels: fields given change; appointment null unschedules (OPEN).",
})
export class UpdateVideoChannelInput {
  @Field(() => AppointmentInput, { nullable: true })
  appointment?: AppointmentInput | null;

  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => Boolean, { nullable: true })
  recorded?: boolean;
}

@InputType({ description: "Seed 002 POST /video-channels/{id}/finalize-encounter." })
export class FinalizeVideoEncounterInput {
  @Field(() => ID, { nullable: true })
  serviceTypeId?: string | null;

  @Field(() => Boolean, {
    defaultValue: false,
    description: "Take the note of the participant who created the channel, not the channel's.",
  })
  useNoteFromAuthorParticipant!: boolean;
}

@InputType()
export class VideoParticipantAudioStateInput {
  @Field(() => ID, { description: "A participant of this channel." })
  id!: string;

  @Field(() => VideoAudioState)
  audioState!: VideoAudioState;
}

@InputType({ description: "Seed 002 PATCH /video-participants: fields given change." })
export class UpdateVideoParticipantInput {
  @Field(() => String, { nullable: true })
  note?: string | null;

  @Field(() => VideoAudioState, { nullable: true })
  audioState?: VideoAudioState;
}
