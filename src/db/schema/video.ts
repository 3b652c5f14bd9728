import {
  boolean,
  foreignKey,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";
import { lifecycleDates, organizationId } from "./columns";
import { channels } from "./channel";
import { individuals } from "./individual";
import { organizations } from "./organization";

export const videoChannelState = pgEnum("video_channel_state", ["OPEN", "SCHEDULED", "TERMINATED"]);
export const videoAudioState = pgEnum("video_audio_state", ["MUTED", "UNMUTED"]);
/** Twilio's composition statuses, which the seed's video-compositions carry. */
export const videoCompositionStatus = pgEnum("video_composition_status", [
  "ENQUEUED",
  "PROCESSING",
  "COMPLETED",
  "DELETED",
  "FAILED",
]);

const timestampColumn = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Seed 002 video-channels. Subjects and messaging channels are individuals and channels of the
 * messaging module, with foreign keys in the organization; the creator is the caller's token sub.
 */
export const videoChannels = pgTable(
  "video_channels",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    state: videoChannelState("state").notNull(),
    appless: boolean("appless").notNull().default(false),
    recorded: boolean("recorded").notNull().default(false),
    withEmail: boolean("with_email").notNull().default(false),
    appointmentId: uuid("appointment_id"),
    appointmentStart: timestampColumn("appointment_start"),
    /** Minutes. */
    appointmentDuration: integer("appointment_duration"),
    note: text("note"),
    maxParticipants: integer("max_participants"),
    messagingChannelId: uuid("messaging_channel_id"),
    subjectId: uuid("subject_id"),
    encounterId: uuid("encounter_id"),
    serviceTypeId: uuid("service_type_id"),
    encounterNote: text("encounter_note"),
    finalizedAt: timestampColumn("finalized_at"),
    reminderTimerStartedAt: timestampColumn("reminder_timer_started_at"),
    createdBy: varchar("created_by", { length: 255 }),
    terminatedAt: timestampColumn("terminated_at"),
    /** Seconds from the first connection (else creation) to termination. */
    duration: integer("duration"),
    ...lifecycleDates,
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({ columns: [table.organizationId], foreignColumns: [organizations.id] }),
    foreignKey({
      name: "video_channels_messaging_channel_fk",
      columns: [table.organizationId, table.messagingChannelId],
      foreignColumns: [channels.organizationId, channels.id],
    }),
    foreignKey({
      name: "video_channels_subject_fk",
      columns: [table.organizationId, table.subjectId],
      foreignColumns: [individuals.organizationId, individuals.id],
    }),
    index("video_channels_subject_idx").on(table.organizationId, table.subjectId, table.id),
  ],
);

/** Seed 002 video-participants: one individual in one video channel. */
export const videoParticipants = pgTable(
  "video_participants",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    videoChannelId: uuid("video_channel_id").notNull(),
    individualId: uuid("individual_id").notNull(),
    firstName: varchar("first_name", { length: 255 }),
    lastName: varchar("last_name", { length: 255 }),
    accountType: varchar("account_type", { length: 64 }),
    audioState: videoAudioState("audio_state").notNull().default("UNMUTED"),
    disconnected: boolean("disconnected").notNull().default(false),
    connectedAt: timestampColumn("connected_at"),
    disconnectedAt: timestampColumn("disconnected_at"),
    note: text("note"),
    encounterId: uuid("encounter_id"),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
    lastModifiedBy: varchar("last_modified_by", { length: 255 }),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.videoChannelId],
      foreignColumns: [videoChannels.organizationId, videoChannels.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "video_participants_individual_fk",
      columns: [table.organizationId, table.individualId],
      foreignColumns: [individuals.organizationId, individuals.id],
    }),
    uniqueIndex("video_participants_channel_individual_unique").on(
      table.organizationId,
      table.videoChannelId,
      table.individualId,
    ),
    index("video_participants_individual_idx").on(
      table.organizationId,
      table.individualId,
      table.videoChannelId,
    ),
  ],
);

/** Seed 002 video-compositions: the recording of a recorded channel, composed after it ends. */
export const videoCompositions = pgTable(
  "video_compositions",
  {
    organizationId: organizationId(),
    id: uuid("id").notNull(),
    videoChannelId: uuid("video_channel_id").notNull(),
    status: videoCompositionStatus("status").notNull().default("ENQUEUED"),
    processingPct: integer("processing_pct").notNull().default(0),
    /** Bytes. */
    size: integer("size"),
    /** Seconds. */
    duration: integer("duration"),
    createdAt: timestampColumn("created_at").notNull().defaultNow(),
    lastModifiedAt: timestampColumn("last_modified_at").notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.id] }),
    foreignKey({
      columns: [table.organizationId, table.videoChannelId],
      foreignColumns: [videoChannels.organizationId, videoChannels.id],
    }).onDelete("cascade"),
    index("video_compositions_channel_idx").on(
      table.organizationId,
      table.videoChannelId,
      table.id,
    ),
  ],
);

export type VideoChannelRow = typeof videoChannels.$inferSelect;
export type NewVideoChannelRow = typeof videoChannels.$inferInsert;
export type VideoParticipantRow = typeof videoParticipants.$inferSelect;
export type NewVideoParticipantRow = typeof videoParticipants.$inferInsert;
export type VideoCompositionRow = typeof videoCompositions.$inferSelect;
export type NewVideoCompositionRow = typeof videoCompositions.$inferInsert;
export type VideoChannelStateValue = (typeof videoChannelState.enumValues)[number];
export type VideoAudioStateValue = (typeof videoAudioState.enumValues)[number];
