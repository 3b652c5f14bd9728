CREATE TYPE "public"."video_audio_state" AS ENUM('MUTED', 'UNMUTED');--> statement-breakpoint
CREATE TYPE "public"."video_channel_state" AS ENUM('OPEN', 'SCHEDULED', 'TERMINATED');--> statement-breakpoint
CREATE TYPE "public"."video_composition_status" AS ENUM('ENQUEUED', 'PROCESSING', 'COMPLETED', 'DELETED', 'FAILED');--> statement-breakpoint
CREATE TABLE "video_channels" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"state" "video_channel_state" NOT NULL,
	"appless" boolean DEFAULT false NOT NULL,
	"recorded" boolean DEFAULT false NOT NULL,
	"with_email" boolean DEFAULT false NOT NULL,
	"appointment_id" uuid,
	"appointment_start" timestamp with time zone,
	"appointment_duration" integer,
	"note" text,
	"max_participants" integer,
	"messaging_channel_id" uuid,
	"subject_id" uuid,
	"encounter_id" uuid,
	"service_type_id" uuid,
	"encounter_note" text,
	"finalized_at" timestamp with time zone,
	"reminder_timer_started_at" timestamp with time zone,
	"created_by" varchar(255),
	"terminated_at" timestamp with time zone,
	"duration" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "video_channels_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "video_compositions" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"video_channel_id" uuid NOT NULL,
	"status" "video_composition_status" DEFAULT 'ENQUEUED' NOT NULL,
	"processing_pct" integer DEFAULT 0 NOT NULL,
	"size" integer,
	"duration" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "video_compositions_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "video_participants" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"video_channel_id" uuid NOT NULL,
	"individual_id" uuid NOT NULL,
	"first_name" varchar(255),
	"last_name" varchar(255),
	"account_type" varchar(64),
	"audio_state" "video_audio_state" DEFAULT 'UNMUTED' NOT NULL,
	"disconnected" boolean DEFAULT false NOT NULL,
	"connected_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"note" text,
	"encounter_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_by" varchar(255),
	CONSTRAINT "video_participants_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "video_channels" ADD CONSTRAINT "video_channels_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_compositions" ADD CONSTRAINT "video_compositions_organization_id_video_channel_id_video_channels_organization_id_id_fk" FOREIGN KEY ("organization_id","video_channel_id") REFERENCES "public"."video_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_participants" ADD CONSTRAINT "video_participants_organization_id_video_channel_id_video_channels_organization_id_id_fk" FOREIGN KEY ("organization_id","video_channel_id") REFERENCES "public"."video_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "video_channels_subject_idx" ON "video_channels" USING btree ("organization_id","subject_id","id");--> statement-breakpoint
CREATE INDEX "video_compositions_channel_idx" ON "video_compositions" USING btree ("organization_id","video_channel_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "video_participants_channel_individual_unique" ON "video_participants" USING btree ("organization_id","video_channel_id","individual_id");--> statement-breakpoint
CREATE INDEX "video_participants_individual_idx" ON "video_participants" USING btree ("organization_id","individual_id","video_channel_id");