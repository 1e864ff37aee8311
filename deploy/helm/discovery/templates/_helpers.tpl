{{/*
Names and labels. Template names carry the chart name because Helm shares them across all
charts of a release (umbrella charts); a copied chart renames the "discovery." prefix.
*/}}

{{/* Name of the chart, or nameOverride. */}}
{{- define "discovery.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources; DNS names are at most 63 characters. */}}
{{- define "discovery.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "discovery.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: must never change after the first install (selectors are immutable). */}}
{{- define "discovery.selectorLabels" -}}
app.kubernetes.io/name: {{ include "discovery.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "discovery.labels" -}}
helm.sh/chart: {{ include "discovery.chart" . }}
{{ include "discovery.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: onair
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "discovery.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "discovery.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The most pods the release runs: the HPA's maximum, or replicaCount without the HPA. */}}
{{- define "discovery.mostPods" -}}
{{- if .Values.autoscaling.enabled }}{{ int .Values.autoscaling.maxReplicas }}{{ else }}{{ int .Values.replicaCount }}{{ end }}
{{- end }}

{{/*
The Secret holding this service's internal certificate (mutual TLS between services,
libs/service-tls): social-graph's and stream-sessions' gRPC APIs take mutual TLS only, so there
is no default.
*/}}
{{- define "discovery.internalTlsSecretName" -}}
{{- required "internalTls.secretName is required: discovery calls social-graph's and stream-sessions' gRPC APIs over mutual TLS only. Name a kubernetes.io/tls Secret with ca.crt, tls.crt and tls.key whose certificate has CN and DNS SAN \"discovery\" (e.g. a cert-manager Certificate from the internal CA's Issuer): --set internalTls.secretName=discovery-tls" .Values.internalTls.secretName }}
{{- end }}

{{/* KAFKA_BROKERS: the umbrella chart's global.kafka.brokers (a string or a list) when set, else
config.kafkaBrokers. A chart installed alone may have no `global` at all. */}}
{{- define "discovery.kafkaBrokers" -}}
{{- $brokers := ((.Values.global | default dict).kafka | default dict).brokers }}
{{- if kindIs "slice" $brokers }}{{ $brokers = join "," $brokers }}{{ end }}
{{- $brokers | default .Values.config.kafkaBrokers }}
{{- end }}

{{/* Elasticsearch from the umbrella chart's global.elasticsearch when set (urlSecret over url),
else config.elasticsearchUrlSecret over config.elasticsearchUrl. The Secret reference, or "". */}}
{{- define "discovery.elasticsearchUrlSecret" -}}
{{- $es := (.Values.global | default dict).elasticsearch | default dict }}
{{- if $es.urlSecret }}{{ toJson $es.urlSecret }}
{{- else if and (not $es.url) .Values.config.elasticsearchUrlSecret }}{{ toJson .Values.config.elasticsearchUrlSecret }}
{{- end }}
{{- end }}

{{/* The plain URL (used only when discovery.elasticsearchUrlSecret is empty). */}}
{{- define "discovery.elasticsearchUrl" -}}
{{- $es := (.Values.global | default dict).elasticsearch | default dict }}
{{- $es.url | default .Values.config.elasticsearchUrl }}
{{- end }}
