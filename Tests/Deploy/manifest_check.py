"""Offline check of the deployment files: docker-compose.yml and the Kustomize layout in
deploy/kubernetes/, validated against their published schemas and cross-checked against the
server (env.example, the routes in Sources/), the Dockerfile and deploy/nginx/nginx.conf.
Each check prints PASS or FAIL with its figures; the script exits 1 if any check failed.

Usage:
    python3 Tests/Deploy/manifest_check.py

Needs (pip, at CI setup time; nothing is fetched while checking):
    kubernetes-validate==1.37.0   Kubernetes JSON schemas 1.25..1.37, strict variants included
    check-jsonschema==0.39.0      vendors the Compose Specification schema (compose-spec.json)
    PyYAML (a dependency of kubernetes-validate) and jsonschema (of both)
Renders deploy/kubernetes with `kubectl kustomize` when kubectl is on PATH and always with the
small built-in renderer below (resources, namespace, images: all that kustomization.yaml uses);
with both, the two renderings must be identical, so the fallback cannot drift from kustomize.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Process"))
from checklib import RESULTS, report  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
K8S_DIR = os.path.join(ROOT, "deploy", "kubernetes")
COMPOSE_FILE = os.path.join(ROOT, "docker-compose.yml")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")
NGINX_CONF = os.path.join(ROOT, "deploy", "nginx", "nginx.conf")
ENV_EXAMPLE = os.path.join(ROOT, "env.example")

# Oldest Kubernetes the manifests claim to support (lifecycle.preStop.sleep is on by default
# from 1.30) and the newest schema kubernetes-validate ships; every document must pass both.
MIN_KUBERNETES = "1.30.0"
# Variables the deployment files may set besides the server's settings.
NON_SETTING_ENV = {"TMPDIR"}
# Kinds kustomize never puts in a namespace (the ones these manifests could plausibly use).
CLUSTER_SCOPED = {
    "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
    "StorageClass", "IngressClass", "PriorityClass", "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration", "APIService",
}
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}


def rel(path: str) -> str:
    return os.path.relpath(path, ROOT)


def check(name: str, problems: list[str], figures: str) -> bool:
    """One PASS/FAIL line: PASS with `figures` when `problems` is empty, else the problems."""
    report(name, not problems, figures if not problems else "; ".join(problems))
    return not problems


try:
    import yaml
    import jsonschema
    import kubernetes_validate
    from kubernetes_validate import utils as kv_utils
    import check_jsonschema.builtin_schemas.vendor as compose_vendor
except ImportError as error:  # pragma: no cover - the environment, not the manifests
    report("validators-installed", False,
           f"{error}; pip install 'kubernetes-validate==1.37.0' 'check-jsonschema==0.39.0'")
    sys.exit(1)


# --- Small parsers --------------------------------------------------------------------------

def env_example_keys() -> set[str]:
    """Every key env.example documents, set (`KEY=`) or commented out (`# KEY=`)."""
    keys = set()
    with open(ENV_EXAMPLE) as handle:
        for line in handle:
            match = re.match(r"^\s*#?\s*([A-Z][A-Z0-9_]*)=", line)
            if match:
                keys.add(match.group(1))
    return keys


def dockerfile_facts() -> dict | None:
    """The Dockerfile as BuildKit's parser reads it (dockerfile_facts.py, shared with the image check)."""
    if not os.path.exists(DOCKERFILE):
        return None
    import dockerfile_facts as facts  # needs the PyPI package `dockerfile`
    return facts.summary()


def nginx_upstreams() -> dict[str, dict]:
    """upstream name -> its `server host:port` entries and its keepalive_timeout (seconds; nginx's
    default is 60 s) in nginx.conf."""
    upstreams: dict[str, dict] = {}
    with open(NGINX_CONF) as handle:
        text = re.sub(r"#[^\n]*", "", handle.read())
    for match in re.finditer(r"upstream\s+(\S+)\s*\{([^}]*)\}", text):
        body = match.group(2)
        keepalive = re.search(r"^\s*keepalive_timeout\s+(\S+);", body, re.MULTILINE)
        upstreams[match.group(1)] = {
            "servers": set(re.findall(r"^\s*server\s+([^\s;]+)", body, re.MULTILINE)),
            "keepalive": duration_seconds(keepalive.group(1)) if keepalive else 60.0,
        }
    return upstreams


def server_routes() -> set[str]:
    """Literal GET routes the server registers: router.get("/path"), or get("/path", on: router)
    (REST routes that answer HEAD too)."""
    routes = set()
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(folder, name)) as handle:
                    routes.update(re.findall(r'\b(?:router\.)?get\("(/[^"]*)"(?:\)|, on: router\))', handle.read()))
    return routes


def duration_seconds(text) -> float | None:
    """A Compose duration (`45s`, `1m30s`, `1h`) in seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    parts = re.findall(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)", str(text))
    if not parts or "".join(n + u for n, u in parts) != str(text):
        return None
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * scale[u] for n, u in parts)


def quantity_cpus(value) -> float:
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def quantity_bytes(text: str) -> int:
    units = {"k": 1000, "m": 1000**2, "g": 1000**3, "K": 1024, "M": 1024**2, "G": 1024**3,
             "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}
    match = re.fullmatch(r"(\d+)([a-zA-Z]*)", str(text))
    return int(match.group(1)) * units.get(match.group(2), 1)


# --- Kubernetes -----------------------------------------------------------------------------

def load_yaml_documents(path: str) -> list[dict]:
    with open(path) as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """name, tag, digest of an image reference (a registry port is not a tag)."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        image, tag = image[:colon], image[colon + 1:]
    return image, tag, digest


