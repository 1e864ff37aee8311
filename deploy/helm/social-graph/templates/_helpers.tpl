{{/*
Names and labels. Template names carry the chart name because Helm shares them across all
charts of a release (umbrella charts); a copied chart renames the "social-graph." prefix.
*/}}

{{/* Name of the chart, or nameOverride. */}}
{{- define "social-graph.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's resources; DNS names are at most 63 characters. */}}
{{- define "social-graph.fullname" -}}
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

{{- define "social-graph.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: must never change after the first install (selectors are immutable). */}}
{{- define "social-graph.selectorLabels" -}}
app.kubernetes.io/name: {{ include "social-graph.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "social-graph.labels" -}}
helm.sh/chart: {{ include "social-graph.chart" . }}
{{ include "social-graph.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: onair
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "social-graph.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "social-graph.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The Secret holding this service's internal certificate (mutual TLS between services,
libs/service-tls): the gRPC API takes mutual TLS only, so there is no default.
*/}}
{{- define "social-graph.internalTlsSecretName" -}}
{{- required "internalTls.secretName is required: social-graph serves its gRPC API over mutual TLS only. Name a kubernetes.io/tls Secret with ca.crt, tls.crt and tls.key whose certificate has CN and DNS SAN \"social-graph\" (e.g. a cert-manager Certificate from the internal CA's Issuer): --set internalTls.secretName=social-graph-tls" .Values.internalTls.secretName }}
{{- end }}

{{/* KAFKA_BROKERS: the umbrella chart's global.kafka.brokers (a string or a list) when set, else
config.kafkaBrokers. A chart installed alone may have no `global` at all. */}}
{{- define "social-graph.kafkaBrokers" -}}
{{- $brokers := ((.Values.global | default dict).kafka | default dict).brokers }}
{{- if kindIs "slice" $brokers }}{{ $brokers = join "," $brokers }}{{ end }}
{{- $brokers | default .Values.config.kafkaBrokers }}
{{- end }}
