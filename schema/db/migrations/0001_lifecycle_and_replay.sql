ALTER TABLE "deliveries" ADD COLUMN "schedule_base" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "endpoints" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "deliveries_dead_letters_idx" ON "deliveries" USING btree ("tenant_id","id") WHERE status = 'DEAD_LETTERED';