def pod_spec(doc: dict) -> dict | None:
    if doc.get("kind") in WORKLOAD_KINDS:
        return doc.get("spec", {}).get("template", {}).get("spec")
    if doc.get("kind") == "CronJob":
        return doc.get("spec", {}).get("jobTemplate", {}).get("spec", {}).get("template", {}).get("spec")
    if doc.get("kind") == "Pod":
        return doc.get("spec")
    return None


def render_fallback(directory: str) -> list[dict]:
    """What `kustomize build` makes of a kustomization using only resources/namespace/images."""
    kustomization = yaml.safe_load(open(os.path.join(directory, "kustomization.yaml")))
    supported = {"apiVersion", "kind", "resources", "namespace", "images"}
    unsupported = set(kustomization) - supported
    if unsupported:
        raise ValueError(f"the built-in renderer does not support {sorted(unsupported)}: "
                         "install kubectl or extend render_fallback")
    documents = []
    for resource in kustomization.get("resources", []):
        documents += load_yaml_documents(os.path.join(directory, resource))
    namespace = kustomization.get("namespace")
    for doc in documents:
        if namespace and doc.get("kind") not in CLUSTER_SCOPED:
            doc.setdefault("metadata", {})["namespace"] = namespace
        spec = pod_spec(doc)
        for container in (spec or {}).get("containers", []) + (spec or {}).get("initContainers", []):
            name, tag, digest = split_image(container["image"])
            for rule in kustomization.get("images", []):
                if rule["name"] != name:
                    continue
                name = rule.get("newName", name)
                if "digest" in rule:
                    tag, digest = None, rule["digest"]
                elif "newTag" in rule:
                    tag, digest = rule["newTag"], None
                container["image"] = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
    return documents


def document_key(doc: dict) -> tuple[str, str, str]:
    meta = doc.get("metadata", {})
    return doc.get("kind", ""), meta.get("namespace", ""), meta.get("name", "")


def render_kubernetes() -> list[dict] | None:
    kustomization = yaml.safe_load(open(os.path.join(K8S_DIR, "kustomization.yaml")))
    listed = set(kustomization.get("resources", [])) | {"kustomization.yaml", "secret.example.yaml"}
    orphans = sorted(f for f in os.listdir(K8S_DIR) if f.endswith((".yaml", ".yml")) and f not in listed)
    if orphans:
        report("k8s-render", False, f"{orphans} in deploy/kubernetes are not in kustomization.yaml resources")
        return None
    try:
        fallback = render_fallback(K8S_DIR)
    except (OSError, ValueError, yaml.YAMLError, KeyError) as error:
        report("k8s-render", False, f"built-in renderer: {error}")
        return None
    kubectl = shutil.which("kubectl")
    if not kubectl:
        report("k8s-render", True, f"{len(fallback)} documents (built-in renderer; kubectl not on PATH)")
        return fallback
    result = subprocess.run([kubectl, "kustomize", K8S_DIR], capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        report("k8s-render", False, f"kubectl kustomize exit {result.returncode}: {result.stderr.strip()[:400]}")
        return None
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc is not None]
    by_key = {document_key(doc): doc for doc in rendered}
    fallback_by_key = {document_key(doc): doc for doc in fallback}
    problems = []
    if set(by_key) != set(fallback_by_key):
        problems.append(f"documents differ: kubectl {sorted(by_key)} vs built-in {sorted(fallback_by_key)}")
    else:
        problems += [f"{key} differs between kubectl and the built-in renderer"
                     for key in by_key if by_key[key] != fallback_by_key[key]]
    version = subprocess.run([kubectl, "version", "--client", "-o", "json"], capture_output=True, text=True)
    try:
        kustomize = json.loads(version.stdout).get("kustomizeVersion", "?")
    except json.JSONDecodeError:
        kustomize = "?"
    check("k8s-render", problems,
          f"{len(rendered)} documents from kubectl kustomize (kustomize {kustomize}), identical to the built-in renderer")
    return rendered


def validate_kubernetes(documents: list[dict], label: str) -> None:
    versions = [MIN_KUBERNETES, kv_utils.latest_version()]
    problems = []
    for doc in documents:
        for version in versions:
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = "/".join(str(p) for p in error.absolute_path)
                problems.append(f"{document_key(doc)} against {version}: {path}: {error.message[:200]}")
            except kv_utils.SchemaNotFoundError as error:
                problems.append(f"{document_key(doc)}: {error.message}")
    kinds = ", ".join(sorted({doc["kind"] for doc in documents}))
    check(f"k8s-schema-{label}", problems,
          f"{len(documents)} documents ({kinds}) valid in strict mode against Kubernetes {' and '.join(versions)}")


