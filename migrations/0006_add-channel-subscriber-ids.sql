ALTER TABLE "channels" ADD COLUMN "subscriber_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
-- channels.subscriber_ids follows channel_subscribers: after each statement that inserts or
-- deletes subscriptions, every channel it touched is recounted from its rows. The channel rows
-- are locked first (in key order; FOR NO KEY UPDATE, which the foreign keys' KEY SHARE locks do
-- not conflict with), so concurrent changes to one channel's subscribers take turns, and each
-- recount, a statement of its own with its own snapshot, sees the rows of those that committed
-- before it. Nothing updates a subscription's channel, individual or created_at.
CREATE FUNCTION "channel_subscriber_ids_recount"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "channels" AS c
    WHERE (c."organization_id", c."id") IN (SELECT "organization_id", "channel_id" FROM "changed")
    ORDER BY c."organization_id", c."id"
    FOR NO KEY UPDATE;
  UPDATE "channels" AS c SET "subscriber_ids" = ARRAY(
      SELECT s."individual_id" FROM "channel_subscribers" AS s
      WHERE s."organization_id" = c."organization_id" AND s."channel_id" = c."id"
      ORDER BY s."created_at", s."individual_id")
    WHERE (c."organization_id", c."id") IN (SELECT "organization_id", "channel_id" FROM "changed");
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "channel_subscribers_inserted" AFTER INSERT ON "channel_subscribers"
  REFERENCING NEW TABLE AS "changed" FOR EACH STATEMENT
  EXECUTE FUNCTION "channel_subscriber_ids_recount"();
--> statement-breakpoint
CREATE TRIGGER "channel_subscribers_deleted" AFTER DELETE ON "channel_subscribers"
  REFERENCING OLD TABLE AS "changed" FOR EACH STATEMENT
  EXECUTE FUNCTION "channel_subscriber_ids_recount"();
--> statement-breakpoint
UPDATE "channels" AS c SET "subscriber_ids" = ARRAY(
    SELECT s."individual_id" FROM "channel_subscribers" AS s
    WHERE s."organization_id" = c."organization_id" AND s."channel_id" = c."id"
    ORDER BY s."created_at", s."individual_id");
