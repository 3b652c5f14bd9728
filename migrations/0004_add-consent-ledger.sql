CREATE TYPE "public"."communication_type" AS ENUM('SMS', 'VOICE', 'EMAIL');--> statement-breakpoint
CREATE TYPE "public"."consent_effect" AS ENUM('OPT_OUT', 'OPT_IN', 'CREATED', 'NONE');--> statement-breakpoint
CREATE TYPE "public"."consent_source" AS ENUM('keyword', 'api', 'agent', 'web', 'provider');--> statement-breakpoint
CREATE TYPE "public"."opt_out_event_type" AS ENUM('STOP_MESSAGE_RECEIVED', 'STOP_SUSPECTED_MESSAGE_RECEIVED', 'OPTIN_MESSAGE_RECEIVED', 'OPTIN_TEXT_CONSENT_VIA_MESSAGE_RECEIVED', 'GENERIC_MESSAGE_RECEIVED', 'USER_REQUESTED_SEND_OPTIN_REQUEST', 'USER_REQUESTED_OPT_OUT', 'COMMUNICATION_VALUE_CREATION', 'COMMUNICATION_STATUS_NOT_FOUND', 'DOUBLE_OPTIN_ROLLOUT', 'DOUBLE_OPTIN_ROLLBACK');--> statement-breakpoint
CREATE TYPE "public"."opt_out_update_type" AS ENUM('MESSAGE', 'CUSTOMER', 'DEPLOYMENT');--> statement-breakpoint
CREATE TABLE "consent_events" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"department_id" uuid,
	"event_type" "opt_out_event_type" NOT NULL,
	"update_type" "opt_out_update_type" NOT NULL,
	"channel" "communication_type",
	"contact" varchar(255),
	"raw_value" varchar(255),
	"ok_to_communicate" boolean,
	"effect" "consent_effect" NOT NULL,
	"previous_opted_out" boolean,
	"new_opted_out" boolean,
	"source" "consent_source" NOT NULL,
	"actor_user_id" varchar(255),
	"api_call_source" varchar(255),
	"customer_id" varchar(255),
	"message_id" varchar(255),
	"inbound_text" text,
	"warnings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"idempotency_key" varchar(600),
	CONSTRAINT "consent_events_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "pending_opt_ins" (
	"organization_id" uuid NOT NULL,
	"contact" varchar(255) NOT NULL,
	"channel" "communication_type" NOT NULL,
	"reason" varchar(32) NOT NULL,
	"event_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pending_opt_ins_organization_id_contact_channel_pk" PRIMARY KEY("organization_id","contact","channel")
);
--> statement-breakpoint
CREATE TABLE "queued_opt_out_requests" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"request" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"applied_at" timestamp with time zone,
	"claimed_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queued_opt_out_requests_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_opt_ins" ADD CONSTRAINT "pending_opt_ins_organization_id_event_id_consent_events_organization_id_id_fk" FOREIGN KEY ("organization_id","event_id") REFERENCES "public"."consent_events"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queued_opt_out_requests" ADD CONSTRAINT "queued_opt_out_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_events_idempotency_unique" ON "consent_events" USING btree ("organization_id","idempotency_key") WHERE "consent_events"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "consent_events_contact_idx" ON "consent_events" USING btree ("organization_id","contact","channel","effective_at");--> statement-breakpoint
CREATE INDEX "queued_opt_out_requests_due_idx" ON "queued_opt_out_requests" USING btree ("created_at") WHERE "queued_opt_out_requests"."applied_at" is null;