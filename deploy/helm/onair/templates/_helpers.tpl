{{/* Labels of the umbrella's own resources (the subcharts label theirs). */}}
{{- define "onair.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/part-of: onair
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Topics as "name:partitions,…" (KAFKA_TOPICS), sorted, after checking the two topics whose partitions a
service setting also decides: a topic created with other partitions than its service assumes
would silently misplace chat rooms or under-use fan-out pods.
*/}}
{{- define "onair.topicList" -}}
{{- $topics := .Values.kafkaTopics.topics -}}
{{- range $topic, $setting := dict "chat.messages.v1" (list "chat" "chatPartitions") "notifications.fanout.v1" (list "notifications" "fanoutPartitions") -}}
{{- $svc := index $.Values (index $setting 0) | default dict -}}
{{- $want := (($svc.config | default dict) | dig (index $setting 1) nil) -}}
{{- if and $want (hasKey $topics $topic) (ne (int $want) (int (index $topics $topic))) -}}
{{- fail (printf "kafkaTopics.topics[%q] is %v but %s.config.%s is %v: they must be equal" $topic (index $topics $topic) (index $setting 0) (index $setting 1) $want) -}}
{{- end -}}
{{- end -}}
{{- $entries := list -}}
{{- range $name := keys $topics | sortAlpha -}}
{{- $entries = append $entries (printf "%s:%v" $name (index $topics $name)) -}}
{{- end -}}
{{- join "," $entries -}}
{{- end }}
