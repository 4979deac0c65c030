"""The deployment files in deploy/ against the code they deploy, without Docker or a cluster.

Every expectation is computed from the code: the settings the services read
(libs/monazite_infra/settings.py), the topic catalogue (libs/monazite_infra/topics.py), the
routes the gateway serves, the modules and console scripts of this repository.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import shlex
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from fastapi.routing import APIRoute
from starlette.routing import Match

from monazite_gateway.app import create_app
from monazite_gateway.routes import stream
from monazite_infra.settings import Settings
from monazite_infra.topics import CATALOGUE

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
NGINX_CONF = DEPLOY / "nginx.conf"

# Files a user applies by hand, on purpose not in kustomization.yaml.
OPTIONAL_MANIFESTS = {"secret.example.yaml", "topics-strimzi.yaml", "ingress-nginx.yaml"}
# The Monazite services of compose.yaml and their workloads in deploy/kubernetes/.
WORKLOADS = {
    "init": ("Job", "monazite-init"),
    "processor": ("Deployment", "monazite-processor"),
    "gateway": ("Deployment", "monazite-gateway"),
}
# Settings whose value depends on the installation, so compose and Kubernetes may differ.
SITE_SPECIFIC = {"KAFKA_BOOTSTRAP", "DATABASE_URL", "MONAZITE_REPLICATION_FACTOR"}
# Without these two a service falls back to the embedded development stack.
CONNECTIONS = {"KAFKA_BOOTSTRAP", "DATABASE_URL"}

Document = dict[str, Any]


def documents(path: Path) -> list[Document]:
    """The YAML documents of a file, leaving out the empty one a leading `---` makes."""
    with path.open() as stream_of_text:
        return [doc for doc in yaml.safe_load_all(stream_of_text) if doc is not None]


def settings_aliases() -> set[str]:
    return {field.alias for field in Settings.model_fields.values() if field.alias}


def compose() -> Document:
    [document] = documents(COMPOSE)
    return document


def compose_environment() -> dict[str, str]:
    environment: dict[str, str] = compose()["x-monazite-env"]
    return {name: str(value) for name, value in environment.items()}


def kubernetes_resources(*files: str) -> list[Document]:
    names = files or tuple(kustomization()["resources"])
    return [doc for name in names for doc in documents(KUBERNETES / name)]


def kustomization() -> Document:
    [document] = documents(KUBERNETES / "kustomization.yaml")
    return document


def resource(kind: str, name: str, *files: str) -> Document:
    found = [
        doc
        for doc in kubernetes_resources(*files)
        if doc["kind"] == kind and doc["metadata"]["name"] == name
    ]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def configmap_data() -> dict[str, str]:
    data: dict[str, str] = resource("ConfigMap", "monazite-config", "configmap.yaml")["data"]
    return data


def kubernetes_settings() -> Settings:
    """The settings a pod gets from the ConfigMap (the database URL is the Secret's affair)."""
    return Settings.model_validate(configmap_data())


def pod_spec(kind: str, name: str) -> Document:
    spec: Document = resource(kind, name)["spec"]["template"]["spec"]
    return spec


def containers(spec: Document) -> list[Document]:
    return [*spec.get("initContainers", []), *spec["containers"]]


def kubernetes_environment(container: Document) -> set[str]:
    """Names set by `env` and by the ConfigMaps and Secrets that `envFrom` refers to."""
    names = {variable["name"] for variable in container.get("env", [])}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            referred = resource("ConfigMap", source["configMapRef"]["name"])
            names |= set(referred["data"])
        if "secretRef" in source:
            # Created by hand from the template, which names its keys.
            referred = resource("Secret", source["secretRef"]["name"], "secret.example.yaml")
            names |= set(referred.get("stringData", {})) | set(referred.get("data", {}))
    return names


def required_variables() -> set[str]:
    """The connections plus every setting compose gives its services."""
    return CONNECTIONS | {name for name in compose_environment() if name in settings_aliases()}


def compose_commands() -> Iterator[list[str]]:
    for service in compose()["services"].values():
        for key in ("entrypoint", "command"):
            if isinstance(service.get(key), list):
                yield [str(part) for part in service[key]]
        test = service.get("healthcheck", {}).get("test")
        if isinstance(test, list) and test[0] == "CMD":
            yield [str(part) for part in test[1:]]


def kubernetes_commands() -> Iterator[list[str]]:
    for doc in kubernetes_resources():
        template = doc.get("spec", {}).get("template")
        if template is None:
            continue
        for container in containers(template["spec"]):
            yield [*container.get("command", []), *container.get("args", [])]
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                if "exec" in container.get(probe, {}):
                    yield list(container[probe]["exec"]["command"])


def dockerfile_copies() -> list[tuple[list[str], str]]:
    """(sources, destination) of each COPY from the build context (not from another stage)."""
    copies = []
    for line in DOCKERFILE.read_text().splitlines():
        words = shlex.split(line) if line.startswith("COPY ") else []
        if words and not any(word.startswith("--from") for word in words):
            arguments = [word for word in words[1:] if not word.startswith("--")]
            copies.append((arguments[:-1], arguments[-1]))
    return copies


def gateway_serves_get(path: str) -> bool:
    """Whether the gateway routes `GET path` to a handler (asked of its router, not started)."""
    app = create_app(Settings())
    scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "app": app}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


