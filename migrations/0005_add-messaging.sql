CREATE TYPE "public"."reaction_type" AS ENUM('DISLIKE', 'LIKE', 'LOL', 'LOVE', 'SAD', 'WOW');--> statement-breakpoint
CREATE TABLE "individual_group_members" (
	"organization_id" uuid NOT NULL,
	"group_id" uuid NOT NULL,
	"individual_id" uuid NOT NULL,
	"leader" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "individual_group_members_organization_id_group_id_individual_id_pk" PRIMARY KEY("organization_id","group_id","individual_id")
);
--> statement-breakpoint
CREATE TABLE "individual_groups" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" varchar(255) NOT NULL,
	"parent_group_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "individual_groups_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "individuals" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"first_name" varchar(255),
	"last_name" varchar(255),
	"preferred_name" varchar(255),
	"birth_date" date,
	"account_type" varchar(64),
	"email" varchar(255),
	"phone_number" varchar(32),
	"time_zone" varchar(64),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "individuals_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "channel_subscribers" (
	"organization_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"individual_id" uuid NOT NULL,
	"admin" boolean DEFAULT false NOT NULL,
	"pinned" boolean DEFAULT false NOT NULL,
	"auto_sign_up" boolean DEFAULT false NOT NULL,
	"notify" boolean DEFAULT true NOT NULL,
	"horizon_message_id" uuid,
	"acknowledged_at" timestamp with time zone DEFAULT '1970-01-01T00:00:00.000Z' NOT NULL,
	"unread_count" integer DEFAULT 0 NOT NULL,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"bookmark_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channel_subscribers_organization_id_channel_id_individual_id_pk" PRIMARY KEY("organization_id","channel_id","individual_id")
);
--> statement-breakpoint
CREATE TABLE "channels" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" varchar(255),
	"label" varchar(255),
	"archived" boolean DEFAULT false NOT NULL,
	"floating" boolean DEFAULT false NOT NULL,
	"subscription_type" varchar(32) DEFAULT 'none' NOT NULL,
	"individual_group_id" uuid,
	"with_sms" boolean DEFAULT false NOT NULL,
	"event_settings_enabled" boolean DEFAULT false NOT NULL,
	"text_number_id" uuid,
	"created_by" uuid,
	"last_message_id" uuid,
	"last_message_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "channels_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "bulk_messages" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"body" text NOT NULL,
	"draft" boolean DEFAULT true NOT NULL,
	"auto_ack" boolean DEFAULT false NOT NULL,
	"auto_create_channel" boolean DEFAULT false NOT NULL,
	"individual_ids" uuid[] NOT NULL,
	"individual_group_ids" uuid[] NOT NULL,
	"created_by" uuid NOT NULL,
	"message_count" integer DEFAULT 0 NOT NULL,
	"posted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bulk_messages_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"organization_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"individual_id" uuid NOT NULL,
	"type" "reaction_type" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_reactions_organization_id_message_id_individual_id_type_pk" PRIMARY KEY("organization_id","message_id","individual_id","type")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"draft" boolean DEFAULT false NOT NULL,
	"removed" boolean DEFAULT false NOT NULL,
	"source" varchar(64),
	"user_type" varchar(64),
	"bulk_message_id" uuid,
	"posted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "individual_group_members" ADD CONSTRAINT "individual_group_members_organization_id_group_id_individual_groups_organization_id_id_fk" FOREIGN KEY ("organization_id","group_id") REFERENCES "public"."individual_groups"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "individual_group_members" ADD CONSTRAINT "individual_group_members_organization_id_individual_id_individuals_organization_id_id_fk" FOREIGN KEY ("organization_id","individual_id") REFERENCES "public"."individuals"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "individual_groups" ADD CONSTRAINT "individual_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "individual_groups" ADD CONSTRAINT "individual_groups_organization_id_parent_group_id_individual_groups_organization_id_id_fk" FOREIGN KEY ("organization_id","parent_group_id") REFERENCES "public"."individual_groups"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "individuals" ADD CONSTRAINT "individuals_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_subscribers" ADD CONSTRAINT "channel_subscribers_organization_id_channel_id_channels_organization_id_id_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_subscribers" ADD CONSTRAINT "channel_subscribers_organization_id_individual_id_individuals_organization_id_id_fk" FOREIGN KEY ("organization_id","individual_id") REFERENCES "public"."individuals"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channels" ADD CONSTRAINT "channels_organization_id_individual_group_id_individual_groups_organization_id_id_fk" FOREIGN KEY ("organization_id","individual_group_id") REFERENCES "public"."individual_groups"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bulk_messages" ADD CONSTRAINT "bulk_messages_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_organization_id_message_id_messages_organization_id_id_fk" FOREIGN KEY ("organization_id","message_id") REFERENCES "public"."messages"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_organization_id_channel_id_channels_organization_id_id_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "individual_group_members_individual_idx" ON "individual_group_members" USING btree ("organization_id","individual_id","group_id");--> statement-breakpoint
CREATE INDEX "individuals_phone_number_idx" ON "individuals" USING btree ("organization_id","phone_number");--> statement-breakpoint
CREATE INDEX "channel_subscribers_inbox_last_message_idx" ON "channel_subscribers" USING btree ("organization_id","individual_id","last_message_at","channel_id");--> statement-breakpoint
CREATE INDEX "channel_subscribers_inbox_unread_idx" ON "channel_subscribers" USING btree ("organization_id","individual_id","unread_count","channel_id");--> statement-breakpoint
CREATE INDEX "channel_subscribers_inbox_acknowledged_idx" ON "channel_subscribers" USING btree ("organization_id","individual_id","acknowledged_at","channel_id");--> statement-breakpoint
CREATE INDEX "channels_modified_idx" ON "channels" USING btree ("organization_id","last_modified_at","id");--> statement-breakpoint
CREATE INDEX "messages_channel_idx" ON "messages" USING btree ("organization_id","channel_id","id");--> statement-breakpoint
CREATE INDEX "messages_author_idx" ON "messages" USING btree ("organization_id","author_id","id");