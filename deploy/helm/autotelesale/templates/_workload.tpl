{{/*
One service: Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler and
ServiceMonitor (the last three when enabled). Called from <service>.yaml with
(dict "root" $ "name" "<values key>"); `$svc` is that service's values block.
*/}}
{{- define "autotelesale.workload" -}}
{{- $root := .root -}}
{{- $name := .name -}}
{{- $svc := index $root.Values $name -}}
{{- if $svc.enabled }}
{{- $fullName := include "autotelesale.componentName" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "autotelesale.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "autotelesale.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "autotelesale.selectorLabels" . | nindent 8 }}
      {{- with $svc.podAnnotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      {{- with $root.Values.image.pullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      {{- if eq $name "dialer" }}
      terminationGracePeriodSeconds: {{ $root.Values.dialer.terminationGracePeriodSeconds }}
      {{- end }}
      containers:
        - name: {{ $name }}
          image: {{ include "autotelesale.image" . }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $svc.httpPort }}
              protocol: TCP
            {{- if eq $name "gateway" }}
            - name: grpc
              containerPort: {{ $root.Values.gateway.grpcPort }}
              protocol: TCP
            {{- end }}
          env:
            {{- include "autotelesale.commonEnv" . | nindent 12 }}
            {{- if has $name (list "campaign" "agent" "reporting" "gateway") }}
            {{- include "autotelesale.databaseUrlEnv" $root | nindent 12 }}
            {{- end }}
            {{- if eq $name "gateway" }}
            {{- include "autotelesale.gatewayEnv" $root | nindent 12 }}
            {{- end }}
            {{- if eq $name "dialer" }}
            {{- include "autotelesale.fsNodesEnv" $root | trim | nindent 12 }}
            - name: ATS_FS_GATEWAY
              value: {{ $root.Values.freeswitch.sipGateway | quote }}
            - name: ATS_FS_HEARTBEAT_MS
              value: {{ $root.Values.freeswitch.heartbeatMs | quote }}
            - name: ATS_DIALER_OWNERSHIP_LEASE_MS
              value: {{ $root.Values.dialer.ownershipLeaseMs | quote }}
            - name: ATS_DIALER_STANDBY_AGENTS
              value: {{ ternary "on" "off" (ne $root.Values.dialer.standbyAgents false) | quote }}
            - name: ATS_INBOUND_CONTINUE
              value: {{ $root.Values.dialer.inbound.continueTo | quote }}
            - name: ATS_INBOUND_CHECK_TIMEOUT_MS
              value: {{ $root.Values.dialer.inbound.checkTimeoutMs | quote }}
            - name: ATS_INBOUND_DEFAULT_REGION
              value: {{ $root.Values.dialer.inbound.defaultRegion | quote }}
            - name: ATS_RECORDINGS_DIR
              value: {{ $root.Values.dialer.recordingsDir | quote }}
            {{- end }}
            {{- range $key, $value := $svc.env }}
            - name: {{ $key }}
              value: {{ $value | quote }}
            {{- end }}
          startupProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 2
          {{- if and (eq $name "dialer") $root.Values.dialer.drain.preStop }}
          lifecycle:
            preStop:
              exec:
                command:
                  - node
                  - /etc/autotelesale/dialer-drain.js
                  - {{ $root.Values.dialer.drain.path | quote }}
                  - {{ $root.Values.dialer.drain.pollSeconds | quote }}
          {{- end }}
          resources:
            {{- toYaml $svc.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if and (eq $name "dialer") $root.Values.dialer.drain.preStop }}
            - name: drain
              mountPath: /etc/autotelesale
              readOnly: true
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: {}
        {{- if and (eq $name "dialer") $root.Values.dialer.drain.preStop }}
        - name: drain
          configMap:
            name: {{ $fullName }}-drain
        {{- end }}
      {{- with $svc.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "autotelesale.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
  {{- if eq $name "gateway" }}
  {{- with $root.Values.gateway.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
spec:
  type: {{ if eq $name "gateway" }}{{ $root.Values.gateway.service.type }}{{ else }}ClusterIP{{ end }}
  selector:
    {{- include "autotelesale.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $svc.httpPort }}
      targetPort: http
      protocol: TCP
    {{- if eq $name "gateway" }}
    - name: grpc
      port: {{ $root.Values.gateway.grpcPort }}
      targetPort: grpc
      protocol: TCP
    {{- end }}
{{- if $svc.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "autotelesale.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  {{- if hasKey $svc.podDisruptionBudget "minAvailable" }}
  minAvailable: {{ $svc.podDisruptionBudget.minAvailable }}
  {{- else if hasKey $svc.podDisruptionBudget "maxUnavailable" }}
  maxUnavailable: {{ $svc.podDisruptionBudget.maxUnavailable }}
  {{- else }}
  maxUnavailable: 1
  {{- end }}
  selector:
    matchLabels:
      {{- include "autotelesale.selectorLabels" . | nindent 6 }}
{{- end }}
{{- if $svc.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "autotelesale.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullName }}
  minReplicas: {{ $svc.autoscaling.minReplicas }}
  maxReplicas: {{ $svc.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $svc.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $root.Values.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ $fullName }}
  labels:
    {{- include "autotelesale.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
    {{- with $root.Values.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "autotelesale.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      interval: {{ $root.Values.serviceMonitor.interval }}
      scrapeTimeout: {{ $root.Values.serviceMonitor.scrapeTimeout }}
{{- end }}
{{- end }}
{{- end }}

{{- define "autotelesale.gatewayEnv" -}}
{{- $auth := .Values.gateway.auth -}}
{{- $secret := include "autotelesale.gatewaySecret" . -}}
- name: ATS_GRPC_PORT
  value: {{ .Values.gateway.grpcPort | quote }}
- name: ATS_TOKEN_TTL_SECONDS
  value: {{ $auth.tokenTtlSeconds | quote }}
- name: ATS_TOKEN_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $auth.tokenSecretKey }}
- name: ATS_ADMIN_EMAIL
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $auth.adminEmailKey }}
      optional: true
- name: ATS_ADMIN_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ $auth.adminPasswordKey }}
      optional: true
{{- end }}
