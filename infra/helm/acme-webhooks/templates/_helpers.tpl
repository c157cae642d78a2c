{{- define "acme-webhooks.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "acme-webhooks.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one role: api or worker. */}}
{{- define "acme-webhooks.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{- define "acme-webhooks.secretName" -}}
{{- default (printf "%s-secrets" (include "acme-webhooks.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{- define "acme-webhooks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "acme-webhooks.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "acme-webhooks.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The gateway's settings, inline in every pod (no ConfigMap): a changed value rolls the pods, and the
pre-install migration hook, which runs before any release resource exists, sees the same values.
*/}}
{{- define "acme-webhooks.env" -}}
- name: NODE_ENV
  value: production
- name: HOST
  value: 0.0.0.0
- name: PORT
  value: {{ .Values.api.port | quote }}
- name: WORKER_METRICS_PORT
  value: {{ .Values.worker.metricsPort | quote }}
- name: MIGRATE_ON_START
  value: {{ (not .Values.migration.enabled) | quote }}
- name: TEMPORAL_ADDRESS
  value: {{ required "temporal.address is required (host:port of the Temporal frontend)" .Values.temporal.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ .Values.temporal.namespace | quote }}
- name: TEMPORAL_TASK_QUEUE
  value: {{ .Values.temporal.taskQueue | quote }}
{{- if .Values.temporal.tls.enabled }}
- name: TEMPORAL_TLS
  value: "true"
{{- end }}
{{- if .Values.temporal.tls.existingSecret }}
- name: TEMPORAL_TLS_CERT
  value: /etc/temporal-tls/tls.crt
- name: TEMPORAL_TLS_KEY
  value: /etc/temporal-tls/tls.key
{{- end }}
{{- if .Values.temporal.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ .Values.temporal.tls.serverName | quote }}
{{- end }}
- name: LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: RETENTION_DAYS
  value: {{ .Values.config.retentionDays | quote }}
- name: DELIVERY_RETRY_SCHEDULE
  value: {{ .Values.config.deliveryRetrySchedule | quote }}
- name: PRIVATE_DESTINATIONS_ALLOWED
  value: {{ .Values.config.privateDestinationsAllowed | quote }}
- name: DISPATCHER_LEASE_MS
  value: {{ .Values.config.dispatcherLeaseMs | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ .Values.config.shutdownTimeoutMs | int | quote }}
{{- if .Values.tracing.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.tracing.otlpEndpoint | quote }}
- name: OTEL_EXPORTER_OTLP_PROTOCOL
  value: {{ .Values.tracing.protocol | quote }}
{{- with .Values.tracing.sampler }}
- name: OTEL_TRACES_SAMPLER
  value: {{ . | quote }}
{{- end }}
{{- with .Values.tracing.samplerArg }}
- name: OTEL_TRACES_SAMPLER_ARG
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "acme-webhooks.envFrom" -}}
- secretRef:
    name: {{ include "acme-webhooks.secretName" . }}
{{- end -}}

{{/* Writable /tmp on a read-only root filesystem, and the Temporal client certificates when given. */}}
{{- define "acme-webhooks.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  secret:
    secretName: {{ .Values.temporal.tls.existingSecret }}
{{- end }}
{{- end -}}

{{- define "acme-webhooks.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- if .Values.temporal.tls.existingSecret }}
- name: temporal-tls
  mountPath: /etc/temporal-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/*
terminationGracePeriodSeconds: the shutdown timeout (rounded up), plus the time before SIGTERM (a
preStop pause) and 10 s for closing pools and flushing spans; the process exits by itself within 5 s of it.
*/}}
{{- define "acme-webhooks.terminationGracePeriodSeconds" -}}
{{- $timeoutMs := .root.Values.config.shutdownTimeoutMs | int -}}
{{- if lt $timeoutMs 100 -}}{{- fail "config.shutdownTimeoutMs must be at least 100 (milliseconds)" -}}{{- end -}}
{{- add (div (add $timeoutMs 999) 1000) (.preStop | default 0 | int) 10 -}}
{{- end -}}
