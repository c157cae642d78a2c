CREATE TYPE "public"."delivery_cancel_reason" AS ENUM('PAYLOAD_EXPUNGED', 'ENDPOINT_DISABLED', 'ENDPOINT_DELETED');--> statement-breakpoint
CREATE TABLE "data_migrations" (
	"name" text PRIMARY KEY NOT NULL,
	"applied_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "delivery_attempts" ALTER COLUMN "url" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "cancel_reason" "delivery_cancel_reason";