#!/usr/bin/env python3
"""Copies installed Debian packages, with the closure of their Depends/Pre-Depends, into a root
filesystem folder: a container rootfs made from this host's own Debian files, no engine, no network.

usage: rootfs.py ROOTFS PACKAGE... [--exclude PACKAGE ...]

The host is Debian 12 with merged /usr, so bin, sbin, lib and lib64 become symlinks into usr/ first.
Only the packages' files are copied (what `dpkg -L` lists); maintainer scripts do not run, so the
caller adds what they would have made (users, alternatives, config)."""
import argparse
import os
import re
import shutil
import subprocess
import sys


def installed_packages() -> dict[str, dict]:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Abbrev}\t${Depends}\t${Pre-Depends}\t${Provides}\n"],
        check=True, capture_output=True, text=True).stdout
    packages: dict[str, dict] = {}
    for line in out.splitlines():
        name, status, depends, predepends, provides = (line.split("\t") + [""] * 5)[:5]
        if not status.startswith("ii"):
            continue
        packages[name] = {"depends": ", ".join(x for x in (depends, predepends) if x), "provides": provides}
    return packages


def alternatives(field: str) -> list[list[str]]:
    """'a (>= 1) | b, c:any' -> [['a', 'b'], ['c']]"""
    groups = []
    for group in filter(None, (g.strip() for g in field.split(","))):
        names = [re.sub(r"[\s(:\[].*$", "", alt.strip()) for alt in group.split("|")]
        groups.append([n for n in names if n])
    return groups


def closure(roots: list[str], exclude: set[str]) -> list[str]:
    packages = installed_packages()
    providers: dict[str, str] = {}
    for name, info in packages.items():
        for group in alternatives(info["provides"]):
            for virtual in group:
                providers.setdefault(virtual, name)
    wanted: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in wanted or name in exclude:
            continue
        if name not in packages:
            sys.exit(f"rootfs.py: package {name} is not installed on this host (apt-get install {name})")
        wanted.append(name)
        for group in alternatives(packages[name]["depends"]):
            if any(alt in exclude for alt in group):
                continue
            choice = next((alt for alt in group if alt in packages), None) \
                or next((providers[alt] for alt in group if alt in providers), None)
            if choice is None:
                sys.exit(f"rootfs.py: {name} needs one of {group}, none installed")
            todo.append(choice)
    return sorted(wanted)


def package_files(name: str) -> list[str]:
    out = subprocess.run(["dpkg-query", "-L", name], check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.startswith("/")]


def copy_path(path: str, rootfs: str) -> None:
    target = rootfs + path
    if os.path.islink(path):
        if os.path.lexists(target) and not os.path.isdir(target):
            os.unlink(target)
        if not os.path.lexists(target):
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(os.readlink(path), target)
    elif os.path.isdir(path):
        os.makedirs(target, exist_ok=True)
    elif os.path.isfile(path):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(path, target)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rootfs")
    parser.add_argument("packages", nargs="+")
    parser.add_argument("--exclude", action="append", default=[])
    args = parser.parse_args()
    rootfs = os.path.abspath(args.rootfs)
    if os.path.exists(rootfs):
        shutil.rmtree(rootfs)
    os.makedirs(os.path.join(rootfs, "usr"))
    for top in ("bin", "sbin", "lib", "lib64"):
        os.makedirs(os.path.join(rootfs, "usr", top), exist_ok=True)
        os.symlink(f"usr/{top}", os.path.join(rootfs, top))
    names = closure(args.packages, set(args.exclude))
    for name in names:
        for path in package_files(name):
            if path.startswith(("/usr/share/doc", "/usr/share/man", "/usr/share/info", "/usr/share/locale")):
                continue
            copy_path(path, rootfs)
    print(f"rootfs.py: {len(names)} packages into {rootfs}: {' '.join(names)}")


if __name__ == "__main__":
    main()
