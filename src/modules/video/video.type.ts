import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/connection";

export enum VideoChannelState {
  OPEN = "OPEN",
  SCHEDULED = "SCHEDULED",
  TERMINATED = "TERMINATED",
}
registerEnumType(VideoChannelState, {
  name: "VideoChannelState",
  description:
    "SCHEDULED while the channel has an appointment, OPEN without one; TERMINATED is final.",
});

export enum VideoAudioState {
  MUTED = "MUTED",
  UNMUTED = "UNMUTED",
}
registerEnumType(VideoAudioState, { name: "VideoAudioState" });

export enum VideoCompositionStatus {
  ENQUEUED = "ENQUEUED",
  PROCESSING = "PROCESSING",
  COMPLETED = "COMPLETED",
  DELETED = "DELETED",
  FAILED = "FAILED",
}
registerEnumType(VideoCompositionStatus, { name: "VideoCompositionStatus" });

@ObjectType({ description: "When a scheduled video channel takes place." })
export class Appointment {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  start!: Date;

  @Field(() => Int, { description: "Minutes." })
  duration!: number;

  @Field(() => Date, { description: "From when participants may join: 15 minutes early." })
  joinStart!: Date;
}

@ObjectType({ description: "Seed 002 video-participants: one individual in one video channel." })
export class VideoParticipant {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  videoChannelId!: string;

  @Field(() => ID, { description: "The participating individual." })
  individualId!: string;

  @Field(() => String, { nullable: true, description: "For appless guests." })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true, description: 'Seed: e.g. "provider".' })
  accountType!: string | null;

  @Field(() => VideoAudioState)
  audioState!: VideoAudioState;

  @Field(() => Boolean)
  disconnected!: boolean;

  @Field(() => Date, {
    nullable: true,
    description: "First time the participant fetched credentials.",
  })
  connectedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  disconnectedAt!: Date | null;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => ID, { nullable: true })
  encounterId!: string | null;

  @Field(() => Date)
  lastModifiedAt!: Date;

  @Field(() => String, { nullable: true })
  lastModifiedBy!: string | null;
}

@ObjectType({ description: "Seed 002 video-compositions: the recording of a recorded channel." })
export class VideoComposition {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  videoChannelId!: string;

  @Field(() => VideoCompositionStatus)
  status!: VideoCompositionStatus;

  @Field(() => Int, { description: "0–100." })
  processingPct!: number;

  @Field(() => Int, { nullable: true, description: "Bytes." })
  size!: number | null;

  @Field(() => Int, { nullable: true, description: "Seconds." })
  duration!: number | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastModifiedAt!: Date;
}

@Directive(`@key(fields: "id")`)
@ObjectType({ description: "Seed 002 video-channels: a video call between participants." })
export class VideoChannel {
  @Field(() => ID)
  id!: string;

  @Field(() => VideoChannelState)
  state!: VideoChannelState;

  @Field(() => Boolean, { description: "Guests join from a browser link, without the app." })
  appless!: boolean;

  @Field(() => Boolean)
  recorded!: boolean;

  @Field(() => Boolean, { description: "Invitations go out by email too." })
  withEmail!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => Int, { nullable: true })
  maxParticipants!: number | null;

  @Field(() => ID, { nullable: true, description: "The messaging channel this call belongs to." })
  messagingChannelId!: string | null;

  @Field(() => ID, { nullable: true, description: "The individual the call is about." })
  subjectId!: string | null;

  @Field(() => ID, { nullable: true, description: "Set when the encounter is finalized." })
  encounterId!: string | null;

  @Field(() => ID, { nullable: true })
  serviceTypeId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The note the encounter was finalized with.",
  })
  encounterNote!: string | null;

  @Field(() => Date, { nullable: true })
  finalizedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  reminderTimerStartedAt!: Date | null;

  @Field(() => ID, {
    name: "createdById",
    nullable: true,
    description: "The individual who created it.",
  })
  createdBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  terminatedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds from the first connection (else creation) to termination.",
  })
  duration!: number | null;
}

@ObjectType({ description: "A short-lived access token for joining one video channel." })
export class VideoCredentials {
  @Field(() => String, { description: "HS256 JWT; `sub` is the caller, `channel` the channel." })
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => ID)
  channelId!: string;

  @Field(() => ID)
  participantId!: string;

  @Field(() => String, { description: "The caller's individual id, as the video room knows it." })
  identity!: string;
}

@ObjectType()
export class VideoChannelConnection extends ConnectionType(VideoChannel, "VideoChannel") {}

@ObjectType()
export class VideoParticipantConnection extends ConnectionType(
  VideoParticipant,
  "VideoParticipant",
) {}

@ObjectType()
export class VideoCompositionConnection extends ConnectionType(
  VideoComposition,
  "VideoComposition",
) {}