def check_secret_example(documents: list[dict]) -> None:
    problems = []
    path = os.path.join(K8S_DIR, "secret.example.yaml")
    kustomization = yaml.safe_load(open(os.path.join(K8S_DIR, "kustomization.yaml")))
    if "secret.example.yaml" in kustomization.get("resources", []):
        problems.append("secret.example.yaml is listed in kustomization.yaml resources")
    secrets = [doc for doc in documents if doc.get("kind") == "Secret"]
    if secrets:
        problems.append(f"the rendered manifests contain Secrets {[document_key(s) for s in secrets]}: secrets are created out of band")
    example = load_yaml_documents(path) if os.path.exists(path) else []
    if not example:
        problems.append("deploy/kubernetes/secret.example.yaml is missing")
    values = {}
    for doc in example:
        values.update(doc.get("stringData", {}))
        values.update(doc.get("data", {}))
    placeholders = [key for key, value in values.items() if "REPLACE" in str(value)]
    if set(placeholders) != set(values):
        problems.append(f"secret.example.yaml has values that are not placeholders: {sorted(set(values) - set(placeholders))}")
    # The keys the Deployment requires must be the keys the example provides.
    wanted = set()
    for doc in documents:
        for container in (pod_spec(doc) or {}).get("containers", []):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    wanted.add((ref["name"], ref["key"]))
    provided = {(doc["metadata"]["name"], key) for doc in example for key in {**doc.get("stringData", {}), **doc.get("data", {})}}
    if wanted - provided:
        problems.append(f"the Deployment reads {sorted(wanted - provided)} that secret.example.yaml does not show")
    if example:
        validate_kubernetes(example, "secret-example")
    check("k8s-secret-not-committed", problems,
          f"no Secret rendered; secret.example.yaml shows {sorted(k for _, k in provided)} as placeholders and is not a resource")


