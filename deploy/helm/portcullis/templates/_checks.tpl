{{/*
What values.schema.json cannot say, because it relates two values: checked once per render
(deployments.yaml includes it), each with a message naming the values to change.
*/}}
{{- define "portcullis.checks" -}}
{{- /* The gateway's drain (DRAIN_MS in apps/gateway/src/config.ts) and its
       last analytics flush must fit in the grace period after the preStop sleep, which counts
       against it. */ -}}
{{- $gateway := .Values.gateway -}}
{{- $needed := add $gateway.preStopSleepSeconds 15 -}}
{{- if lt (int $gateway.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "gateway.terminationGracePeriodSeconds (%v) must be at least gateway.preStopSleepSeconds + 15 = %v: the preStop sleep counts against it, then the gateway drains for up to 5 s and flushes its analytics" $gateway.terminationGracePeriodSeconds $needed) -}}
{{- end -}}
{{- range $component := list "registry" "auth" -}}
{{- $values := index $.Values $component -}}
{{- if lt (int $values.terminationGracePeriodSeconds) (int (add $values.preStopSleepSeconds 10)) -}}
{{- fail (printf "%s.terminationGracePeriodSeconds (%v) must be at least %s.preStopSleepSeconds + 10 = %v" $component $values.terminationGracePeriodSeconds $component (add $values.preStopSleepSeconds 10)) -}}
{{- end -}}
{{- end -}}
{{- if and $gateway.autoscaling.enabled (gt (int $gateway.autoscaling.minReplicas) (int $gateway.autoscaling.maxReplicas)) -}}
{{- fail (printf "gateway.autoscaling.minReplicas (%v) is more than gateway.autoscaling.maxReplicas (%v)" $gateway.autoscaling.minReplicas $gateway.autoscaling.maxReplicas) -}}
{{- end -}}
{{- end -}}
