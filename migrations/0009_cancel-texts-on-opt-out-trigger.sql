-- A number's opt-out cancels its unsent texts, in the transaction (and the statement) that writes
-- the opt-out: every path that opts a number out of texts ends in a write of its
-- contact_preferences row (the consent ledger's batch statement, its locked transaction, inbound
-- keywords, the provider's 21610 refusal, an admin's edit), so the database does it once for all
-- of them, and the consent module never touches the texts table. Row-level with a WHEN clause:
-- only a write that turns do_not_text on runs the function; every other preference write costs
-- nothing more.
--
-- Cancels the number's ACCEPTED texts but consent confirmations (CONSENT.md: they go even to a
-- number that just opted out), with the reason TextRepository's dispatch check also writes
-- (CANCELED_FOR_OPT_OUT). A text the dispatcher holds (claimed, under its lease) or has locked is
-- skipped, so this never waits on a text lock while holding the preference's (the dispatcher takes
-- them in the other order): the dispatcher's check just before the provider call reads the
-- preference after this commits and cancels that text itself.
CREATE FUNCTION "texts_cancel_on_opt_out"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "texts" AS t
     SET "status" = 'CANCELED',
         "error" = 'OPTED_OUT: the recipient opted out before the text was sent',
         "claimed_until" = NULL,
         "last_modified_at" = now()
   WHERE (t."organization_id", t."id") IN (
     SELECT u."organization_id", u."id" FROM "texts" AS u
      WHERE u."organization_id" = NEW."organization_id" AND u."target" = NEW."contact"
        AND u."status" = 'ACCEPTED' AND u."purpose" <> 'CONSENT_CONFIRMATION'
        AND (u."claimed_until" IS NULL OR u."claimed_until" < now())
      FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "contact_preferences_opted_out_of_texts" AFTER INSERT ON "contact_preferences"
  FOR EACH ROW WHEN (NEW."do_not_text")
  EXECUTE FUNCTION "texts_cancel_on_opt_out"();
--> statement-breakpoint
CREATE TRIGGER "contact_preferences_opting_out_of_texts" AFTER UPDATE OF "do_not_text" ON "contact_preferences"
  FOR EACH ROW WHEN (NEW."do_not_text" AND NOT OLD."do_not_text")
  EXECUTE FUNCTION "texts_cancel_on_opt_out"();