def cross_check_kubernetes(documents: list[dict], docker: dict | None) -> None:
    by_kind: dict[str, list[dict]] = {}
    for doc in documents:
        by_kind.setdefault(doc["kind"], []).append(doc)
    deployment = by_kind["Deployment"][0]
    config = by_kind["ConfigMap"][0]["data"]
    spec = deployment["spec"]["template"]["spec"]
    container = spec["containers"][0]
    pod_labels = deployment["spec"]["template"]["metadata"].get("labels", {})
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    ports = {p.get("name"): p["containerPort"] for p in container.get("ports", [])}

    # Probe paths are routes the server serves.
    routes = server_routes()
    probes = {kind: container.get(kind, {}).get("httpGet", {}).get("path")
              for kind in ("startupProbe", "livenessProbe", "readinessProbe")}
    problems = [f"{kind} has no httpGet path" for kind, path in probes.items() if not path]
    problems += [f"{kind} path {path} is not a route of the server" for kind, path in probes.items() if path and path not in routes]
    if probes.get("livenessProbe") != "/health" or probes.get("readinessProbe") != "/ready":
        problems.append(f"liveness must be /health and readiness /ready, got {probes}")
    for kind in probes:
        port = container.get(kind, {}).get("httpGet", {}).get("port")
        if port not in ports and port not in ports.values():
            problems.append(f"{kind} port {port} is not a container port")
    check("k8s-probes", problems, f"{probes} are server routes on port {ports}")

    # Shutdown budget.
    problems = []
    graceful = float(config.get("GRACEFUL_TIMEOUT", 30))
    pre_stop = container.get("lifecycle", {}).get("preStop", {})
    sleep = float(pre_stop.get("sleep", {}).get("seconds", 0))
    if "exec" in pre_stop:
        match = re.search(r"sleep\D*(\d+)", " ".join(pre_stop["exec"].get("command", [])))
        sleep = float(match.group(1)) if match else 0
    grace = spec.get("terminationGracePeriodSeconds", 30)
    if not pre_stop:
        problems.append("no preStop hook: SIGTERM races the endpoint removal")
    if not grace > sleep + graceful:
        problems.append(f"terminationGracePeriodSeconds {grace} <= preStop {sleep:g} + GRACEFUL_TIMEOUT {graceful:g}")
    check("k8s-termination-budget", problems,
          f"terminationGracePeriodSeconds {grace} > preStop sleep {sleep:g} + GRACEFUL_TIMEOUT {graceful:g}")

    # Ports: PORT, the container port, the Service, the Ingress, the scrape annotation.
    problems = []
    port = int(config.get("PORT", 8000))
    if ports.get("http") != port:
        problems.append(f"container port http {ports.get('http')} != PORT {port}")
    if config.get("HOST") not in ("0.0.0.0", "::"):
        problems.append(f"HOST {config.get('HOST')} is not a wildcard: probes and the Service could not reach the pod")
    service = by_kind["Service"][0]
    for service_port in service["spec"]["ports"]:
        target = service_port.get("targetPort")
        if target not in ports and target not in ports.values():
            problems.append(f"Service targetPort {target} is not a container port")
    if any(pod_labels.get(k) != v for k, v in service["spec"]["selector"].items()):
        problems.append("Service selector does not match the pod labels")
    service_ports = {p.get("name") for p in service["spec"]["ports"]} | {p["port"] for p in service["spec"]["ports"]}
    for ingress in by_kind.get("Ingress", []):
        for rule in ingress["spec"].get("rules", []):
            for path in rule.get("http", {}).get("paths", []):
                backend = path["backend"]["service"]
                if backend["name"] != service["metadata"]["name"]:
                    problems.append(f"Ingress path {path['path']} names Service {backend['name']}")
                if backend["port"].get("name", backend["port"].get("number")) not in service_ports:
                    problems.append(f"Ingress path {path['path']} names a port the Service does not have")
    if annotations.get("prometheus.io/port") != str(port):
        problems.append(f"prometheus.io/port {annotations.get('prometheus.io/port')} != PORT {port}")
    if annotations.get("prometheus.io/path") != config.get("METRICS_PATH", "/metrics"):
        problems.append("prometheus.io/path is not METRICS_PATH")
    check("k8s-ports", problems,
          f"PORT {port} = container port http = scrape port; Service {service['spec']['ports'][0]['port']}->"
          f"{service['spec']['ports'][0]['targetPort']}; Ingress backends resolve")

    # Selectors of the PDB and HPA target.
    problems = []
    selector = deployment["spec"]["selector"]["matchLabels"]
    if any(pod_labels.get(k) != v for k, v in selector.items()):
        problems.append("Deployment selector does not match its template labels")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        if pdb["spec"]["selector"].get("matchLabels") != selector:
            problems.append("PDB selector differs from the Deployment's")
        if pdb["spec"].get("minAvailable", 0) >= deployment["spec"].get("replicas", 1):
            problems.append("PDB minAvailable >= replicas: drains would block")
    for hpa in by_kind.get("HorizontalPodAutoscaler", []):
        target = hpa["spec"]["scaleTargetRef"]
        if (target["kind"], target["name"]) != ("Deployment", deployment["metadata"]["name"]):
            problems.append(f"HPA targets {target}")
        if hpa["spec"].get("minReplicas", 1) > deployment["spec"].get("replicas", 1):
            problems.append("HPA minReplicas above the Deployment's replicas")
        for metric in hpa["spec"].get("metrics", []):
            name = metric.get("resource", {}).get("name")
            if name and name not in container.get("resources", {}).get("requests", {}):
                problems.append(f"HPA scales on {name} utilisation but the container requests no {name}")
    for constraint in spec.get("topologySpreadConstraints", []):
        if any(pod_labels.get(k) != v for k, v in constraint["labelSelector"]["matchLabels"].items()):
            problems.append(f"topology spread over {constraint['topologyKey']} selects other pods")
    check("k8s-selectors", problems, f"Deployment, Service, PDB, HPA and spread constraints all select {selector}")

    # Security context and writable paths.
    problems = []
    pod_security = spec.get("securityContext", {})
    security = {**pod_security, **container.get("securityContext", {})}
    expected = {"runAsNonRoot": True, "readOnlyRootFilesystem": True, "allowPrivilegeEscalation": False}
    problems += [f"{k} is {security.get(k)!r}, not {v!r}" for k, v in expected.items() if security.get(k) != v]
    if security.get("capabilities", {}).get("drop") != ["ALL"]:
        problems.append("capabilities do not drop ALL")
    if security.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        problems.append("seccompProfile is not RuntimeDefault")
    uid = security.get("runAsUser")
    if docker is None:
        problems.append("Dockerfile missing: cannot compare runAsUser with the image's user")
    elif docker["uid"] is None:
        problems.append("no useradd/adduser -u <uid> in the Dockerfile")
    elif uid != docker["uid"] or pod_security.get("runAsUser", uid) != docker["uid"]:
        problems.append(f"runAsUser {pod_security.get('runAsUser')}/{uid} (pod/container) != the Dockerfile's uid {docker['uid']}")
    elif docker["gid"] is not None and security.get("runAsGroup", docker["gid"]) != docker["gid"]:
        problems.append(f"runAsGroup {security.get('runAsGroup')} != the Dockerfile's gid {docker['gid']}")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
    for path in ("/app/workspace", "/app/logs", "/tmp"):
        if path not in mounts or "emptyDir" not in volumes.get(mounts[path], {}) and "persistentVolumeClaim" not in volumes.get(mounts[path], {}):
            problems.append(f"{path} is not a writable volume")
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    tmpdir = env.get("TMPDIR", "/tmp")
    if tmpdir.rstrip("/") not in mounts:
        problems.append(f"TMPDIR {tmpdir} (the supervisor's session table and metrics) is not a writable volume")
    if config.get("WORKSPACE_DIR", "./workspace") not in mounts:
        problems.append(f"WORKSPACE_DIR {config.get('WORKSPACE_DIR')} is not a mounted volume")
    check("k8s-security", problems,
          f"uid {uid} (Dockerfile {docker and docker['uid']}), read-only root, writable {sorted(mounts)}, TMPDIR {tmpdir}")

    # Settings: every ConfigMap key and env name is a documented setting.
    documented = env_example_keys()
    names = set(config) | set(env)
    problems = [f"{key} is not documented in env.example" for key in sorted(names - documented - NON_SETTING_ENV)]
    for source in container.get("envFrom", []):
        if "configMapRef" in source and source["configMapRef"]["name"] != by_kind["ConfigMap"][0]["metadata"]["name"]:
            problems.append(f"envFrom names ConfigMap {source['configMapRef']['name']}")
    check("k8s-settings-documented", problems, f"{len(names)} settings, all documented in env.example ({len(documented)} keys)")

    # Workers follow the CPU limit.
    problems = []
    limits = container.get("resources", {}).get("limits", {})
    if "cpu" not in limits or "memory" not in limits:
        problems.append(f"limits {limits}: set cpu (the worker count follows it) and memory")
        workers = "?"
    else:
        cpus = quantity_cpus(limits["cpu"])
        workers = max(int(config.get("WORKERS_MIN", 1)),
                      min(int(config.get("WORKERS_MAX", 8)),
                          math.ceil(cpus * float(config.get("WORKERS_PER_CPU", 0.5))) + int(config.get("WORKERS_EXTRA", 0))))
        if "WORKERS" in config:
            workers = int(config["WORKERS"])
        if cpus != int(cpus):
            problems.append(f"cpu limit {limits['cpu']} is not whole CPUs: workers would be throttled unevenly")
    check("k8s-workers", problems, f"cpu limit {limits.get('cpu')} -> {workers} workers per pod, memory {limits.get('memory')}")

    # Ingress: streaming-safe settings and routes.
    problems = []
    figures = "no Ingress"
    for ingress in by_kind.get("Ingress", []):
        notes = ingress["metadata"].get("annotations", {})
        prefix = "nginx.ingress.kubernetes.io/"
        if notes.get(prefix + "proxy-buffering") != "off":
            problems.append("proxy-buffering is not off: SSE events would be held back")
        read_timeout = float(notes.get(prefix + "proxy-read-timeout", 60))
        for key in ("TOOL_TIMEOUT", "SSE_KEEPALIVE_INTERVAL"):
            if read_timeout <= float(config.get(key, 60 if key == "TOOL_TIMEOUT" else 15)):
                problems.append(f"proxy-read-timeout {read_timeout:g} <= {key}")
        body = notes.get(prefix + "proxy-body-size")
        if body and quantity_bytes(body.replace("m", "M").replace("k", "K")) != int(config.get("MAX_BODY_SIZE", 4194304)):
            problems.append(f"proxy-body-size {body} != MAX_BODY_SIZE {config.get('MAX_BODY_SIZE')}")
        hash_by = notes.get(prefix + "upstream-hash-by", "")
        if hash_by and re.fullmatch(r"\$http_mcp_session_id", hash_by.strip()):
            problems.append("upstream-hash-by on the session header alone: initialize and every sessionless "
                            "request hash the empty string to one pod (see ingress.yaml)")
        if notes.get(prefix + "affinity") == "cookie":
            problems.append("cookie affinity: MCP clients keep no cookies")
        if hash_by and config.get("STATELESS_HTTP", "true") == "true":
            problems.append("an affinity hash with STATELESS_HTTP=true only unbalances the pods")
        paths = {p["path"] for rule in ingress["spec"].get("rules", []) for p in rule.get("http", {}).get("paths", [])}
        mcp_path = config.get("MCP_PATH", "/mcp")
        if mcp_path not in paths and "/" not in paths:
            problems.append(f"MCP_PATH {mcp_path} is not routed")
        if config.get("METRICS_PATH", "/metrics") in paths or ("/" in paths and config.get("METRICS_REQUIRE_AUTH") != "true"):
            problems.append("/metrics is reachable through the Ingress without authentication")
        keepalive = float(config.get("KEEPALIVE_TIMEOUT", 5))
        if keepalive <= 60:
            problems.append(f"KEEPALIVE_TIMEOUT {keepalive:g} <= ingress-nginx upstream-keepalive-timeout 60: idle-connection races give 502")
        if not ingress["spec"].get("tls"):
            problems.append("no TLS section")
        figures = (f"buffering off, read timeout {read_timeout:g}s > TOOL_TIMEOUT/SSE keep-alive, body {body}, "
                   f"hash {hash_by or 'none (STATELESS_HTTP=' + config.get('STATELESS_HTTP', 'true') + ')'}, "
                   f"routes {sorted(paths)}, KEEPALIVE_TIMEOUT {keepalive:g}s > 60s")
    check("k8s-ingress", problems, figures)


