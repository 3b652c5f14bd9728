import type { Caller } from "../../auth/caller";
import type { Database, Executor } from "../../db/client";
import type {
  NewVideoChannelRow,
  NewVideoParticipantRow,
  VideoChannelRow,
  VideoChannelStateValue,
} from "../../db/schema";
import {
  BadUserInputError,
  ConflictError,
  NotFoundError,
  notFoundOnMissingReference,
} from "../../lib/errors";
import { newId, parseId } from "../../lib/ids";
import type { Connection, PageArgs } from "../../lib/pagination";
import { checkMaxLength, checkNotNull } from "../../lib/validate";
import type {
  AppointmentInput,
  CreateVideoChannelInput,
  UpdateVideoChannelInput,
} from "./video.input";
import type { VideoChannelRepository } from "./video-channel.repository";
import type { VideoParticipantRepository } from "./video-participant.repository";

const NOTE_MAX = 10_000;
const NAME_MAX = 255;
const ACCOUNT_TYPE_MAX = 64;
const APPOINTMENT_MINUTES_MAX = 24 * 60;
/** Twilio group rooms hold at most 50 participants. */
const PARTICIPANTS_MAX = 50;

type AppointmentFields = Pick<
  NewVideoChannelRow,
  "appointmentId" | "appointmentStart" | "appointmentDuration"
>;

export class VideoChannelService {
  constructor(
    private readonly db: Database,
    private readonly channels: VideoChannelRepository,
    private readonly participants: VideoParticipantRepository,
  ) {}

  findByIds(organizationId: string, ids: readonly string[]): Promise<VideoChannelRow[]> {
    return this.channels.findChannelsByIds(organizationId, ids);
  }

  /** The channel, NOT_FOUND when missing or another organization's. */
  async require(
    caller: Caller,
    id: string,
    field = "id",
    executor?: Executor,
  ): Promise<VideoChannelRow> {
    const [row] = await this.channels.findChannelsByIds(
      caller.organizationId,
      [parseId(id, field)],
      executor,
    );
    if (!row) throw new NotFoundError("VideoChannel", id);
    return row;
  }

  listOfIndividual(
    caller: Caller,
    individualId: string,
    states: VideoChannelStateValue[] | undefined,
    page: PageArgs,
  ): Promise<Connection<VideoChannelRow>> {
    return this.channels.listChannelsOfIndividual(
      caller.organizationId,
      parseId(individualId, "individualId"),
      states,
      page,
    );
  }

  async create(caller: Caller, input: CreateVideoChannelInput): Promise<VideoChannelRow> {
    const id = newId();
    const appointment = input.appointment
      ? this.appointmentFields(input.appointment, "input.appointment", null)
      : null;
    checkMaxLength(input.note, NOTE_MAX, "input.note");
    const participants = this.newParticipants(caller, id, input);
    const channel: NewVideoChannelRow = {
      organizationId: caller.organizationId,
      id,
      state: appointment ? "SCHEDULED" : "OPEN",
      ...appointment,
      appless: input.appless,
      recorded: input.recorded,
      withEmail: input.withEmail,
      note: input.note ?? null,
      maxParticipants: input.maxParticipants ?? null,
      messagingChannelId: input.messagingChannelId
        ? parseId(input.messagingChannelId, "input.messagingChannelId")
        : null,
      subjectId: input.subjectId ? parseId(input.subjectId, "input.subjectId") : null,
      createdBy: caller.individualId,
    };
    const references = {
      video_channels_messaging_channel_fk: {
        entity: "Channel",
        field: "input.messagingChannelId",
      },
      video_channels_subject_fk: { entity: "Individual", field: "input.subjectId" },
      video_participants_individual_fk: {
        entity: "Individual",
        field: (missingId: string) =>
          `input.participants.${participants.findIndex((p) => p.individualId === missingId)}.individualId`,
      },
    };
    return notFoundOnMissingReference(
      () => this.db.transaction((tx) => this.channels.insertChannel(tx, channel, participants)),
      references,
    );
  }

  async update(
    caller: Caller,
    id: string,
    input: UpdateVideoChannelInput,
  ): Promise<VideoChannelRow> {
    const channelId = parseId(id);
    checkMaxLength(input.note, NOTE_MAX, "input.note");
    const recorded = checkNotNull(input.recorded, "input.recorded");
    return this.db.transaction(async (tx) => {
      const channel = await this.lock(tx, caller, channelId);
      const changes: Partial<NewVideoChannelRow> = {};
      if (input.note !== undefined) changes.note = input.note;
      if (input.appointment !== undefined || recorded !== undefined) {
        const field = input.appointment !== undefined ? "input.appointment" : "input.recorded";
        this.requireNotTerminated(channel, field);
      }
      if (recorded !== undefined) changes.recorded = recorded;
      if (input.appointment === null) {
        Object.assign(changes, {
          appointmentId: null,
          appointmentStart: null,
          appointmentDuration: null,
          state: "OPEN",
        });
      } else if (input.appointment) {
        const fields = this.appointmentFields(
          input.appointment,
          "input.appointment",
          channel.appointmentId,
        );
        Object.assign(changes, fields, { state: "SCHEDULED" });
      }
      return this.channels.updateChannel(tx, caller.organizationId, channelId, changes);
    });
  }

