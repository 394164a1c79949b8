{{/*
Names, labels and the pieces every service shares. Convention (deploy/tests reads it):
inside "autotelesale.workload" and the defines it calls, `$svc` is the values block of one
service (`.Values.campaign`, `.Values.agent`, ...), so `$svc.replicas` means each
service's `replicas`.
*/}}

{{- define "autotelesale.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "autotelesale.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/* The app (image, dist/apps/<app>) of each values block. */}}
{{- define "autotelesale.app" -}}
{{- get (dict "campaign" "campaign-service" "agent" "agent-service" "reporting" "reporting-service" "dialer" "dialer-service" "gateway" "gateway") . }}
{{- end }}

{{- define "autotelesale.componentName" -}}
{{- printf "%s-%s" (include "autotelesale.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "autotelesale.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "autotelesale.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: autotelesale
{{- end }}

{{- define "autotelesale.selectorLabels" -}}
app.kubernetes.io/name: {{ include "autotelesale.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "autotelesale.image" -}}
{{- $image := .root.Values.image -}}
{{- printf "%s/%s/%s:%s" $image.registry $image.repository (include "autotelesale.app" .name) (default .root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/* Secret names: the operator's existing Secret, else the one this chart creates. */}}
{{- define "autotelesale.postgresqlSecret" -}}
{{- default (printf "%s-postgresql" (include "autotelesale.fullname" .)) .Values.postgresql.existingSecret }}
{{- end }}

{{- define "autotelesale.gatewaySecret" -}}
{{- default (printf "%s-gateway" (include "autotelesale.fullname" .)) .Values.gateway.auth.existingSecret }}
{{- end }}

{{- define "autotelesale.eslSecret" -}}
{{- default (printf "%s-esl" (include "autotelesale.fullname" .)) .Values.freeswitch.esl.existingSecret }}
{{- end }}

{{- define "autotelesale.databaseUrlEnv" -}}
- name: ATS_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "autotelesale.postgresqlSecret" . }}
      key: {{ .Values.postgresql.urlKey }}
- name: ATS_DB_PREPARED_STATEMENTS
  value: {{ ternary "on" "off" (ne .Values.postgresql.preparedStatements false) | quote }}
{{- end }}

{{/* Environment every service reads (libs/service-kit/src/service-config.ts). */}}
{{- define "autotelesale.commonEnv" -}}
{{- $svc := index .root.Values .name -}}
- name: ATS_NATS_URL
  value: {{ .root.Values.nats.url | quote }}
- name: ATS_NAMESPACE
  value: {{ .root.Values.natsNamespace | quote }}
- name: ATS_HTTP_HOST
  value: "0.0.0.0"
- name: ATS_HTTP_PORT
  value: {{ $svc.httpPort | quote }}
- name: ATS_MIGRATE_ON_START
  value: "false"
- name: ATS_INSTANCE_ID
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
{{- with .root.Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $name, $value := .root.Values.telemetry.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/*
ATS_FS_NODES ("id=host:port:password,..."): each node's ESL password comes from the ESL
Secret into ESL_PASSWORD_<n>, and Kubernetes expands $(ESL_PASSWORD_<n>) in the list, so
no password is written in a manifest.
*/}}
{{- define "autotelesale.fsNodesEnv" -}}
{{- $esl := .Values.freeswitch.esl -}}
{{- $ids := dict -}}
{{- $entries := list -}}
{{- range $i, $node := .Values.freeswitch.nodes }}
{{- if hasKey $ids $node.id }}
{{- fail (printf "freeswitch.nodes: id %s is given twice" $node.id) }}
{{- end }}
{{- $_ := set $ids $node.id true }}
- name: ESL_PASSWORD_{{ $i }}
  valueFrom:
    secretKeyRef:
      name: {{ include "autotelesale.eslSecret" $ }}
      key: {{ default $esl.passwordKey (get $node "passwordKey") }}
{{- $entries = append $entries (printf "%s=%s:%d:$(ESL_PASSWORD_%d)" $node.id $node.host (int $node.port) $i) }}
{{- end }}
- name: ATS_FS_NODES
  value: {{ join "," $entries | quote }}
{{- end }}