# --- Docker Compose -------------------------------------------------------------------------

INTERPOLATION = re.compile(r"\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value, environment: dict[str, str], problems: list[str]):
    """Compose variable interpolation (${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
    ${VAR:+alternative}, $VAR, $$) over every string of the file, as `docker compose config` does."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment, problems) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment, problems) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(1):
            return "$"
        name = match.group(2) or match.group(5)
        operator, argument = match.group(3), match.group(4) or ""
        current = environment.get(name)
        unset_or_empty = current is None or (current == "" and operator and operator.startswith(":"))
        if operator in (":-", "-"):
            return argument if unset_or_empty else current
        if operator in (":?", "?"):
            if unset_or_empty:
                problems.append(f"${{{name}}} is required ({argument}): `docker compose` fails without it")
            return current or ""
        if operator in (":+", "+"):
            return "" if unset_or_empty else argument
        return current or ""

    return INTERPOLATION.sub(replace, value)


def compose_schema() -> dict:
    import importlib.resources as resources
    return json.loads(resources.files(compose_vendor).joinpath("compose-spec.json").read_text())


def service_environment(service: dict) -> dict[str, str]:
    environment = service.get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def check_compose(docker: dict | None) -> None:
    if not os.path.exists(COMPOSE_FILE):
        report("compose-schema", False, "docker-compose.yml is missing")
        return
    with open(COMPOSE_FILE) as handle:
        raw = yaml.safe_load(handle)  # YAML merge keys (<<: *anchor) are resolved here, as compose does
    problems: list[str] = []
    model = interpolate(raw, {}, problems)
    schema = compose_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(model), key=lambda e: list(e.absolute_path)):
        problems.append(f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message[:200]}")
    services = model.get("services", {})
    check("compose-schema", problems,
          f"{len(services)} services valid against the Compose Specification schema "
          f"(check-jsonschema vendor copy, {schema.get('$schema', '').split('/')[-2]}) after interpolation with defaults only")

    # Every host path the file builds from or mounts exists in the repo.
    problems = []
    mounted = []
    stages = set(docker["stages"]) if docker else set()
    for name, service in services.items():
        build = service.get("build")
        if build is not None:
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not os.path.isdir(os.path.join(ROOT, context)):
                problems.append(f"{name}: build context {context} missing")
            elif not os.path.isfile(os.path.join(ROOT, context, dockerfile)):
                problems.append(f"{name}: {os.path.join(context, dockerfile)} missing")
            target = None if isinstance(build, str) else build.get("target")
            if target and docker and target not in stages:
                problems.append(f"{name}: build target {target} is not a stage of the Dockerfile {sorted(stages)}")
        for volume in service.get("volumes", []):
            if isinstance(volume, str):
                source = volume.split(":", 1)[0] if ":" in volume else None
                kind = "bind" if source and (source.startswith((".", "/", "~"))) else "volume"
            else:
                source, kind = volume.get("source"), volume.get("type")
            if kind != "bind":
                if source and source not in model.get("volumes", {}):
                    problems.append(f"{name}: named volume {source} is not declared under volumes:")
                continue
            path = os.path.normpath(os.path.join(ROOT, source))
            mounted.append(rel(path))
            if not os.path.exists(path):
                problems.append(f"{name}: bind-mounted {rel(path)} does not exist in the repo")
    check("compose-host-paths", problems,
          f"build contexts, Dockerfile targets and {len(mounted)} bind mounts exist: {sorted(set(mounted))}")

    # Profiles and dependencies.
    problems = []
    profiles = {name: set(service.get("profiles", [])) for name, service in services.items()}
    expected = {"mcp-server-prod": set(), "mcp-server-dev": {"dev"}, "mcp-1": {"lb"}, "mcp-2": {"lb"}, "mcp-3": {"lb"},
                "nginx": {"lb"}, "prometheus": {"monitoring"}, "grafana": {"monitoring"}}
    for name, wanted in expected.items():
        if name not in services:
            problems.append(f"service {name} missing")
        elif profiles[name] != wanted:
            problems.append(f"{name} has profiles {sorted(profiles[name])}, expected {sorted(wanted)}")
    for name, service in services.items():
        depends = service.get("depends_on", {})
        depends = {d: {"condition": "service_started"} for d in depends} if isinstance(depends, list) else depends
        for target, rule in depends.items():
            if target not in services:
                problems.append(f"{name} depends on unknown {target}")
                continue
            # Starting `name` must start `target` too: the target is always on, or shares a profile.
            if profiles[target] and not profiles[target] & profiles[name]:
                problems.append(f"{name} (profiles {sorted(profiles[name])}) depends on {target}, "
                                f"which only runs in {sorted(profiles[target])}")
            if rule.get("condition") == "service_healthy":
                dependency = services[target]
                build = dependency.get("build")
                built_target = build.get("target") if isinstance(build, dict) else None
                image_check = bool(docker and docker["healthcheck"] and build is not None
                                   and (built_target or docker["stages"][-1]) == docker["stages"][-1])
                compose_check = "healthcheck" in dependency and not dependency["healthcheck"].get("disable")
                if not (compose_check or image_check):
                    problems.append(f"{name} waits for {target} to be healthy, but {target} has no healthcheck")
    groups = {"default": sorted(n for n in services if not profiles[n])}
    for profile in sorted(set().union(*profiles.values())):
        groups[profile] = sorted(n for n in services if profile in profiles[n])
    check("compose-profiles", problems,
          "; ".join(f"{profile}: {', '.join(names)}" for profile, names in groups.items()) + "; dependencies start with them")

    # The lb replicas are exactly the upstream servers of nginx.conf and share SECRET_KEY.
    problems = []
    replicas = sorted(name for name in services if re.fullmatch(r"mcp-\d+", name))
    figures = ""
    if not os.path.exists(NGINX_CONF):
        problems.append("deploy/nginx/nginx.conf missing")
    else:
        upstreams = nginx_upstreams()
        servers = set().union(*(u["servers"] for u in upstreams.values())) if upstreams else set()
        wanted = {f"{name}:8000" for name in replicas}
        if not upstreams:
            problems.append("nginx.conf has no upstream block")
        for upstream, entry in upstreams.items():
            if entry["servers"] != wanted:
                problems.append(f"upstream {upstream} lists {sorted(entry['servers'])}, compose has {sorted(wanted)}")
        # nginx must close an idle upstream connection before the server does, or a POST written
        # onto a connection the server is closing fails with 502 (and is not retried).
        server_keepalive = min((float(service_environment(services[n]).get("KEEPALIVE_TIMEOUT") or 5) for n in replicas),
                               default=5.0)
        nginx_keepalive = max((u["keepalive"] for u in upstreams.values()), default=0.0)
        if nginx_keepalive >= server_keepalive:
            problems.append(f"nginx upstream keepalive_timeout {nginx_keepalive:g}s >= the replicas' KEEPALIVE_TIMEOUT {server_keepalive:g}s")
        figures = (f"{len(upstreams)} upstreams in nginx.conf list exactly {sorted(servers)}; upstream keep-alive "
                   f"{nginx_keepalive:g}s < server KEEPALIVE_TIMEOUT {server_keepalive:g}s")
    secrets = {name: service_environment(raw["services"][name]).get("SECRET_KEY") for name in replicas}
    if len(set(secrets.values())) != 1 or None in secrets.values():
        problems.append(f"SECRET_KEY differs between the replicas: {secrets}")
    for name in replicas:
        if service_environment(services[name]).get("PORT", "8000") != "8000":
            problems.append(f"{name} does not listen on 8000")
    check("compose-lb-upstreams", problems,
          f"{figures}; replicas {replicas} share SECRET_KEY {next(iter(secrets.values()), None)!r}")

    # Server containers: settings, limits, shutdown budget, hardening.
    problems = []
    documented = env_example_keys()
    figures = []
    for name in ["mcp-server-prod", *replicas]:
        if name not in services:
            continue
        service = services[name]
        environment = service_environment(service)
        unknown = set(environment) - documented - NON_SETTING_ENV
        if unknown:
            problems.append(f"{name}: {sorted(unknown)} not documented in env.example")
        graceful = float(environment.get("GRACEFUL_TIMEOUT") or (docker or {}).get("env", {}).get("GRACEFUL_TIMEOUT") or 30)
        stop = duration_seconds(service.get("stop_grace_period", "10s"))
        if stop is None or stop <= graceful:
            problems.append(f"{name}: stop_grace_period {service.get('stop_grace_period', '10s')} <= GRACEFUL_TIMEOUT {graceful:g}s")
        limits = service.get("deploy", {}).get("resources", {}).get("limits", {})
        if "cpus" not in limits or "memory" not in limits:
            problems.append(f"{name}: no deploy.resources.limits cpus/memory (the worker count follows the CPU limit)")
        if service.get("read_only"):
            tmpfs = service.get("tmpfs", [])
            tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
            writable = {t.split(":")[0] for t in tmpfs}
            for volume in service.get("volumes", []):
                writable.add(volume.split(":")[1] if isinstance(volume, str) else volume.get("target"))
            tmpdir = environment.get("TMPDIR", "/tmp")
            workspace = environment.get("WORKSPACE_DIR", "./workspace")
            for path in {tmpdir, "/app/workspace", "/app/logs", workspace}:
                if path.rstrip("/") not in writable:
                    problems.append(f"{name}: read-only root but {path} is not writable")
        if "ALL" not in service.get("cap_drop", []):
            problems.append(f"{name}: cap_drop does not include ALL")
        if not any(str(o).startswith("no-new-privileges") for o in service.get("security_opt", [])):
            problems.append(f"{name}: no security_opt no-new-privileges")
        test = service.get("healthcheck", {}).get("test")
        if test != ["CMD", "mcp-server", "healthcheck"]:
            problems.append(f"{name}: healthcheck {test}")
        host = environment.get("HOST") or (docker or {}).get("env", {}).get("HOST") or "127.0.0.1"
        if host not in ("0.0.0.0", "::"):
            problems.append(f"{name}: HOST {host} is not a wildcard: nothing outside the container reaches it")
        figures.append(f"{name} cpus {limits.get('cpus')} mem {limits.get('memory')} stop {service.get('stop_grace_period')}")
    dev = services.get("mcp-server-dev", {})
    dev_env = service_environment(dev)
    if dev_env.get("ENVIRONMENT") != "development":
        problems.append("mcp-server-dev: ENVIRONMENT is not development")
    command = dev.get("command") or []
    command = command.split() if isinstance(command, str) else command
    if "dev" not in command:
        problems.append(f"mcp-server-dev: command {command} does not run `mcp-server dev`")
    dev_ports = [str(p) for p in dev.get("ports", [])]
    if not any(p.split(":")[-2:-1] == ["8001"] or p.endswith(":8001") or p == "8001" for p in dev_ports):
        problems.append(f"mcp-server-dev: port 8001 not published ({dev_ports})")
    if docker and dev.get("build", {}).get("target") != "builder":
        problems.append("mcp-server-dev is not built from the builder stage")
    sources = os.path.join(dev.get("working_dir", "/"), "Sources")
    dev_mounts = [v.split(":")[:2] if isinstance(v, str) else [v.get("source"), v.get("target")] for v in dev.get("volumes", [])]
    if [os.path.normpath(s) for s, t in dev_mounts if t == sources] != ["Sources"]:
        problems.append(f"mcp-server-dev: ./Sources is not mounted at {sources} (working_dir/Sources, what the reloader watches)")
    check("compose-server-services", problems, "; ".join(figures) + "; dev runs `mcp-server dev` on 8001")

    # Monitoring: the scrape target is a service of the file, on the server's port.
    problems = []
    prometheus_yml = os.path.join(ROOT, "deploy", "monitoring", "prometheus.yml")
    targets: list[str] = []
    if not os.path.exists(prometheus_yml):
        problems.append("deploy/monitoring/prometheus.yml missing")
    else:
        config = yaml.safe_load(open(prometheus_yml)) or {}
        for job in config.get("scrape_configs", []):
            for static in job.get("static_configs", []):
                targets += static.get("targets", [])
        for target in targets:
            host, _, port = target.partition(":")
            if host in services and port != "8000":
                problems.append(f"target {target}: the server listens on 8000")
        if not any(t.split(":")[0] in services for t in targets):
            problems.append(f"no scrape target {targets} is a compose service")
        for rule_file in config.get("rule_files", []):
            local = os.path.join(ROOT, "deploy", "monitoring", os.path.relpath(rule_file, "/etc/prometheus")
                                 if rule_file.startswith("/") else rule_file)
            if not os.path.exists(local):
                problems.append(f"rule file {rule_file} is not in deploy/monitoring")
    # Grafana: the provisioned data source is the prometheus service, the dashboard provider
    # reads the folder the compose file mounts, and that folder holds dashboards.
    grafana = services.get("grafana", {})
    grafana_mounts = {}
    for volume in grafana.get("volumes", []):
        source, target = (volume.split(":")[:2] if isinstance(volume, str) else (volume.get("source"), volume.get("target")))
        grafana_mounts[target] = source
    provisioning = grafana_mounts.get("/etc/grafana/provisioning")
    datasource_urls, provider_paths = [], []
    if not provisioning:
        problems.append("grafana: nothing mounted at /etc/grafana/provisioning")
    else:
        folder = os.path.join(ROOT, provisioning)
        for kind in ("datasources", "dashboards"):
            files = sorted(f for f in os.listdir(os.path.join(folder, kind)) if f.endswith((".yml", ".yaml"))) \
                if os.path.isdir(os.path.join(folder, kind)) else []
            if not files:
                problems.append(f"grafana: no provisioning file in {rel(os.path.join(folder, kind))}")
            for name in files:
                content = yaml.safe_load(open(os.path.join(folder, kind, name))) or {}
                datasource_urls += [d.get("url", "") for d in content.get("datasources", [])]
                provider_paths += [p.get("options", {}).get("path") for p in content.get("providers", [])]
    for url in datasource_urls:
        match = re.match(r"https?://([^:/]+):(\d+)", url)
        if not match or match.group(1) not in services:
            problems.append(f"grafana data source {url} is not a compose service")
        elif match.group(1) == "prometheus" and match.group(2) != "9090":
            problems.append(f"grafana data source {url}: Prometheus listens on 9090")
    for path in provider_paths:
        if path not in grafana_mounts:
            problems.append(f"grafana dashboard provider reads {path}, which the compose file does not mount")
        else:
            folder = os.path.join(ROOT, grafana_mounts[path])
            boards = [f for f in os.listdir(folder) if f.endswith(".json")] if os.path.isdir(folder) else []
            if not boards:
                problems.append(f"grafana: {rel(folder)} has no dashboard JSON (an empty folder is not even in a git clone)")
            for board in boards:
                try:
                    json.load(open(os.path.join(folder, board)))
                except json.JSONDecodeError as error:
                    problems.append(f"grafana: {board} is not JSON ({error})")
    check("compose-monitoring", problems,
          f"prometheus.yml scrapes {targets} (compose services on :8000); grafana data source {datasource_urls}, "
          f"dashboards from {provider_paths}")


def check_compose_cli() -> None:
    """`docker compose config` when the Compose plugin is installed (a second, authoritative parser)."""
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        print("SKIP compose-cli: the docker compose plugin is not installed (the schema check above covers the file)")
        return
    result = subprocess.run([docker, "compose", "-f", COMPOSE_FILE, "--profile", "*", "config", "--quiet"],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    report("compose-cli", result.returncode == 0,
           "docker compose config accepts every profile" if result.returncode == 0 else result.stderr.strip()[:400])


# --- Dockerfile facts the manifests rely on ---------------------------------------------------

def check_dockerfile(docker: dict | None) -> None:
    if docker is None:
        report("dockerfile-contract", False, "Dockerfile missing at the repo root")
        return
    problems = []
    for stage in ("builder", "runtime"):
        if stage not in docker["stages"]:
            problems.append(f"no stage {stage} (stages {docker['stages']})")
    if docker["stages"] and docker["stages"][-1] != "runtime":
        problems.append(f"the last stage is {docker['stages'][-1]}, so a plain `docker build` does not make the runtime image")
    if 8000 not in docker["expose"]:
        problems.append(f"EXPOSE {docker['expose']} lacks 8000")
    if not docker["healthcheck"] or "healthcheck" not in docker["healthcheck"]:
        problems.append("no HEALTHCHECK running `mcp-server healthcheck`")
    if docker["user"] in (None, "root", "0"):
        problems.append(f"USER {docker['user']}: the runtime runs as root")
    if docker["env"].get("HOST") != "0.0.0.0":
        problems.append(f"ENV HOST {docker['env'].get('HOST')}")
    check("dockerfile-contract", problems,
          f"stages {docker['stages']}, uid {docker['uid']} gid {docker['gid']}, USER {docker['user']}, "
          f"EXPOSE {docker['expose']}, WORKDIR {docker['workdir']}")


def main() -> int:
    docker = dockerfile_facts()
    check_dockerfile(docker)
    documents = render_kubernetes()
    if documents is not None:
        validate_kubernetes(documents, "manifests")
        check_secret_example(documents)
        try:
            cross_check_kubernetes(documents, docker)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            report("k8s-cross-checks", False, f"manifest shape unexpected: {error!r}")
    try:
        check_compose(docker)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        report("compose-checks", False, f"compose file shape unexpected: {error!r}")
    check_compose_cli()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