def stream_paths() -> set[str]:
    return {route.path for route in stream.router.routes if isinstance(route, APIRoute)}


def seconds(duration: str) -> float:
    """An nginx duration (`60s`, `1h`, `90`) or an ingress-nginx timeout (seconds) in seconds."""
    match = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", duration.strip())
    assert match, f"not a duration: {duration!r}"
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[match[2] or "s"]
    return int(match[1]) * unit


def nginx_locations() -> dict[str, dict[str, str]]:
    """Each `location` of nginx.conf (`= /path` or `/path`) with its directives."""
    text = re.sub(r"#[^\n]*", "", NGINX_CONF.read_text())
    locations = {}
    for match in re.finditer(r"location\s+([^{]+?)\s*\{([^{}]*)\}", text):
        directives = (part.split(None, 1) for part in match[2].split(";") if part.strip())
        locations[match[1]] = {words[0]: words[1] if len(words) > 1 else "" for words in directives}
    return locations


def nginx_location_for(path: str) -> dict[str, str]:
    """The location nginx picks for `path`: an exact match, else the longest prefix."""
    locations = nginx_locations()
    if f"= {path}" in locations:
        return locations[f"= {path}"]
    prefixes = [p for p in locations if not p.startswith(("=", "~")) and path.startswith(p)]
    assert prefixes, f"no location of nginx.conf serves {path}"
    return locations[max(prefixes, key=len)]


# Files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(DEPLOY.rglob("*.yaml")), ids=lambda p: str(p.relative_to(DEPLOY))
)
def test_every_yaml_file_in_deploy_parses_into_mappings(path: Path) -> None:
    parsed = documents(path)
    assert parsed, f"{path} holds no document"
    assert all(isinstance(doc, dict) for doc in parsed)


