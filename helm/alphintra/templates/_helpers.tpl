{{/* Base name of every object. */}}
{{- define "alphintra.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 30 | trimSuffix "-" -}}
{{- end -}}

{{/* The eight services that own a database (the gateway has none). */}}
{{- define "alphintra.services" -}}
auth user strategy trading risk broker nocode notification
{{- end -}}

{{- define "alphintra.serviceList" -}}
{{- include "alphintra.services" . | splitList " " | toJson -}}
{{- end -}}

{{/*
Service-to-service HTTP calls besides the gateway's upstreams and everyone's JWKS and
revocation feed at auth: caller -> the services it calls, each at <CALLEE>_URL (the
variable the caller's env.ts reads). The ConfigMaps and the NetworkPolicies are both made
from this map; tools/k8s/wiring.spec.ts checks it against the apps' env schemas (ADR 0021).
*/}}
{{- define "alphintra.calls" -}}
user: [strategy]
nocode: [strategy]
strategy: [nocode]
{{- end -}}

{{/* Apps allowed to call a service over HTTP, as a JSON list. Call with (dict "root" $ "name" "strategy"). */}}
{{- define "alphintra.callersOf" -}}
{{- $callers := list "gateway" -}}
{{- $calls := include "alphintra.calls" .root | fromYaml -}}
{{- range $caller := include "alphintra.serviceList" .root | fromJsonArray -}}
{{- if and (ne $caller $.name) (or (eq $.name "auth") (has $.name (get $calls $caller | default (list)))) -}}
{{- $callers = append $callers $caller -}}
{{- end -}}
{{- end -}}
{{- $callers | toJson -}}
{{- end -}}

{{/* Apps a pod of app .name calls over HTTP, as a JSON list (auth calls itself on loopback). */}}
{{- define "alphintra.calleesOf" -}}
{{- if eq .name "gateway" -}}
{{- include "alphintra.serviceList" .root -}}
{{- else -}}
{{- $callees := list -}}
{{- if ne .name "auth" }}{{ $callees = append $callees "auth" }}{{ end -}}
{{- $calls := include "alphintra.calls" .root | fromYaml -}}
{{- concat $callees (get $calls .name | default (list)) | toJson -}}
{{- end -}}
{{- end -}}

{{/* In-cluster base URL of a service. Call with (dict "root" $ "svc" "strategy"). */}}
{{- define "alphintra.serviceUrl" -}}
{{- printf "http://%s-%s:%d" (include "alphintra.fullname" .root) .svc (int (index .root.Values.apps .svc).port) -}}
{{- end -}}

{{- define "alphintra.isHelm" -}}
{{- if eq .Values.renderTarget "helm" -}}true{{- end -}}
{{- end -}}

{{/* Common labels. Call with (dict "root" $ "component" "trading"). */}}
{{- define "alphintra.labels" -}}
{{ include "alphintra.selectorLabels" . }}
app.kubernetes.io/part-of: alphintra
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{- if include "alphintra.isHelm" .root }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- else }}
app.kubernetes.io/managed-by: kustomize
{{- end }}
{{- end -}}

{{- define "alphintra.selectorLabels" -}}
app.kubernetes.io/name: alphintra
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
Helm hook annotations (nothing when rendering for kustomize).
Call with (dict "root" $ "phase" "pre-install,pre-upgrade" "weight" -10).
*/}}
{{- define "alphintra.hook" -}}
{{- if include "alphintra.isHelm" .root -}}
helm.sh/hook: {{ .phase }}
helm.sh/hook-weight: {{ .weight | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end }}
{{- end -}}

{{/*
Hook phase of a Job that needs PostgreSQL (or Kafka): an in-cluster server only exists
after the release's resources are created, so on install such Jobs run post-install.
*/}}
{{- define "alphintra.hookPhase" -}}
{{- if eq . "internal" -}}post-install,pre-upgrade{{- else -}}pre-install,pre-upgrade{{- end -}}
{{- end -}}

{{/* App values: defaults merged with apps.<name>. Call with (dict "root" $ "name" "trading"). */}}
{{- define "alphintra.appValues" -}}
{{- mustMergeOverwrite (deepCopy .root.Values.defaults) (deepCopy (index .root.Values.apps .name)) | toJson -}}
{{- end -}}

