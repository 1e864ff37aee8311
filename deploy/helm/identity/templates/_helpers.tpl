{{/*
Names and labels. Template names carry the chart name because Helm shares them across all
charts of a release (umbrella charts); a copied chart renames the "identity." prefix.
*/}}

{{/* Name of the chart, or nameOverride. */}}
{{- define "identity.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources; DNS names are at most 63 characters. */}}
{{- define "identity.fullname" -}}
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

{{- define "identity.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: must never change after the first install (selectors are immutable). */}}
{{- define "identity.selectorLabels" -}}
app.kubernetes.io/name: {{ include "identity.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "identity.labels" -}}
helm.sh/chart: {{ include "identity.chart" . }}
{{ include "identity.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: onair
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "identity.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "identity.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* KAFKA_BROKERS: the umbrella chart's global.kafka.brokers (a string or a list) when set, else
config.kafkaBrokers. A chart installed alone may have no `global` at all. */}}
{{- define "identity.kafkaBrokers" -}}
{{- $brokers := ((.Values.global | default dict).kafka | default dict).brokers }}
{{- if kindIs "slice" $brokers }}{{ $brokers = join "," $brokers }}{{ end }}
{{- $brokers | default .Values.config.kafkaBrokers }}
{{- end }}
