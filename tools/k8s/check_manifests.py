#!/usr/bin/env python3
"""Validate rendered Kubernetes manifests and apply Alphintra's deployment policies.

Usage: check_manifests.py --kube-version 1.32.0 --release alphintra NAME=FILE [NAME=FILE ...]

1. Schema: every object is validated against the strict OpenAPI-derived JSON schemas of
   the given Kubernetes version shipped in the `kubernetes-validate` wheel (unknown fields
   and wrong types fail; an object of a kind without a schema fails too).
2. Policies (see docs/adr/0100-deployment.md): probes, resources, non-root and read-only
   root filesystem on every container; no secret value in a ConfigMap or an env literal;
   every service's pods reference only their own credentials; every app has its own
   NetworkPolicy admitting named apps only, and every pod of the release is covered by one
   with egress rules. Which app may reach which is tools/k8s/wiring.spec.ts's check.
Exits 1 if anything fails.
"""
import argparse
import base64
import functools
import json
import re
import sys
from pathlib import Path

import importlib_resources
import jsonschema
import yaml
from referencing import Registry, Resource

APPS = ["gateway", "auth", "user", "strategy", "trading", "risk", "broker", "nocode", "notification"]
SERVICES = APPS[1:]
SECRET_NAME_RE = re.compile(r"(PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$|_KEK$|^BROKER_KEK$|SMTP_URL|CREDENTIAL)")


class Schemas:
    def __init__(self, version: str):
        root = importlib_resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")
        self.dir = root.joinpath(f"v{version}-local-strict")
        if not self.dir.is_dir():
            raise SystemExit(f"no strict schemas for Kubernetes {version} in kubernetes-validate")
        defs = json.loads(self.dir.joinpath("_definitions.json").read_text())
        self.registry = Resource.from_contents(defs) @ Registry()

    @functools.lru_cache(maxsize=None)
    def validator(self, kind: str, api_version: str):
        group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        path = self.dir.joinpath(f"{kind.lower()}-{group_version}.json")
        if not path.is_file():
            return None
        schema = json.loads(path.read_text())
        return jsonschema.Draft202012Validator(schema, registry=Resource.from_contents(schema) @ self.registry)

    def errors(self, obj):
        v = self.validator(obj.get("kind", ""), obj.get("apiVersion", ""))
        if v is None:
            return [f"no schema for {obj.get('apiVersion')}/{obj.get('kind')}"]
        out = []
        for e in sorted(v.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
            path = ".".join(str(p) for p in e.absolute_path) or "(root)"
            out.append(f"{path}: {e.message[:300]}")
        return out


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def name_of(obj):
    return f"{obj.get('kind')}/{obj.get('metadata', {}).get('name')}"


def pod_spec(obj):
    kind = obj.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        return obj["spec"]["template"]
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]
    if kind == "Pod":
        return obj
    return None


def containers(spec):
    return [("container", c) for c in spec.get("containers", [])] + [
        ("initContainer", c) for c in spec.get("initContainers", [])
    ]


