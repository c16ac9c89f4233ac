#!/usr/bin/env python3
"""Policy for the rendered Kubernetes manifests (k8s/overlays/*): what every workload must carry.

usage: policy.py [--max-unavailable N] FILE... ('-' reads stdin). Prints one line per violation
and exits 1 when there is any. tests/k8s/test_policy.py runs it over every overlay and over bad
manifests that must fail.
"""
from __future__ import annotations

import argparse
import re
import sys
from typing import Any, Iterable

import yaml

POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}
PROBED_KINDS = {"Deployment", "StatefulSet", "DaemonSet"}
# After its preStop sleep a service of ours drains for DRAIN_SECONDS, then finishes in-flight work
# within SHUTDOWN_TIMEOUT_SECONDS (default 20). Other software gets this long after preStop.
DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 20
THIRD_PARTY_SHUTDOWN_SECONDS = 5


def load_documents(texts: Iterable[str]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for text in texts:
        for doc in yaml.safe_load_all(text):
            if not doc:
                continue
            if doc.get("kind") == "List":
                docs.extend(item for item in doc.get("items", []) if item)
            else:
                docs.append(doc)
    return docs


def object_name(doc: dict[str, Any]) -> str:
    return f"{doc.get('kind')}/{doc.get('metadata', {}).get('name', '?')}"


def pod_spec_of(doc: dict[str, Any]) -> dict[str, Any] | None:
    if doc.get("kind") == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"].get("spec")
    if doc.get("kind") in POD_TEMPLATE_KINDS:
        return doc.get("spec", {}).get("template", {}).get("spec")
    if doc.get("kind") == "Pod":
        return doc.get("spec")
    return None


def image_problem(image: str) -> str | None:
    """None when the image names an explicit, non-`latest` tag or a digest."""
    if "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image {image!r} has no tag"
    if last.rsplit(":", 1)[1] == "latest":
        return f"image {image!r} uses the latest tag"
    return None


def prestop_sleep_seconds(container: dict[str, Any]) -> int | None:
    """The preStop delay in seconds (exec `sleep N` or the native sleep action), None when absent."""
    pre_stop = (container.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in pre_stop:
        return int(pre_stop["sleep"].get("seconds", 0))
    command = (pre_stop.get("exec") or {}).get("command") or []
    words = " ".join(str(c) for c in command)
    match = re.search(r"\bsleep\s+(\d+)", words)
    return int(match.group(1)) if match else None


def check_container(where: str, container: dict[str, Any], pod: dict[str, Any], probed: bool) -> list[str]:
    problems: list[str] = []
    name = f"{where} container {container.get('name')}"

    problem = image_problem(str(container.get("image", "")))
    if problem:
        problems.append(f"{name}: {problem}")

    for port in container.get("ports") or []:
        if "hostPort" in port:
            problems.append(f"{name}: uses hostPort {port['hostPort']}")

    resources = container.get("resources") or {}
    for section in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            if resource not in (resources.get(section) or {}):
                problems.append(f"{name}: no resources.{section}.{resource}")

    pod_sc = pod.get("securityContext") or {}
    sc = container.get("securityContext") or {}
    if not (sc.get("runAsNonRoot") is True or (pod_sc.get("runAsNonRoot") is True and sc.get("runAsNonRoot") is not False)):
        problems.append(f"{name}: securityContext.runAsNonRoot is not true")
    if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
        problems.append(f"{name}: securityContext.runAsUser is 0")
    if sc.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{name}: securityContext.allowPrivilegeEscalation is not false")
    if sc.get("privileged") is True:
        problems.append(f"{name}: securityContext.privileged is true")
    if sc.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{name}: securityContext.readOnlyRootFilesystem is not true")
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        problems.append(f"{name}: securityContext.capabilities.drop lacks ALL")
    if (sc.get("capabilities") or {}).get("add"):
        problems.append(f"{name}: securityContext.capabilities.add is not empty")
    seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
    if seccomp not in ("RuntimeDefault", "Localhost"):
        problems.append(f"{name}: seccompProfile.type is {seccomp!r}, expected RuntimeDefault")

    if probed:
        for probe in ("readinessProbe", "livenessProbe"):
            if not container.get(probe):
                problems.append(f"{name}: no {probe}")
    return problems


def check_pod(where: str, pod: dict[str, Any], probed: bool) -> list[str]:
    problems: list[str] = []
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            problems.append(f"{where}: {flag} is true")
    for container in pod.get("initContainers") or []:
        problems += check_container(where, container, pod, probed=False)
    containers = pod.get("containers") or []
    if not containers:
        problems.append(f"{where}: no containers")
    for container in containers:
        problems += check_container(where, container, pod, probed)
    return problems


def check_deployment(doc: dict[str, Any], max_unavailable: int, configmaps: dict[str, dict[str, str]]) -> list[str]:
    where = object_name(doc)
    problems: list[str] = []
    strategy = doc.get("spec", {}).get("strategy") or {}
    if strategy.get("type") != "RollingUpdate":
        problems.append(f"{where}: strategy.type is {strategy.get('type')!r}, expected RollingUpdate")
    rolling = strategy.get("rollingUpdate") or {}
    surge, unavailable = rolling.get("maxSurge"), rolling.get("maxUnavailable")
    if surge is None:
        problems.append(f"{where}: rollingUpdate.maxSurge is not set")
    elif surge in (0, "0", "0%"):
        problems.append(f"{where}: rollingUpdate.maxSurge is 0")
    if unavailable is None:
        problems.append(f"{where}: rollingUpdate.maxUnavailable is not set")
    elif not isinstance(unavailable, int) or unavailable > max_unavailable:
        problems.append(f"{where}: rollingUpdate.maxUnavailable is {unavailable!r}, at most {max_unavailable} allowed")

    pod = doc.get("spec", {}).get("template", {}).get("spec") or {}
    grace = pod.get("terminationGracePeriodSeconds", 30)
    for container in pod.get("containers") or []:
        delay = prestop_sleep_seconds(container)
        name = f"{where} container {container.get('name')}"
        if delay is None:
            problems.append(f"{name}: no preStop sleep (endpoints must be removed before SIGTERM)")
            continue
        settings = container_settings(container, configmaps)
        if "DRAIN_SECONDS" in settings:
            # One of ours: after preStop it drains, then gets up to the shutdown timeout for in-flight work.
            drain = int(float(settings["DRAIN_SECONDS"]))
            shutdown = int(float(settings.get("SHUTDOWN_TIMEOUT_SECONDS", DEFAULT_SHUTDOWN_TIMEOUT_SECONDS)))
            if delay != drain:
                problems.append(f"{name}: preStop sleep {delay} s does not match DRAIN_SECONDS {drain}")
        else:
            drain, shutdown = 0, THIRD_PARTY_SHUTDOWN_SECONDS
        if grace < delay + drain + shutdown:
            problems.append(f"{where}: terminationGracePeriodSeconds {grace} < preStop {delay} + drain {drain}"
                            f" + shutdown timeout {shutdown}")
    return problems


def container_settings(container: dict[str, Any], configmaps: dict[str, dict[str, str]]) -> dict[str, str]:
    """Plain environment a container gets from envFrom ConfigMaps and literal env values."""
    settings: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        ref = source.get("configMapRef") or {}
        settings.update(configmaps.get(ref.get("name", ""), {}))
    for variable in container.get("env") or []:
        if "value" in variable:
            settings[variable["name"]] = str(variable["value"])
    return settings


def check_disruption_budgets(docs: list[dict[str, Any]]) -> list[str]:
    """Every Deployment's pods are covered by some PodDisruptionBudget."""
    budgets = [d for d in docs if d.get("kind") == "PodDisruptionBudget"]
    problems = []
    for doc in docs:
        if doc.get("kind") != "Deployment":
            continue
        labels = doc["spec"]["template"]["metadata"].get("labels") or {}
        covered = any(
            all(labels.get(k) == v for k, v in ((b["spec"].get("selector") or {}).get("matchLabels") or {}).items())
            for b in budgets
        )
        if not covered:
            problems.append(f"{object_name(doc)}: no PodDisruptionBudget selects its pods")
    return problems


def check(docs: list[dict[str, Any]], max_unavailable: int = 0) -> list[str]:
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
    problems: list[str] = []
    for doc in docs:
        pod = pod_spec_of(doc)
        if pod is None:
            continue
        problems += check_pod(object_name(doc), pod, probed=doc.get("kind") in PROBED_KINDS)
        if doc.get("kind") == "Deployment":
            problems += check_deployment(doc, max_unavailable, configmaps)
    problems += check_disruption_budgets(docs)
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-unavailable", type=int, default=0,
                        help="largest rollingUpdate.maxUnavailable allowed (minikube: 1)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    texts = [sys.stdin.read() if f == "-" else open(f, encoding="utf-8").read() for f in args.files]
    docs = load_documents(texts)
    if not docs:
        print("policy: no Kubernetes objects in input", file=sys.stderr)
        return 1
    problems = check(docs, args.max_unavailable)
    for problem in problems:
        print(f"policy: {problem}")
    if not problems:
        workloads = sum(1 for d in docs if pod_spec_of(d) is not None)
        print(f"policy: {len(docs)} objects, {workloads} workloads, no violations", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
