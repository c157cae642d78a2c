ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "endpoint_secrets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "endpoints" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "event_types" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "operational_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "deliveries_endpoint_created_idx" ON "deliveries" USING btree ("endpoint_id","created_at");--> statement-breakpoint
CREATE INDEX "delivery_attempts_tenant_started_idx" ON "delivery_attempts" USING btree ("tenant_id","started_at");--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "api_keys" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "audit_log" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "deliveries" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "delivery_attempts" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "endpoint_secrets" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "endpoints" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "event_types" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "events" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "operational_events" AS PERMISSIVE FOR ALL TO "acme_app" USING ("tenant_id" = current_setting('acme.tenant_id', true)) WITH CHECK ("tenant_id" = current_setting('acme.tenant_id', true));--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "tenants" AS PERMISSIVE FOR ALL TO "acme_app" USING ("id" = current_setting('acme.tenant_id', true)) WITH CHECK ("id" = current_setting('acme.tenant_id', true));