def secret_refs(spec):
    refs = set()
    for _, c in containers(spec):
        for e in c.get("env", []) or []:
            ref = (e.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                refs.add(ref["name"])
        for e in c.get("envFrom", []) or []:
            if "secretRef" in e:
                refs.add(e["secretRef"]["name"])
    for v in spec.get("volumes", []) or []:
        if "secret" in v:
            refs.add(v["secret"]["secretName"])
        for src in (v.get("projected") or {}).get("sources", []) or []:
            if "secret" in src:
                refs.add(src["secret"]["name"])
    return refs


def selects(selector, labels):
    if not selector:
        return True
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or []:
        val, op, values = labels.get(expr["key"]), expr["operator"], expr.get("values", [])
        if op == "In" and val not in values:
            return False
        if op == "NotIn" and val in values:
            return False
        if op == "Exists" and expr["key"] not in labels:
            return False
        if op == "DoesNotExist" and expr["key"] in labels:
            return False
    return True


class Report:
    def __init__(self):
        self.failures = []
        self.checks = 0

    def check(self, ok, msg):
        self.checks += 1
        if not ok:
            self.failures.append(msg)
        return ok


def check_secret_refs_resolve(label, objs, r: Report):
    """Every non-optional secretKeyRef names a Secret of the render that has that key."""
    keys = {}
    for o in objs:
        if o["kind"] == "Secret":
            keys[o["metadata"]["name"]] = set(o.get("data") or {}) | set(o.get("stringData") or {})
    for w in objs:
        tpl = pod_spec(w)
        if tpl is None:
            continue
        for _, c in containers(tpl["spec"]):
            for e in c.get("env", []) or []:
                ref = (e.get("valueFrom") or {}).get("secretKeyRef")
                if ref and not ref.get("optional"):
                    r.check(ref["key"] in keys.get(ref["name"], set()),
                            f"[{label}] {name_of(w)} {c['name']}: env {e['name']} needs key {ref['key']} of Secret {ref['name']}, which is not there")


def hook_of(obj):
    ann = obj.get("metadata", {}).get("annotations") or {}
    if "helm.sh/hook" not in ann:
        return None
    return set(ann["helm.sh/hook"].split(",")), int(ann.get("helm.sh/hook-weight", "0"))


def check_hook_order(label, objs, r: Report):
    """A hook Job may only use chart objects that already exist when it runs: for a
    pre-install hook, other pre-install hooks of lower weight (regular resources are only
    created after the pre-install hooks)."""
    rendered = {(o["kind"], o["metadata"]["name"]): o for o in objs}
    for w in objs:
        hook, tpl = hook_of(w), pod_spec(w)
        if not hook or tpl is None:
            continue
        phases, weight = hook
        spec = tpl["spec"]
        deps = [("ServiceAccount", spec.get("serviceAccountName"))]
        deps += [("Secret", n) for n in secret_refs(spec)]
        for _, c in containers(spec):
            deps += [("ConfigMap", e["configMapRef"]["name"]) for e in c.get("envFrom", []) or [] if "configMapRef" in e]
        deps += [("ConfigMap", v["configMap"]["name"]) for v in spec.get("volumes", []) or [] if "configMap" in v]
        deps += [("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"]) for v in spec.get("volumes", []) or [] if "persistentVolumeClaim" in v]
        for dep in deps:
            obj = rendered.get(dep)
            if obj is None:
                continue  # not the chart's (an existingSecret): must exist beforehand
            dep_hook = hook_of(obj)
            for phase in phases & {"pre-install", "pre-upgrade"}:
                r.check(dep_hook is not None and phase in dep_hook[0] and dep_hook[1] < weight,
                        f"[{label}] {name_of(w)} ({phase} hook, weight {weight}) uses {dep[0]}/{dep[1]}, "
                        "which is not an earlier hook of that phase and so does not exist yet")