  /** Closes the room: every participant is disconnected and the call's duration recorded. */
  async terminate(caller: Caller, id: string): Promise<VideoChannelRow> {
    const channelId = parseId(id);
    return this.db.transaction(async (tx) => {
      const channel = await this.lock(tx, caller, channelId);
      if (channel.state === "TERMINATED") {
        throw new ConflictError(`VideoChannel ${channelId} is already terminated`);
      }
      const now = new Date();
      const participants = await this.participants.findParticipantsByChannelIds(
        caller.organizationId,
        [channelId],
        tx,
      );
      const connectedAt = participants
        .map((participant) => participant.connectedAt?.getTime())
        .filter((time): time is number => time !== undefined);
      const startedAt = connectedAt.length ? Math.min(...connectedAt) : channel.createdAt.getTime();
      const duration = Math.max(0, Math.floor((now.getTime() - startedAt) / 1000));
      await this.participants.disconnectParticipants(tx, caller.organizationId, channelId, now);
      if (channel.recorded) {
        await this.channels.insertComposition(tx, {
          organizationId: caller.organizationId,
          id: newId(),
          videoChannelId: channelId,
          duration,
        });
      }
      return this.channels.updateChannel(tx, caller.organizationId, channelId, {
        state: "TERMINATED",
        terminatedAt: now,
        duration,
      });
    });
  }

  /** Locks the channel for a change; NOT_FOUND when missing or another organization's. */
  async lock(executor: Executor, caller: Caller, channelId: string): Promise<VideoChannelRow> {
    const channel = await this.channels.lockChannel(executor, caller.organizationId, channelId);
    if (!channel) throw new NotFoundError("VideoChannel", channelId);
    return channel;
  }

  requireNotTerminated(channel: VideoChannelRow, field: string): void {
    if (channel.state === "TERMINATED") {
      throw new ConflictError(`VideoChannel ${channel.id} is terminated`, field);
    }
  }

  private appointmentFields(
    input: AppointmentInput,
    field: string,
    existingId: string | null,
  ): AppointmentFields {
    const { duration } = input;
    if (!Number.isInteger(duration) || duration < 1 || duration > APPOINTMENT_MINUTES_MAX) {
      throw new BadUserInputError(
        `${field}.duration`,
        `${field}.duration must be between 1 and ${APPOINTMENT_MINUTES_MAX} minutes`,
      );
    }
    return {
      appointmentId: existingId ?? newId(),
      appointmentStart: input.start,
      appointmentDuration: duration,
    };
  }

  private newParticipants(
    caller: Caller,
    videoChannelId: string,
    input: CreateVideoChannelInput,
  ): NewVideoParticipantRow[] {
    const max = input.maxParticipants;
    if (max != null && (!Number.isInteger(max) || max < 1 || max > PARTICIPANTS_MAX)) {
      throw new BadUserInputError(
        "input.maxParticipants",
        `input.maxParticipants must be between 1 and ${PARTICIPANTS_MAX}`,
      );
    }
    const limit = max ?? PARTICIPANTS_MAX;
    if (input.participants.length > limit) {
      throw new BadUserInputError(
        "input.participants",
        `input.participants lists more than the ${limit} participants allowed`,
      );
    }
    const seen = new Set<string>();
    return input.participants.map((participant, index) => {
      const field = `input.participants.${index}`;
      const individualId = parseId(participant.individualId, `${field}.individualId`);
      if (seen.has(individualId)) {
        throw new BadUserInputError(`${field}.individualId`, `${individualId} is listed twice`);
      }
      seen.add(individualId);
      checkMaxLength(participant.firstName, NAME_MAX, `${field}.firstName`);
      checkMaxLength(participant.lastName, NAME_MAX, `${field}.lastName`);
      checkMaxLength(participant.accountType, ACCOUNT_TYPE_MAX, `${field}.accountType`);
      return {
        organizationId: caller.organizationId,
        id: newId(),
        videoChannelId,
        individualId,
        firstName: participant.firstName?.trim() || null,
        lastName: participant.lastName?.trim() || null,
        accountType: participant.accountType ?? null,
        lastModifiedBy: caller.individualId,
      };
    });
  }
}
