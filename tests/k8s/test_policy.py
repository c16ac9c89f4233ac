"""Runs the manifest policy (policy.py) over every rendered overlay, checks what each overlay is
for, and proves the policy rejects bad manifests."""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

import policy

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KUBECTL = os.environ.get("KUBECTL", "kubectl")
OVERLAYS = {"base": 0, "overlays/minikube": 0, "overlays/production": 0, "overlays/canary": 0,
            "overlays/cluster-test": 0, "overlays/cluster-test-canary": 0}
OUR_SERVICES = ["receiver", "image-processor", "face-recognition", "frontend"]


def render(path: str) -> list[dict[str, Any]]:
    out = subprocess.run([KUBECTL, "kustomize", str(ROOT / "k8s" / path)], check=True,
                         capture_output=True, text=True).stdout
    return policy.load_documents([out])


_rendered: dict[str, list[dict[str, Any]]] = {}


def rendered(path: str) -> list[dict[str, Any]]:
    if path not in _rendered:
        _rendered[path] = render(path)
    return copy.deepcopy(_rendered[path])


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    for doc in docs:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            return doc
    raise AssertionError(f"{kind}/{name} not rendered")


def container(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["spec"]["template"]["spec"]["containers"][0]


# ---- every overlay passes ---------------------------------------------------------------------

@pytest.mark.parametrize("overlay", list(OVERLAYS))
def test_overlay_satisfies_policy(overlay: str) -> None:
    docs = rendered(overlay)
    assert policy.check(docs, max_unavailable=OVERLAYS[overlay]) == []


@pytest.mark.parametrize("overlay", list(OVERLAYS))
def test_overlay_has_the_pipeline(overlay: str) -> None:
    docs = rendered(overlay)
    for name in OUR_SERVICES + ["nsqlookupd"]:
        find(docs, "Deployment", name)
    for name in ["mysql", "nsqd"]:
        assert find(docs, "StatefulSet", name)["spec"]["volumeClaimTemplates"]
    assert find(docs, "Service", "mysql")["spec"]["clusterIP"] == "None"
    assert container(find(docs, "Job", "migrate"))["image"].split(":")[0].endswith("/migrate")
    for name in ["image-processor", "face-recognition"]:
        hpa = find(docs, "HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
    receiver_service = find(docs, "Service", "receiver-service")
    assert receiver_service["spec"]["type"] == "NodePort"
    assert receiver_service["spec"]["ports"][0]["port"] == 8000
    assert receiver_service["spec"]["selector"] == {"app": "receiver"}
    assert find(docs, "Service", "frontend")["spec"]["type"] == "NodePort"
    assert find(docs, "Service", "face-recognition")["spec"]["ports"][0]["port"] == 50051
    assert find(docs, "PersistentVolumeClaim", "images")["spec"]["accessModes"] == ["ReadWriteMany"]
    assert find(docs, "Secret", "face-pipeline-db")
    assert all(d["metadata"].get("namespace") == "face-pipeline" for d in docs if d["kind"] != "Namespace")


@pytest.mark.parametrize("overlay", list(OVERLAYS))
def test_probes_use_the_service_endpoints(overlay: str) -> None:
    docs = rendered(overlay)
    for name in ["receiver", "image-processor", "frontend"]:
        c = container(find(docs, "Deployment", name))
        assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    face = container(find(docs, "Deployment", "face-recognition"))
    assert face["readinessProbe"]["grpc"]["port"] == 50051
    assert face["livenessProbe"]["httpGet"]["path"] == "/healthz"


@pytest.mark.parametrize("overlay", list(OVERLAYS))
def test_prestop_matches_drain_seconds(overlay: str) -> None:
    docs = rendered(overlay)
    drain = int(find(docs, "ConfigMap", "face-pipeline-config")["data"]["DRAIN_SECONDS"])
    for name in OUR_SERVICES:
        assert policy.prestop_sleep_seconds(container(find(docs, "Deployment", name))) == drain


def test_nsqd_broadcasts_its_pod_dns_name() -> None:
    nsqd = container(find(rendered("base"), "StatefulSet", "nsqd"))
    assert "--broadcast-address=$(POD_NAME).nsqd.$(POD_NAMESPACE).svc" in nsqd["args"]
    assert "--lookupd-tcp-address=nsqlookupd:4160" in nsqd["args"]
    fields = {e["name"]: e["valueFrom"]["fieldRef"]["fieldPath"] for e in nsqd["env"] if "valueFrom" in e}
    assert fields == {"POD_NAME": "metadata.name", "POD_NAMESPACE": "metadata.namespace"}


def test_minikube_keeps_zero_unavailable_and_shrinks() -> None:
    # The new pod Ready before the only old one stops; the real single node has room for the surge pod.
    docs = rendered("overlays/minikube")
    for doc in docs:
        if doc["kind"] == "Deployment":
            assert doc["spec"]["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": 0}
    assert find(docs, "Deployment", "receiver")["spec"]["replicas"] == 1
    assert container(find(docs, "Deployment", "face-recognition"))["resources"]["requests"]["cpu"] == "250m"


def test_cluster_test_is_the_single_node_overlay_with_local_third_party_images() -> None:
    single = rendered("overlays/minikube")
    test = rendered("overlays/cluster-test")
    swapped = {"mariadb:11.4.5": "face-pipeline-test/mariadb:10.11-bookworm",
               "nsqio/nsq:v1.3.0": "face-pipeline-test/nsq:1.2.1"}
    for doc in single:
        if "template" in doc.get("spec", {}):
            for c in doc["spec"]["template"]["spec"]["containers"]:
                c["image"] = swapped.get(c["image"], c["image"])
    assert test == single
    images = {c["image"] for d in test if "template" in d.get("spec", {}) for c in d["spec"]["template"]["spec"]["containers"]}
    assert set(swapped.values()) <= images
    # Only the test overlays use the local builds.
    for overlay in ["base", "overlays/minikube", "overlays/production", "overlays/canary"]:
        rendered_text = str(rendered(overlay))
        assert "face-pipeline-test/" not in rendered_text, overlay
    canary = rendered("overlays/cluster-test-canary")
    assert find(canary, "Deployment", "receiver-canary")["spec"]["selector"]["matchLabels"] == \
        {"app": "receiver", "track": "canary"}
    assert container(find(canary, "StatefulSet", "mysql"))["image"] == swapped["mariadb:11.4.5"]


def test_production_runs_at_least_two_of_everything_stateless() -> None:
    docs = rendered("overlays/production")
    assert find(docs, "Deployment", "receiver")["spec"]["replicas"] >= 2
    assert find(docs, "Deployment", "frontend")["spec"]["replicas"] >= 2
    for name in ["image-processor", "face-recognition"]:
        assert find(docs, "HorizontalPodAutoscaler", name)["spec"]["minReplicas"] >= 2
        # the HPA owns replicas: a fixed count in the Deployment would fight it on every apply
        assert "replicas" not in find(docs, "Deployment", name)["spec"]


def test_canary_sits_behind_the_same_service() -> None:
    docs = rendered("overlays/canary")
    stable = find(docs, "Deployment", "receiver")
    canary = find(docs, "Deployment", "receiver-canary")
    assert canary["spec"]["replicas"] == 1
    assert canary["spec"]["selector"]["matchLabels"] == {"app": "receiver", "track": "canary"}
    assert stable["spec"]["selector"]["matchLabels"] == {"app": "receiver", "track": "stable"}
    selector = find(docs, "Service", "receiver-service")["spec"]["selector"]
    for deployment in (stable, canary):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert all(labels.get(k) == v for k, v in selector.items())


# ---- the policy rejects what it should --------------------------------------------------------

def good_receiver() -> list[dict[str, Any]]:
    docs = rendered("base")
    keep = {("Deployment", "receiver"), ("PodDisruptionBudget", "receiver"), ("ConfigMap", "face-pipeline-config")}
    return [d for d in docs if (d["kind"], d["metadata"]["name"]) in keep]


def mutate_container(change: Callable[[dict[str, Any]], None]) -> Callable[[list[dict[str, Any]]], None]:
    def apply(docs: list[dict[str, Any]]) -> None:
        change(container(find(docs, "Deployment", "receiver")))
    return apply


def mutate_spec(change: Callable[[dict[str, Any]], None]) -> Callable[[list[dict[str, Any]]], None]:
    def apply(docs: list[dict[str, Any]]) -> None:
        change(find(docs, "Deployment", "receiver")["spec"])
    return apply


BAD_CASES: dict[str, tuple[Callable[[list[dict[str, Any]]], None], str]] = {
    "no readiness probe": (mutate_container(lambda c: c.pop("readinessProbe")), "no readinessProbe"),
    "no liveness probe": (mutate_container(lambda c: c.pop("livenessProbe")), "no livenessProbe"),
    "no resources": (mutate_container(lambda c: c.pop("resources")), "no resources.requests.cpu"),
    "no memory limit": (mutate_container(lambda c: c["resources"]["limits"].pop("memory")), "no resources.limits.memory"),
    "no container securityContext": (mutate_container(lambda c: c.pop("securityContext")), "allowPrivilegeEscalation is not false"),
    "writable root filesystem": (mutate_container(lambda c: c["securityContext"].update(readOnlyRootFilesystem=False)), "readOnlyRootFilesystem is not true"),
    "capabilities kept": (mutate_container(lambda c: c["securityContext"].pop("capabilities")), "capabilities.drop lacks ALL"),
    "privileged": (mutate_container(lambda c: c["securityContext"].update(privileged=True)), "privileged is true"),
    "runs as root": (mutate_spec(lambda s: s["template"]["spec"]["securityContext"].update(runAsNonRoot=False, runAsUser=0)), "runAsUser is 0"),
    "no pod securityContext": (lambda docs: [find(docs, "Deployment", "receiver")["spec"]["template"]["spec"].pop("securityContext"),
                                             container(find(docs, "Deployment", "receiver"))["securityContext"].pop("runAsNonRoot")],
                               "runAsNonRoot is not true"),
    "no seccomp profile": (mutate_spec(lambda s: s["template"]["spec"]["securityContext"].pop("seccompProfile")), "seccompProfile.type is None"),
    "hostPort": (mutate_container(lambda c: c["ports"][0].update(hostPort=8000)), "uses hostPort 8000"),
    "hostNetwork": (mutate_spec(lambda s: s["template"]["spec"].update(hostNetwork=True)), "hostNetwork is true"),
    "latest image": (mutate_container(lambda c: c.update(image="face-pipeline/receiver:latest")), "uses the latest tag"),
    "untagged image": (mutate_container(lambda c: c.update(image="face-pipeline/receiver")), "has no tag"),
    "untagged image with registry port": (mutate_container(lambda c: c.update(image="localhost:5000/receiver")), "has no tag"),
    "Recreate strategy": (mutate_spec(lambda s: s.update(strategy={"type": "Recreate"})), "expected RollingUpdate"),
    "no strategy": (mutate_spec(lambda s: s.pop("strategy")), "expected RollingUpdate"),
    "maxUnavailable 1": (mutate_spec(lambda s: s["strategy"]["rollingUpdate"].update(maxUnavailable=1)), "maxUnavailable is 1"),
    "maxUnavailable percent": (mutate_spec(lambda s: s["strategy"]["rollingUpdate"].update(maxUnavailable="25%")), "maxUnavailable is '25%'"),
    "maxSurge 0": (mutate_spec(lambda s: s["strategy"]["rollingUpdate"].update(maxSurge=0)), "maxSurge is 0"),
    "maxSurge unset": (mutate_spec(lambda s: s["strategy"]["rollingUpdate"].pop("maxSurge")), "maxSurge is not set"),
    "no preStop": (mutate_container(lambda c: c.pop("lifecycle")), "no preStop sleep"),
    "grace period too short": (mutate_spec(lambda s: s["template"]["spec"].update(terminationGracePeriodSeconds=29)), "terminationGracePeriodSeconds 29"),
    "preStop shorter than the drain": (mutate_container(lambda c: c["lifecycle"]["preStop"]["exec"].update(command=["sleep", "1"])), "preStop sleep 1 s does not match DRAIN_SECONDS 5"),
    "no PodDisruptionBudget": (lambda docs: docs.remove(find(docs, "PodDisruptionBudget", "receiver")), "no PodDisruptionBudget"),
}


def test_good_receiver_passes() -> None:
    assert policy.check(good_receiver()) == []


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_policy_rejects(case: str) -> None:
    change, expected = BAD_CASES[case]
    docs = good_receiver()
    change(docs)
    problems = policy.check(docs)
    assert any(expected in p for p in problems), problems


def test_one_unavailable_fails_the_zero_unavailable_rule() -> None:
    # What the single-node overlay used to render (maxUnavailable 1) fails the policy at max 0.
    docs = rendered("overlays/minikube")
    for doc in docs:
        if doc["kind"] == "Deployment":
            doc["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1
    problems = policy.check(docs, max_unavailable=0)
    assert sum("maxUnavailable is 1" in p for p in problems) == 5, problems
    assert policy.check(docs, max_unavailable=1) == []


def test_cli_rejects_the_seed_style_manifest() -> None:
    result = subprocess.run([sys.executable, str(HERE / "policy.py"), str(HERE / "fixtures" / "bad-deployment.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    for expected in ["uses the latest tag", "uses hostPort 8000", "no readinessProbe", "no livenessProbe",
                     "no resources.limits.cpu", "readOnlyRootFilesystem is not true", "expected RollingUpdate",
                     "no PodDisruptionBudget"]:
        assert expected in result.stdout, result.stdout


def test_cli_accepts_a_rendered_overlay_and_rejects_empty_input() -> None:
    manifest = subprocess.run([KUBECTL, "kustomize", str(ROOT / "k8s/overlays/production")],
                              check=True, capture_output=True, text=True).stdout
    ok = subprocess.run([sys.executable, str(HERE / "policy.py"), "-"], input=manifest, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    empty = subprocess.run([sys.executable, str(HERE / "policy.py"), "-"], input="", capture_output=True, text=True)
    assert empty.returncode == 1