def check_render(label, objs, schemas, release, r: Report):
    pre = f"[{label}]"
    check_hook_order(label, objs, r)
    # -- 1. schema validation
    for o in objs:
        errs = schemas.errors(o)
        r.check(not errs, f"{pre} {name_of(o)} fails the Kubernetes {schemas.dir.name} schema: " + "; ".join(errs[:5]))

    by_kind = {}
    for o in objs:
        by_kind.setdefault(o["kind"], []).append(o)
    names = {(o["kind"], o["metadata"]["name"]) for o in objs}
    secrets_rendered = [o for o in by_kind.get("Secret", [])]
    workloads = [o for o in objs if pod_spec(o) is not None]

    # -- 2. every container: resources, non-root, read-only root, no privilege escalation
    for w in workloads:
        tpl = pod_spec(w)
        spec = tpl["spec"]
        psc = spec.get("securityContext") or {}
        r.check(spec.get("automountServiceAccountToken") is False, f"{pre} {name_of(w)}: automountServiceAccountToken must be false")
        sa = spec.get("serviceAccountName")
        r.check(bool(sa) and ("ServiceAccount", sa) in names, f"{pre} {name_of(w)}: ServiceAccount {sa!r} is not rendered")
        r.check(psc.get("runAsUser", 1) != 0, f"{pre} {name_of(w)}: runs as uid 0")
        for kind, c in containers(spec):
            where = f"{pre} {name_of(w)} {kind} {c['name']}"
            res = c.get("resources") or {}
            r.check(all(k in (res.get("requests") or {}) for k in ("cpu", "memory")), f"{where}: needs cpu and memory requests")
            r.check("memory" in (res.get("limits") or {}), f"{where}: needs a memory limit")
            sc = c.get("securityContext") or {}
            r.check(sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True, f"{where}: runAsNonRoot must be true")
            r.check(sc.get("runAsUser", psc.get("runAsUser", 1)) != 0, f"{where}: runs as uid 0")
            r.check(sc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem must be true")
            r.check(sc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation must be false")
            r.check(sc.get("privileged") is not True, f"{where}: must not be privileged")
            r.check("ALL" in ((sc.get("capabilities") or {}).get("drop") or []), f"{where}: must drop ALL capabilities")
            r.check(not (sc.get("capabilities") or {}).get("add"), f"{where}: must not add capabilities")
            r.check(not c["image"].endswith(":latest") and ":" in c["image"].split("/")[-1], f"{where}: image {c['image']} needs a pinned tag")
            if kind == "container" and w["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
                for p in ("livenessProbe", "readinessProbe", "startupProbe"):
                    r.check(p in c, f"{where}: needs a {p}")
            for e in c.get("env", []) or []:
                if "value" in e and SECRET_NAME_RE.search(e["name"]):
                    r.check(False, f"{where}: env {e['name']} looks secret but is a literal (use valueFrom.secretKeyRef)")

    # -- 3. no secret value in a ConfigMap or an env literal
    secret_values = set()
    for s in secrets_rendered:
        for k, v in (s.get("data") or {}).items():
            if k != "username":
                secret_values.add(base64.b64decode(v).decode("utf-8", "replace"))
        for k, v in (s.get("stringData") or {}).items():
            if k != "username":
                secret_values.add(str(v))
    secret_values = {v for v in secret_values if len(v) >= 8}
    literals = []
    for cm in by_kind.get("ConfigMap", []):
        for k, v in (cm.get("data") or {}).items():
            literals.append((f"{name_of(cm)} key {k}", str(v)))
            r.check(not SECRET_NAME_RE.search(k), f"{pre} {name_of(cm)}: key {k} looks secret; it belongs in a Secret")
    for w in workloads:
        for kind, c in containers(pod_spec(w)["spec"]):
            for e in c.get("env", []) or []:
                if "value" in e:
                    literals.append((f"{name_of(w)} {c['name']} env {e['name']}", str(e["value"])))
            for a in (c.get("command") or []) + (c.get("args") or []):
                literals.append((f"{name_of(w)} {c['name']} command", str(a)))
    for where, text in literals:
        for sv in secret_values:
            r.check(sv not in text, f"{pre} {where} contains the value of a Secret")

    # -- 4. credentials: each service's pods reference only that service's Secrets
    def cred(svc, kind):
        return {"db": f"{release}-{svc}-db", "owner": f"{release}-{svc}-db-owner", "app": f"{release}-{svc}-secrets"}[kind]

    all_creds = {cred(s, k) for s in SERVICES for k in ("db", "owner", "app")} | {f"{release}-postgresql-admin"}
    for w in workloads:
        tpl = pod_spec(w)
        labels = tpl["metadata"].get("labels", {})
        comp, svc = labels.get("app.kubernetes.io/component"), labels.get("alphintra.io/service")
        refs = secret_refs(tpl["spec"]) & all_creds
        if w["kind"] == "Deployment" and comp in APPS:
            allowed = set() if comp == "gateway" else {cred(comp, "db"), cred(comp, "app")}
            if comp != "gateway":
                r.check(cred(comp, "db") in secret_refs(tpl["spec"]), f"{pre} {name_of(w)}: does not reference its own DB secret {cred(comp, 'db')}")
        elif comp == "migrate":
            allowed = {cred(svc, "db"), cred(svc, "owner"), cred(svc, "app")}
        elif comp == "backup":
            allowed = {cred(svc, "owner")}
        elif comp == "provision":
            allowed = all_creds - {cred(s, "app") for s in SERVICES}
        elif comp == "postgresql":
            allowed = {f"{release}-postgresql-admin"}
        else:
            allowed = set()
        extra = refs - allowed
        r.check(not extra, f"{pre} {name_of(w)} ({comp}) references credentials of others: {sorted(extra)}")

    # -- 5. network policies
    nps = by_kind.get("NetworkPolicy", [])
    default_deny = [
        n for n in nps
        if set(n["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        and not n["spec"].get("ingress") and not n["spec"].get("egress")
        and "app.kubernetes.io/component" not in (n["spec"]["podSelector"].get("matchLabels") or {})
    ]
    r.check(bool(default_deny), f"{pre} no default-deny NetworkPolicy")
    for w in workloads:
        labels = pod_spec(w)["metadata"].get("labels", {})
        own = [n for n in nps if n not in default_deny and selects(n["spec"]["podSelector"], labels)]
        r.check(any(selects(n["spec"]["podSelector"], labels) for n in default_deny), f"{pre} {name_of(w)} is not under the default deny")
        r.check(any(n["spec"].get("egress") for n in own), f"{pre} {name_of(w)} has no NetworkPolicy granting its egress")
    for app in APPS:
        deps = [d for d in by_kind.get("Deployment", []) if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component") == app]
        if not r.check(len(deps) == 1, f"{pre} app {app}: expected one Deployment, found {len(deps)}"):
            continue
        dep = deps[0]
        labels = dep["spec"]["template"]["metadata"]["labels"]
        own = [n for n in nps if n["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component") == app]
        if not r.check(len(own) == 1, f"{pre} app {app}: expected its own NetworkPolicy, found {len(own)}"):
            continue
        np = own[0]["spec"]
        for rule in np.get("ingress", []):
            for peer in rule.get("from", []):
                if "namespaceSelector" in peer or "ipBlock" in peer:
                    r.check(app == "gateway" or "namespaceSelector" in peer, f"{pre} app {app}: ingress from outside the namespace")
                    continue
                comps = set()
                sel = peer.get("podSelector") or {}
                if "app.kubernetes.io/component" in (sel.get("matchLabels") or {}):
                    comps.add(sel["matchLabels"]["app.kubernetes.io/component"])
                for ex in sel.get("matchExpressions") or []:
                    if ex["key"] == "app.kubernetes.io/component" and ex["operator"] == "In":
                        comps |= set(ex["values"])
                # which app may call which is derived from the apps' env schemas and checked
                # against these policies by tools/k8s/wiring.spec.ts (ADR 0021); here: named apps only
                # and the gateway from the chart's `helm test` Job (component `test`), which asks it for /health
                callers = set(APPS) | ({"test"} if app == "gateway" else set())
                r.check(comps and comps <= callers, f"{pre} app {app}: ingress allowed from {sorted(comps) or 'any pod'}")
        egress_ports = {p.get("port") for rule in np.get("egress", []) for p in rule.get("ports", [])}
        r.check(53 in egress_ports, f"{pre} app {app}: no DNS egress")
        # Service, PDB, autoscaling, spread
        svc_ok = any(selects({"matchLabels": s["spec"].get("selector", {})}, labels) for s in by_kind.get("Service", []) if s["spec"].get("selector"))
        r.check(svc_ok, f"{pre} app {app}: no Service selects it")
        r.check(any(selects(p["spec"]["selector"], labels) for p in by_kind.get("PodDisruptionBudget", [])), f"{pre} app {app}: no PodDisruptionBudget")
        hpa = [h for h in by_kind.get("HorizontalPodAutoscaler", []) if h["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]]
        r.check(bool(hpa) or "replicas" in dep["spec"], f"{pre} app {app}: neither replicas nor a HorizontalPodAutoscaler")
        r.check(not (hpa and "replicas" in dep["spec"]), f"{pre} app {app}: replicas set although a HorizontalPodAutoscaler manages it")
        r.check(bool(dep["spec"]["template"]["spec"].get("topologySpreadConstraints")), f"{pre} app {app}: no topologySpreadConstraints")
        c = dep["spec"]["template"]["spec"]["containers"][0]
        r.check(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/health/live", f"{pre} app {app}: liveness must probe /health/live")
        r.check(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/health/ready", f"{pre} app {app}: readiness must probe /health/ready")
    # references to ConfigMaps and PVCs resolve
    for w in workloads:
        spec = pod_spec(w)["spec"]
        for _, c in containers(spec):
            for e in c.get("envFrom", []) or []:
                if "configMapRef" in e:
                    r.check(("ConfigMap", e["configMapRef"]["name"]) in names, f"{pre} {name_of(w)}: ConfigMap {e['configMapRef']['name']} missing")
        for v in spec.get("volumes", []) or []:
            if "configMap" in v:
                r.check(("ConfigMap", v["configMap"]["name"]) in names, f"{pre} {name_of(w)}: ConfigMap {v['configMap']['name']} missing")
            if "persistentVolumeClaim" in v:
                r.check(("PersistentVolumeClaim", v["persistentVolumeClaim"]["claimName"]) in names,
                        f"{pre} {name_of(w)}: PVC {v['persistentVolumeClaim']['claimName']} missing")
    return len(objs)


def mutation_test(objs, schemas, release):
    """Each deliberate breakage of a good render must be reported (the checks are not vacuous)."""
    import copy

    def first(kind, pred=lambda o: True):
        return next(o for o in objs if o["kind"] == kind and pred(o))

    def app(name):
        return lambda o: o["metadata"]["name"] == f"{release}-{name}"

    def break_unknown_field(o):
        first("Deployment")["spec"]["template"]["spec"]["containers"][0]["unknownField"] = True

    def break_type(o):
        first("Service")["spec"]["ports"][0]["port"] = "eighty"

    def break_probe(o):
        del first("Deployment", app("risk"))["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]

    def break_resources(o):
        del first("Job")["spec"]["template"]["spec"]["containers"][0]["resources"]

    def break_root_fs(o):
        first("CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False

    def break_non_root(o):
        first("StatefulSet")["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0

    def break_secret_literal(o):
        first("Deployment", app("user"))["spec"]["template"]["spec"]["containers"][0].setdefault("env", []).append(
            {"name": "USER_DATABASE_PASSWORD", "value": "hunter2hunter2"})

    def break_foreign_secret(o):
        env = first("Deployment", app("trading"))["spec"]["template"]["spec"]["containers"][0]["env"]
        env.append({"name": "X", "valueFrom": {"secretKeyRef": {"name": f"{release}-risk-db", "key": "password"}}})

    def break_netpol(o):
        o[:] = [x for x in o if not (x["kind"] == "NetworkPolicy" and x["metadata"]["name"] == f"{release}-broker")]

    def break_ingress_rule(o):
        np = first("NetworkPolicy", app("trading"))
        np["spec"]["ingress"][0]["from"][0]["podSelector"] = {}

    def break_hook_order(o):
        for x in o:
            if x["kind"] == "Secret" and x["metadata"]["name"] == f"{release}-trading-db-owner":
                x["metadata"]["annotations"] = {}

    cases = [break_hook_order, break_unknown_field, break_type, break_probe, break_resources, break_root_fs, break_non_root,
             break_secret_literal, break_foreign_secret, break_netpol, break_ingress_rule]
    missed = []
    for case in cases:
        mutated = copy.deepcopy(objs)
        objs_backup, objs[:] = objs[:], mutated  # `first` reads objs
        case(objs)
        r = Report()
        check_render("mutation", objs, schemas, release, r)
        objs[:] = objs_backup
        if not r.failures:
            missed.append(case.__name__)
    return len(cases), missed


def self_test(schemas):
    """The schema check must reject an unknown field and a wrong type."""
    bad = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
        "spec": {"replicas": "two", "selector": {"matchLabels": {"a": "b"}},
                 "template": {"metadata": {"labels": {"a": "b"}},
                              "spec": {"containers": [{"name": "c", "image": "i:1", "imagePullPolicy": "IfNotPresent", "unknownField": 1}]}}},
    }
    errs = schemas.errors(bad)
    joined = " ".join(errs)
    ok = "replicas" in joined and "unknownField" in joined
    return ok, errs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kube-version", default="1.32.0")
    ap.add_argument("--release", default="alphintra")
    ap.add_argument("--resolve-secrets", default="", help="comma-separated NAMEs whose secret references must resolve")
    ap.add_argument("--mutations", default="", help="NAME of a render on which to run the mutation self-test")
    ap.add_argument("renders", nargs="+", help="NAME=FILE[,FILE...]")
    args = ap.parse_args()
    schemas = Schemas(args.kube_version)
    ok, errs = self_test(schemas)
    if not ok:
        print("FAIL schema self-test: a broken Deployment was not rejected as expected:", errs)
        return 1
    r = Report()
    total = 0
    resolve = set(filter(None, args.resolve_secrets.split(",")))
    for item in args.renders:
        label, _, paths = item.partition("=")
        objs = [o for p in paths.split(",") for o in load(p)]
        total += check_render(label, objs, schemas, args.release, r)
        if label in resolve:
            check_secret_refs_resolve(label, objs, r)
        if label == args.mutations:
            n, missed = mutation_test(objs, schemas, args.release)
            r.check(not missed, f"mutation self-test: breakages not detected: {missed}")
            print(f"mutation self-test: {n - len(missed)}/{n} deliberate breakages detected")
    for f in r.failures:
        print("FAIL", f)
    print(f"manifests: {len(args.renders)} renders, {total} objects, {r.checks} checks, {len(r.failures)} failed")
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
