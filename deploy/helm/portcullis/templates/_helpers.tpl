{{/*
Names and labels. Every object is "<release>-portcullis-<component>" unless the release name
already holds the chart's name.
*/}}
{{- define "portcullis.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "portcullis.componentName" -}}
{{- printf "%s-%s" (include "portcullis.fullname" .root) .component -}}
{{- end -}}

{{- define "portcullis.secretName" -}}
{{- default (include "portcullis.fullname" .) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "portcullis.labels" -}}
{{ include "portcullis.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels of objects that belong to the release as a whole (the Secret). */}}
{{- define "portcullis.releaseLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* An env entry read from the release's Secret; optional ones are left unset when the key is absent. */}}
{{- define "portcullis.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "portcullis.secretName" .root }}
      key: {{ .name }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/*
Each service's environment: the variables docker-compose.yml gives it (e2e/k8s.e2e.test.ts checks
the two against each other and against the service's config schema), the NATS and public URLs from
the values, the secrets from the Secret, then extraEnv.
*/}}
{{- define "portcullis.env.common" -}}
{{- if .Values.nats.urlFromSecret }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "NATS_URL") }}
{{- else }}
- name: NATS_URL
  value: {{ .Values.nats.url | quote }}
{{- end }}
- name: NATS_SUBJECT_PREFIX
  value: {{ .Values.nats.subjectPrefix | quote }}
- name: HOST
  value: "0.0.0.0"
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "ADMIN_SECRET") }}
{{- end -}}

{{- define "portcullis.env.registry" -}}
{{ include "portcullis.env.common" . }}
- name: NATS_STREAM_REPLICAS
  value: {{ .Values.nats.streamReplicas | quote }}
- name: REGISTRY_PORT
  value: {{ .Values.registry.port | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "DATABASE_URL") }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "CERTIFICATE_ENCRYPTION_SECRET" "optional" true) }}
- name: PORTAL_PUBLIC_URL
  value: {{ .Values.publicUrls.registry | quote }}
- name: GATEWAY_PUBLIC_URL
  value: {{ .Values.publicUrls.gateway | quote }}
- name: AUTH_PUBLIC_URL
  value: {{ .Values.publicUrls.auth | quote }}
- name: PORTAL_REQUIRE_APPROVAL
  value: {{ .Values.registry.portalRequireApproval | quote }}
- name: PORTAL_OIDC_ISSUER
  value: {{ .Values.registry.portalOidc.issuer | quote }}
- name: PORTAL_OIDC_CLIENT_ID
  value: {{ .Values.registry.portalOidc.clientId | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "PORTAL_OIDC_CLIENT_SECRET" "optional" true) }}
- name: PORTAL_OIDC_NAME
  value: {{ .Values.registry.portalOidc.name | quote }}
- name: PORTAL_PASSWORD_LOGIN
  value: {{ .Values.registry.portalPasswordLogin | quote }}
- name: CONSOLE_OIDC_ISSUER
  value: {{ .Values.registry.consoleOidc.issuer | quote }}
- name: CONSOLE_OIDC_CLIENT_ID
  value: {{ .Values.registry.consoleOidc.clientId | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "CONSOLE_OIDC_CLIENT_SECRET" "optional" true) }}
- name: CONSOLE_OIDC_NAME
  value: {{ .Values.registry.consoleOidc.name | quote }}
- name: CONSOLE_OIDC_OPERATORS
  value: {{ join "," .Values.registry.consoleOidc.operators | quote }}
{{- end -}}

{{- define "portcullis.env.auth" -}}
{{ include "portcullis.env.common" . }}
- name: AUTH_PORT
  value: {{ .Values.auth.port | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "DATABASE_URL") }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "KEY_ENCRYPTION_SECRET" "optional" true) }}
- name: AUTH_ISSUER
  value: {{ default .Values.publicUrls.auth .Values.auth.issuer | quote }}
{{- end -}}

{{- define "portcullis.env.gateway" -}}
{{ include "portcullis.env.common" . }}
- name: NATS_STREAM_REPLICAS
  value: {{ .Values.nats.streamReplicas | quote }}
- name: GATEWAY_PORT
  value: {{ .Values.gateway.port | quote }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "CERTIFICATE_ENCRYPTION_SECRET" "optional" true) }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "REDIS_URL" "optional" true) }}
{{ include "portcullis.secretEnv" (dict "root" . "name" "OTEL_EXPORTER_OTLP_HEADERS" "optional" true) }}
- name: AUTH_PUBLIC_URL
  value: {{ .Values.publicUrls.auth | quote }}
{{- end -}}
