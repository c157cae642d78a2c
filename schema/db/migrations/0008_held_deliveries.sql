DROP INDEX "deliveries_dispatch_idx";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "held" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_held_idx" ON "deliveries" USING btree ("endpoint_id") WHERE status = 'PENDING' and held;--> statement-breakpoint
CREATE INDEX "deliveries_dispatch_idx" ON "deliveries" USING btree ("next_attempt_at") WHERE status = 'PENDING' and handler = 'DISPATCHER' and not held;