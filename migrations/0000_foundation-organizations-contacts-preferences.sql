CREATE TYPE "public"."contact_type" AS ENUM('CUSTOM', 'QUEUE', 'USER');--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"default_region" char(2),
	"double_opt_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contacts" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"type" "contact_type" NOT NULL,
	"name" varchar(255) NOT NULL,
	"phone_number" varchar(32),
	"email" varchar(255),
	"user_name" varchar(255),
	"first_name" varchar(255),
	"last_name" varchar(255),
	"employee_id" varchar(255),
	"country" varchar(2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contacts_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "contact_preferences" (
	"organization_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"legacy_id" text,
	"nextgen_legacy_id" text,
	"contact" varchar(255) NOT NULL,
	"reason" text,
	"country" varchar(255),
	"do_not_text" boolean DEFAULT false NOT NULL,
	"do_not_call" boolean DEFAULT false NOT NULL,
	"do_not_email" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contact_preferences_organization_id_id_pk" PRIMARY KEY("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_phone_number_unique" ON "contacts" USING btree ("organization_id","phone_number") WHERE "contacts"."phone_number" is not null;--> statement-breakpoint
CREATE INDEX "contacts_email_idx" ON "contacts" USING btree ("organization_id","email");--> statement-breakpoint
CREATE INDEX "contacts_name_idx" ON "contacts" USING btree ("organization_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "contact_preferences_contact_unique" ON "contact_preferences" USING btree ("organization_id","contact");