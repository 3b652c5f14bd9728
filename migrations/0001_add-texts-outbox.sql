CREATE TYPE "public"."text_direction" AS ENUM('OUTBOUND', 'INBOUND');--> statement-breakpoint
CREATE TYPE "public"."text_purpose" AS ENUM('MESSAGE', 'MARKETING', 'CONSENT_CONFIRMATION', 'HELP_REPLY');--> statement-breakpoint
CREATE TYPE "public"."text_status" AS ENUM('ACCEPTED', 'QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'UNDELIVERED', 'FAILED', 'RECEIVED');--> statement-breakpoint
CREATE TABLE "text_accounts" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"phone_number" varchar(32),
	"allow_custom_number" boolean DEFAULT false NOT NULL,
	"provider_account_id" varchar(64),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "text_accounts_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "text_numbers" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"phone_number" varchar(32) NOT NULL,
	"capability_sms" boolean DEFAULT true NOT NULL,
	"capability_mms" boolean DEFAULT false NOT NULL,
	"capability_voice" boolean DEFAULT false NOT NULL,
	"forward_to" varchar(32),
	"notes" text,
	"logging" boolean DEFAULT false NOT NULL,
	"alert" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "text_numbers_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "text_user_number_maps" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"number_id" uuid NOT NULL,
	"user_id" varchar(255) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "text_user_number_maps_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "texts" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"number_id" uuid,
	"from_number" varchar(32),
	"target" varchar(32) NOT NULL,
	"message" text NOT NULL,
	"direction" text_direction NOT NULL,
	"purpose" text_purpose DEFAULT 'MESSAGE' NOT NULL,
	"status" text_status NOT NULL,
	"error" text,
	"provider_sid" varchar(64),
	"callback_url" text,
	"callback_status_url" text,
	"expected_responses" text[],
	"created_by" varchar(255),
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_modified_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "texts_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "text_accounts" ADD CONSTRAINT "text_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "text_numbers" ADD CONSTRAINT "text_numbers_organization_id_account_id_text_accounts_organization_id_id_fk" FOREIGN KEY ("organization_id","account_id") REFERENCES "public"."text_accounts"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "text_user_number_maps" ADD CONSTRAINT "text_user_number_maps_organization_id_number_id_text_numbers_organization_id_id_fk" FOREIGN KEY ("organization_id","number_id") REFERENCES "public"."text_numbers"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "texts" ADD CONSTRAINT "texts_organization_id_account_id_text_accounts_organization_id_id_fk" FOREIGN KEY ("organization_id","account_id") REFERENCES "public"."text_accounts"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "text_numbers_phone_number_unique" ON "text_numbers" USING btree ("organization_id","phone_number");--> statement-breakpoint
CREATE UNIQUE INDEX "text_user_number_maps_user_unique" ON "text_user_number_maps" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "texts_provider_sid_unique" ON "texts" USING btree ("organization_id","provider_sid") WHERE "texts"."provider_sid" is not null;--> statement-breakpoint
CREATE INDEX "texts_account_idx" ON "texts" USING btree ("organization_id","account_id","id");--> statement-breakpoint
CREATE INDEX "texts_outbox_idx" ON "texts" USING btree ("next_attempt_at") WHERE "texts"."status" = 'ACCEPTED';