{{- define "alphintra.image" -}}
{{- $repo := .image.repository -}}
{{- with .root.Values.image.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" .) $repo }}{{ end -}}
{{- printf "%s:%s" $repo (.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}

{{- define "alphintra.thirdPartyImage" -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}

{{/* Database of a service for the topology. Call with (dict "root" $ "svc" "trading"). */}}
{{- define "alphintra.dbName" -}}
{{- $t := .root.Values.postgresql.topology -}}
{{- if eq $t "separate" -}}
alphintra_{{ .svc }}
{{- else if eq $t "schemas" -}}
alphintra_central
{{- else -}}
{{- $domains := dict "trading" "financial" "risk" "financial" "strategy" "financial" "user" "platform" "auth" "platform" "notification" "platform" "nocode" "workflow" "broker" "workflow" -}}
alphintra_{{ index $domains .svc }}
{{- end -}}
{{- end -}}

{{- define "alphintra.pgDefaultHost" -}}
{{- if eq .Values.postgresql.mode "internal" -}}
{{ include "alphintra.fullname" . }}-postgresql
{{- else -}}
{{ required "postgresql.external.host is required when postgresql.mode=external" .Values.postgresql.external.host }}
{{- end -}}
{{- end -}}

{{- define "alphintra.pgDefaultPort" -}}
{{- if eq .Values.postgresql.mode "internal" -}}5432{{- else -}}{{ .Values.postgresql.external.port | int }}{{- end -}}
{{- end -}}

{{/* Call with (dict "root" $ "app" $app). */}}
{{- define "alphintra.dbHost" -}}
{{- .app.database.host | default (include "alphintra.pgDefaultHost" .root) -}}
{{- end -}}

{{- define "alphintra.dbPort" -}}
{{- if .app.database.port -}}{{ .app.database.port | int }}{{- else -}}{{ include "alphintra.pgDefaultPort" .root }}{{- end -}}
{{- end -}}

{{- define "alphintra.kafkaBrokers" -}}
{{- if eq .Values.kafka.mode "internal" -}}
{{ include "alphintra.fullname" . }}-kafka:9092
{{- else -}}
{{- if not .Values.kafka.external.brokers }}{{ fail "kafka.external.brokers is required when kafka.mode=external" }}{{ end -}}
{{ join "," .Values.kafka.external.brokers }}
{{- end -}}
{{- end -}}

{{/* Secret names. Call with (dict "root" $ "svc" "trading" "app" $app). */}}
{{- define "alphintra.dbSecretName" -}}
{{- .app.database.existingSecret | default (printf "%s-%s-db" (include "alphintra.fullname" .root) .svc) -}}
{{- end -}}

{{- define "alphintra.dbOwnerSecretName" -}}
{{- .app.database.existingOwnerSecret | default (printf "%s-%s-db-owner" (include "alphintra.fullname" .root) .svc) -}}
{{- end -}}

{{- define "alphintra.adminSecretName" -}}
{{- .Values.postgresql.admin.existingSecret | default (printf "%s-postgresql-admin" (include "alphintra.fullname" .)) -}}
{{- end -}}

{{/* App Secret (auth, broker, notification). Call with (dict "root" $ "svc" "auth"). */}}
{{- define "alphintra.appSecretName" -}}
{{- (index .root.Values .svc).existingSecret | default (printf "%s-%s-secrets" (include "alphintra.fullname" .root) .svc) -}}
{{- end -}}

{{/*
A secret value: the explicit one, else the one already stored in the cluster (so upgrades
keep it), else a new random one: `randBytes 32` (base64 of 32 random bytes) when "bytes"
is true, otherwise `randAlphaNum 32`. Call with
(dict "root" $ "secret" "name" "key" "password" "value" "" "bytes" false).
*/}}
{{- define "alphintra.secretValue" -}}
{{- if .value -}}
{{- .value -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else if .bytes -}}
{{- randBytes 32 -}}
{{- else -}}
{{- randAlphaNum 32 -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Non-secret configuration of an app, as a YAML map. Call with (dict "root" $ "name" "trading" "app" $app). */}}
{{- define "alphintra.appConfig" -}}
{{- $root := .root -}}
{{- $svc := upper .name -}}
HOST: "0.0.0.0"
PORT: {{ .app.port | int | quote }}
LOG_LEVEL: {{ .app.logLevel | quote }}
{{- /* auth reads its own keys and revocations on loopback: no network hop, no NetworkPolicy edge */}}
{{- $auth := ternary (printf "http://127.0.0.1:%d" (int $root.Values.apps.auth.port)) (include "alphintra.serviceUrl" (dict "root" $root "svc" "auth")) (eq .name "auth") }}
AUTH_JWKS_URL: {{ printf "%s/api/v1/auth/.well-known/jwks.json" $auth | quote }}
AUTH_REVOCATIONS_URL: {{ printf "%s/internal/v1/revoked-sessions" $auth | quote }}
AUTH_ISSUER: {{ $root.Values.auth.issuer | quote }}
AUTH_AUDIENCE: {{ $root.Values.auth.audience | quote }}
KAFKA_BROKERS: {{ include "alphintra.kafkaBrokers" $root | quote }}
{{- if eq .name "gateway" }}
{{- range $s := include "alphintra.serviceList" $root | fromJsonArray }}
GATEWAY_UPSTREAM_{{ upper $s }}: {{ include "alphintra.serviceUrl" (dict "root" $root "svc" $s) | quote }}
{{- end }}
{{- /* behind the ingress controller: one proxy hop whose X-Forwarded-For is trusted */}}
GATEWAY_TRUSTED_PROXY_HOPS: {{ ternary "1" "0" $root.Values.ingress.enabled | quote }}
{{- else }}
DB_TOPOLOGY: {{ $root.Values.postgresql.topology | quote }}
{{ $svc }}_DATABASE_HOST: {{ include "alphintra.dbHost" . | quote }}
{{ $svc }}_DATABASE_PORT: {{ include "alphintra.dbPort" . | quote }}
{{ $svc }}_DATABASE_NAME: {{ include "alphintra.dbName" (dict "root" $root "svc" .name) | quote }}
{{- with $root.Values.postgresql.sslMode }}
PGSSLMODE: {{ . | quote }}
{{- end }}
{{- end }}
{{- range $callee := get (include "alphintra.calls" $root | fromYaml) .name | default (list) }}
{{ upper $callee }}_URL: {{ include "alphintra.serviceUrl" (dict "root" $root "svc" $callee) | quote }}
{{- end }}
{{- if eq .name "auth" }}
AUTH_BOOTSTRAP_ADMIN_EMAIL: {{ $root.Values.auth.bootstrapAdminEmail | quote }}
{{- end }}
{{- if eq .name "broker" }}
BROKER_KEK_ID: {{ $root.Values.broker.kekId | quote }}
{{- end }}
{{- end -}}

{{/* Secret environment of an app (its own Secrets only). Call with (dict "root" $ "name" "trading" "app" $app). */}}
{{- define "alphintra.appSecretEnv" -}}
{{- $svc := upper .name -}}
{{- if ne .name "gateway" }}
- name: {{ $svc }}_DATABASE_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.dbSecretName" (dict "root" .root "svc" .name "app" .app) }}
      key: username
- name: {{ $svc }}_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.dbSecretName" (dict "root" .root "svc" .name "app" .app) }}
      key: password
{{- end }}
{{- if eq .name "auth" }}
- name: AUTH_KEY_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.appSecretName" (dict "root" .root "svc" "auth") }}
      key: AUTH_KEY_ENCRYPTION_KEY
- name: AUTH_BOOTSTRAP_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.appSecretName" (dict "root" .root "svc" "auth") }}
      key: AUTH_BOOTSTRAP_ADMIN_PASSWORD
{{- end }}
{{- if eq .name "broker" }}
- name: BROKER_KEK
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.appSecretName" (dict "root" .root "svc" "broker") }}
      key: BROKER_KEK
{{- end }}
{{- if eq .name "trading" }}
- name: TRADING_ORDER_RECORD_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.appSecretName" (dict "root" .root "svc" "trading") }}
      key: TRADING_ORDER_RECORD_SIGNING_KEY
{{- end }}
{{- if eq .name "notification" }}
- name: SMTP_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "alphintra.appSecretName" (dict "root" .root "svc" "notification") }}
      key: SMTP_URL
      optional: true
{{- end }}
{{- if .root.Values.kafka.auth.enabled }}
{{ include "alphintra.kafkaClientEnv" (dict "root" .root "secret" (include "alphintra.kafkaSecretName" (dict "root" .root "name" .name)) "mechanism" "scram-sha-512") }}
{{- end }}
{{- end -}}

{{/*
Kafka identities (ADR 0028, kafka.auth.enabled). Secret of an app's SASL user (keys username,
password). Call with (dict "root" $ "name" "trading").
*/}}
{{- define "alphintra.kafkaSecretName" -}}
{{- get .root.Values.kafka.auth.existingSecrets .name | default (printf "%s-%s-kafka" (include "alphintra.fullname" .root) .name) -}}
{{- end -}}

{{- define "alphintra.kafkaAdminSecretName" -}}
{{- .Values.kafka.auth.admin.existingSecret | default (printf "%s-kafka-admin" (include "alphintra.fullname" .)) -}}
{{- end -}}

{{/* The apps with a Kafka identity: the services and the gateway, as a JSON list. */}}
{{- define "alphintra.kafkaClients" -}}
{{- append (include "alphintra.serviceList" . | fromJsonArray) "gateway" | toJson -}}
{{- end -}}

{{/* Where the brokers' CA is mounted (kafka.auth.tls.caSecret). */}}
{{- define "alphintra.kafkaCaDir" -}}/etc/alphintra/kafka-ca{{- end -}}

{{/* KAFKA_SASL_* and KAFKA_SSL* of a client. Call with (dict "root" $ "secret" "<name>" "mechanism" "scram-sha-512"). */}}
{{- define "alphintra.kafkaClientEnv" -}}
- name: KAFKA_SASL_MECHANISM
  value: {{ .mechanism | quote }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: username
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .secret }}
      key: password
{{- if .root.Values.kafka.auth.tls.enabled }}
- name: KAFKA_SSL
  value: "true"
{{- if .root.Values.kafka.auth.tls.caSecret }}
- name: KAFKA_SSL_CA_FILE
  value: {{ printf "%s/ca.crt" (include "alphintra.kafkaCaDir" .root) | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Volume and mount of the brokers' CA, when there is one (nothing otherwise). */}}
{{- define "alphintra.kafkaCaVolume" -}}
{{- if and .Values.kafka.auth.enabled .Values.kafka.auth.tls.enabled .Values.kafka.auth.tls.caSecret }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.auth.tls.caSecret }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "alphintra.kafkaCaMount" -}}
{{- if and .Values.kafka.auth.enabled .Values.kafka.auth.tls.enabled .Values.kafka.auth.tls.caSecret }}
- name: kafka-ca
  mountPath: {{ include "alphintra.kafkaCaDir" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pod-level security context (non-root, RuntimeDefault seccomp). Call with the uid. */}}
{{- define "alphintra.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "alphintra.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop:
    - ALL
{{- end -}}

{{/* NetworkPolicy egress rule for cluster DNS. */}}
{{- define "alphintra.egressDns" -}}
- to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - protocol: UDP
      port: 53
    - protocol: TCP
      port: 53
{{- end -}}

{{/* Egress to PostgreSQL. Call with (dict "root" $ "port" 5432). */}}
{{- define "alphintra.egressPostgres" -}}
{{- if eq .root.Values.postgresql.mode "internal" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "alphintra.selectorLabels" (dict "root" .root "component" "postgresql") | nindent 10 }}
  ports:
    - protocol: TCP
      port: 5432
{{- else -}}
- ports:
    - protocol: TCP
      port: {{ .port | int }}
  {{- with .root.Values.postgresql.external.cidrs }}
  to:
    {{- range . }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end -}}

{{- define "alphintra.egressKafka" -}}
{{- if eq .Values.kafka.mode "internal" -}}
- to:
    - podSelector:
        matchLabels:
          {{- include "alphintra.selectorLabels" (dict "root" . "component" "kafka") | nindent 10 }}
  ports:
    - protocol: TCP
      port: 9092
{{- else -}}
- ports:
    {{- range .Values.kafka.external.ports }}
    - protocol: TCP
      port: {{ . | int }}
    {{- end }}
  {{- with .Values.kafka.external.cidrs }}
  to:
    {{- range . }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Volume and mount for a writable /tmp on a read-only root filesystem. */}}
{{- define "alphintra.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "alphintra.topicReplicationFactor" -}}
{{- if .Values.topics.replicationFactor -}}
{{- .Values.topics.replicationFactor | int -}}
{{- else if eq .Values.kafka.mode "internal" -}}
{{- min 3 (.Values.kafka.internal.replicas | int) -}}
{{- else -}}
3
{{- end -}}
{{- end -}}