def test_the_kustomization_applies_every_manifest_but_the_optional_ones() -> None:
    listed = set(kustomization()["resources"])
    present = {path.name for path in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present - OPTIONAL_MANIFESTS
    assert present >= OPTIONAL_MANIFESTS


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_the_kustomization_builds_with_kubectl() -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(KUBERNETES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    kinds = {(doc["kind"], doc["metadata"]["name"]) for doc in yaml.safe_load_all(built.stdout)}
    assert set(WORKLOADS.values()) <= kinds


def test_every_file_the_dockerfile_copies_exists_and_is_in_the_build_context() -> None:
    included = [
        line[1:].rstrip("/")
        for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
        if line.startswith("!")
    ]
    sources = [source.rstrip("/") for sources, _ in dockerfile_copies() for source in sources]
    assert sources, "the Dockerfile copies nothing"
    for source in sources:
        assert (REPO / source).exists(), f"the Dockerfile copies {source}, which does not exist"
        assert any(source == kept or source.startswith(kept + "/") for kept in included), (
            f"{source} is left out of the build context by Dockerfile.dockerignore"
        )


# Environment -------------------------------------------------------------------------------------


def test_compose_sets_only_variables_the_services_read() -> None:
    assert set(compose_environment()) - settings_aliases() == set()


def test_the_configmap_sets_only_variables_the_services_read_with_valid_values() -> None:
    assert set(configmap_data()) - settings_aliases() == set()
    kubernetes_settings()  # raises on a value the settings refuse


@pytest.mark.parametrize("service", sorted(WORKLOADS))
def test_compose_gives_the_service_every_variable_it_needs(service: str) -> None:
    environment = compose()["services"][service]["environment"]
    assert required_variables() - set(environment) == set()


@pytest.mark.parametrize("service", sorted(WORKLOADS))
def test_kubernetes_gives_the_service_every_variable_it_needs(service: str) -> None:
    for container in containers(pod_spec(*WORKLOADS[service])):
        missing = required_variables() - kubernetes_environment(container)
        assert missing == set(), f"{service} container {container['name']} lacks {missing}"


def test_compose_and_kubernetes_agree_on_every_setting_but_the_site_specific_ones() -> None:
    in_compose, in_kubernetes = compose_environment(), configmap_data()
    differing = {
        name: (in_compose[name], in_kubernetes[name])
        for name in (set(in_compose) & set(in_kubernetes)) - SITE_SPECIFIC
        if in_compose[name] != in_kubernetes[name]
    }
    assert differing == {}


# Commands ----------------------------------------------------------------------------------------


def assert_runnable(command: list[str]) -> str:
    """Check a `python …` or `monazite …` command against this repository; say what it ran."""
    program, *arguments = command
    if program == "python" and arguments[0] == "-m":
        module = arguments[1]
        spec = importlib.util.find_spec(f"{module}.__main__") or importlib.util.find_spec(module)
        assert spec is not None, f"no module {module}"
        assert spec.origin is not None, f"{module} is not a file"
        assert Path(spec.origin).is_relative_to(REPO), f"{module} is not this repository's"
        return module
    if program == "python" and arguments[0] == "-c":
        for node in ast.walk(ast.parse(arguments[1])):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(imported, alias.name), f"{node.module} has no {alias.name}"
        return "python -c"
    if program == "python":
        script = arguments[0]
        copied = [sources for sources, destination in dockerfile_copies() if destination == script]
        assert copied, f"the image has no {script}: the Dockerfile copies nothing there"
        return script
    if program == "monazite":
        scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
        module, attribute = scripts[program].split(":")
        group = getattr(importlib.import_module(module), attribute)
        assert isinstance(group, click.Group)
        subcommand = next((word for word in arguments if not word.startswith("-")), None)
        if subcommand is None:
            return program
        assert subcommand in group.commands, f"monazite has no command {subcommand}"
        return f"{program} {subcommand}"
    return program


def test_every_compose_command_runs_something_in_the_image() -> None:
    ran = {assert_runnable(command) for command in compose_commands()}
    assert {"monazite_processor", "monazite_gateway", "python -c", "monazite publish"} <= ran


def test_every_kubernetes_command_runs_something_in_the_image() -> None:
    ran = {assert_runnable(command) for command in kubernetes_commands()}
    assert {"monazite_processor", "monazite_gateway", "python -c"} <= ran


def test_every_dockerfile_target_command_runs_a_module_or_script_of_the_project() -> None:
    commands = {target: cmd for target, cmd in dockerfile_targets().items() if cmd}
    assert set(commands) == {"processor", "gateway", "tools"}
    for command in commands.values():
        assert_runnable(command)
    assert assert_runnable(commands["tools"]) == "monazite"


def test_kubernetes_init_runs_the_same_command_as_compose_init() -> None:
    [container] = pod_spec(*WORKLOADS["init"])["containers"]
    assert container["command"] == compose()["services"]["init"]["command"]


def test_the_processor_health_check_is_the_same_in_compose_and_kubernetes() -> None:
    compose_check = compose()["services"]["processor"]["healthcheck"]["test"][1:]
    [container] = pod_spec(*WORKLOADS["processor"])["containers"]
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["exec"]["command"] == compose_check


# Processor and gateway ---------------------------------------------------------------------------


def test_the_processor_runs_two_workers_rolled_without_losing_one() -> None:
    deployment = resource(*WORKLOADS["processor"])
    assert deployment["spec"]["replicas"] == 2
    strategy = deployment["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0
    assert compose()["services"]["processor"]["deploy"]["replicas"] == 2


def test_a_standby_takes_the_fold_over_well_within_the_consumer_group_session() -> None:
    """A dead folder's lease expires no later than its consumer-group session: the fold does
    not wait longer for a takeover than Kafka waits to reassign the partitions."""
    for settings in (compose_environment(), configmap_data()):
        assert float(settings["MONAZITE_FOLD_LEASE_S"]) <= float(
            settings["MONAZITE_SESSION_TIMEOUT_S"]
        )


def test_the_kubernetes_gateway_probes_ask_routes_the_gateway_serves_on_its_port() -> None:
    [container] = pod_spec(*WORKLOADS["gateway"])["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    probed = set()
    for probe in ("livenessProbe", "readinessProbe"):
        http = container[probe]["httpGet"]
        assert gateway_serves_get(http["path"]), (
            f"{probe} asks {http['path']}, which the gateway lacks"
        )
        assert ports.get(http["port"], http["port"]) == kubernetes_settings().gateway_port
        probed.add(http["path"])
    assert len(probed) == 2, "liveness and readiness ask the same route"
    service = resource("Service", "monazite-gateway")
    [service_port] = service["spec"]["ports"]
    assert ports.get(service_port["targetPort"]) == kubernetes_settings().gateway_port


def test_the_compose_gateway_health_check_asks_a_served_route_on_its_port() -> None:
    [code] = compose()["services"]["gateway"]["healthcheck"]["test"][-1:]
    url = re.search(r"http://[^:/]+:(\d+)(/[^'\"]*)", code)
    assert url, f"no URL in the gateway health check: {code}"
    assert gateway_serves_get(url[2]), f"the gateway serves no GET {url[2]}"
    assert int(url[1]) == int(compose_environment()["MONAZITE_GATEWAY_PORT"])


def test_nginx_proxies_to_the_gateway_port() -> None:
    upstream = re.search(r"server\s+gateway:(\d+)", NGINX_CONF.read_text())
    assert upstream, "nginx.conf names no gateway upstream"
    assert int(upstream[1]) == int(compose_environment()["MONAZITE_GATEWAY_PORT"])


# The live stream ---------------------------------------------------------------------------------


def test_nginx_passes_the_live_stream_unbuffered_and_outwaits_its_keep_alive() -> None:
    heartbeat_s = Settings.model_validate(compose_environment()).stream_heartbeat_s
    assert stream_paths(), "the gateway serves no stream"
    for path in stream_paths():
        location = nginx_location_for(path)
        assert location.get("proxy_buffering") == "off", f"nginx buffers {path}"
        assert seconds(location.get("proxy_read_timeout", "60s")) > 2 * heartbeat_s


def ingress_route_for(path: str) -> tuple[dict[str, str], Document]:
    """The annotations and backend ingress-nginx uses for `path`: an Exact path, else the
    longest Prefix."""
    candidates = [
        (backend["pathType"] != "Exact", -len(backend["path"]), index, annotations, backend)
        for index, ingress in enumerate(documents(KUBERNETES / "ingress-nginx.yaml"))
        for annotations in [ingress["metadata"].get("annotations", {})]
        for rule in ingress["spec"]["rules"]
        for backend in rule["http"]["paths"]
        if backend["path"] == path
        or (backend["pathType"] == "Prefix" and path.startswith(backend["path"].rstrip("/") + "/"))
        or (backend["pathType"] == "Prefix" and backend["path"] == "/")
    ]
    assert candidates, f"no Ingress path serves {path}"
    *_, annotations, backend = min(candidates, key=lambda candidate: candidate[:3])
    return annotations, backend["backend"]["service"]


def test_the_ingress_passes_the_live_stream_unbuffered_and_outwaits_its_keep_alive() -> None:
    heartbeat_s = kubernetes_settings().stream_heartbeat_s
    service = resource("Service", "monazite-gateway")
    service_ports = {port["name"] for port in service["spec"]["ports"]}
    assert stream_paths(), "the gateway serves no stream"
    for path in stream_paths():
        annotations, backend = ingress_route_for(path)
        assert annotations.get("nginx.ingress.kubernetes.io/proxy-buffering") == "off"
        timeout = annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout", "60")
        assert seconds(timeout) > 2 * heartbeat_s
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"]["name"] in service_ports


# Topics ------------------------------------------------------------------------------------------


def test_the_strimzi_topics_are_the_catalogue_with_the_configured_partitions_and_replicas() -> None:
    settings = kubernetes_settings()
    expected = {
        spec.name(settings): (spec.partition_count(settings), settings.replication_factor)
        for spec in CATALOGUE
    }
    topics = documents(KUBERNETES / "topics-strimzi.yaml")
    assert {topic["kind"] for topic in topics} == {"KafkaTopic"}
    declared = {
        topic["spec"].get("topicName", topic["metadata"]["name"]): (
            topic["spec"]["partitions"],
            topic["spec"]["replicas"],
        )
        for topic in topics
    }
    assert len(declared) == len(topics), "a topic is declared twice"
    assert declared == expected


def dockerfile_targets() -> dict[str, list[str]]:
    """Each build stage's name and the CMD it sets (empty when it sets none)."""
    targets: dict[str, list[str]] = {}
    stage = ""
    for line in DOCKERFILE.read_text().splitlines():
        words = line.split()
        if words[:1] == ["FROM"] and "AS" in words:
            stage = words[words.index("AS") + 1]
            targets[stage] = []
        elif words[:1] == ["CMD"] and stage:
            targets[stage] = json.loads(line.removeprefix("CMD").strip())
    return targets


def test_each_compose_service_built_here_names_a_dockerfile_target_whose_command_is_its_own() -> (
    None
):
    targets = dockerfile_targets()
    built = {name: service for name, service in compose()["services"].items() if "build" in service}
    assert {"processor", "gateway"} <= set(built)
    for name, service in built.items():
        target = service["build"]["target"]
        assert target in targets, f"{name} builds target {target!r}, not in the Dockerfile"
        if name in ("processor", "gateway"):
            # The image runs its service even without compose's command (Kubernetes, docker run).
            assert targets[target] == service["command"], name
    assert list(targets)[-1] == "tools"  # a plain `docker build` gives the command line
