#!/usr/bin/env python3
"""Regenerates src/knowledge/python_symbols.txt: every module of the OpenTelemetry Python
packages below (and Honeycomb's distro), with the public names each one defines and the methods
of its classes. `code/unknown-otel-symbol` reads it to tell `TraceProvider` or a wrong exporter
module from real code.

Run from anywhere (needs Python 3.9+ and PyPI; about two minutes):

    python3 scripts/gen-python-otel-symbols.py [--venv DIR] [--output FILE]

It creates a throwaway virtualenv (or reuses --venv DIR), installs the pinned packages below
with the libraries their instrumentations import, imports every module of the `opentelemetry`
and `honeycomb.opentelemetry` namespaces in it, and writes the table. To follow a new release,
change the pins and run it again; `cargo test` then checks that
`knowledge::python::package_for_module` still names the package of every module and that every
OpenTelemetry name in the fixtures resolves.

Output format, one module per line, grouped by the distribution that installs it:

    = opentelemetry-sdk 1.45.1
    opentelemetry.sdk.trace Event ... TracerProvider:add_span_processor,force_flush,... ...

A name `Class:m1,m2` lists the public methods of a class (`Class:` none, `Class:*` any: the
class answers every attribute, or is a protocol buffer message); `Class=MODULE` is a class
that MODULE defines, under the same name, with its methods there; a lone `*` means the module
answers every name (it defines a module-level `__getattr__`). Names are sorted; names starting
with `_`, modules and what the module imports from outside OpenTelemetry under its own name
(`Optional`) are left out; submodules are their own lines.
"""

import __future__
import argparse
import importlib
import importlib.metadata
import inspect
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CORE = "1.45.1"
CONTRIB = "0.66b1"

INSTRUMENTATIONS = [
    "aiohttp-client", "asgi", "botocore", "celery", "dbapi", "django", "falcon", "fastapi",
    "flask", "grpc", "httpx", "logging", "psycopg2", "pyramid", "redis", "requests",
    "sqlalchemy", "starlette", "tornado", "urllib", "urllib3", "wsgi",
]

PINS = [
    f"opentelemetry-api=={CORE}",
    f"opentelemetry-sdk=={CORE}",
    f"opentelemetry-proto=={CORE}",
    f"opentelemetry-exporter-otlp=={CORE}",
    f"opentelemetry-exporter-otlp-proto-common=={CORE}",
    f"opentelemetry-exporter-otlp-proto-grpc=={CORE}",
    f"opentelemetry-exporter-otlp-proto-http=={CORE}",
    f"opentelemetry-propagator-b3=={CORE}",
    f"opentelemetry-propagator-jaeger=={CORE}",
    f"opentelemetry-semantic-conventions=={CONTRIB}",
    f"opentelemetry-distro=={CONTRIB}",
    f"opentelemetry-instrumentation=={CONTRIB}",
    f"opentelemetry-util-http=={CONTRIB}",
    f"opentelemetry-propagator-ot-trace=={CONTRIB}",
    f"opentelemetry-processor-baggage=={CONTRIB}",
    "opentelemetry-propagator-aws-xray==1.0.2",
    "opentelemetry-sdk-extension-aws==2.1.0",
    # `[instruments]` brings the library each instrumentation imports at module level.
    *(f"opentelemetry-instrumentation-{name}[instruments]=={CONTRIB}" for name in INSTRUMENTATIONS),
    # Libraries behind an `[instruments-any]` extra, which names alternatives: one of each.
    "botocore==1.44.8",
    "httpx==0.28.1",
    "psycopg2-binary==2.9.13",
]

# Honeycomb's distro pins an older opentelemetry-instrumentation (<0.44) that cannot sit beside
# the pins above; its own modules import fine with them, and only those are read from it.
WITHOUT_DEPENDENCIES = ["honeycomb-opentelemetry==0.6.0b0"]

NAMESPACES = ("opentelemetry", "honeycomb.opentelemetry")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "src" / "knowledge" / "python_symbols.txt"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", type=Path, help="virtualenv to create or reuse")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        sys.stdout.write(table())
        return
    with tempfile.TemporaryDirectory(prefix="otel-symbols-") as scratch:
        venv = args.venv or Path(scratch) / "venv"
        python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, *PINS], check=True)
        subprocess.run([*pip, "--no-deps", *WITHOUT_DEPENDENCIES], check=True)
        output = subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--dump"],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    args.output.write_text(output)
    lines = output.count("\n")
    print(f"wrote {args.output} ({lines} lines, {len(output.encode())} bytes)")


def table():
    """The table, from the distributions installed in the running interpreter."""
    python = ".".join(map(str, sys.version_info[:3]))
    out = [
        "# Generated by scripts/gen-python-otel-symbols.py: do not edit, run the script.",
        f"# Python {python}; every distribution below with its version. See the script",
        "# for the format.",
    ]
    for distribution, version, modules in distributions():
        out.append(f"= {distribution} {version}")
        for module in modules:
            out.append(" ".join([module, *names_of(importlib.import_module(module))]))
    return "\n".join(out) + "\n"


def distributions():
    """(name, version, modules) of every installed distribution with modules in NAMESPACES."""
    found = []
    for dist in importlib.metadata.distributions():
        modules = sorted(
            module
            for module in (module_of(str(f)) for f in dist.files or [])
            if module and any(module == ns or module.startswith(ns + ".") for ns in NAMESPACES)
        )
        if modules:
            found.append((dist.metadata["Name"].lower(), dist.version, modules))
    return sorted(found)


def module_of(path):
    """`opentelemetry/sdk/trace/__init__.py` → `opentelemetry.sdk.trace`."""
    if not path.endswith(".py"):
        return None
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if all(p.isidentifier() for p in parts) else None


def ours(module_name):
    return isinstance(module_name, str) and any(
        module_name == ns or module_name.startswith(ns + ".") for ns in NAMESPACES
    )


def names_of(module):
    """The public names `from module import NAME` finds, classes with their methods."""
    defined = vars(module)
    names = set(getattr(module, "__all__", ()))
    for name, value in defined.items():
        if name.startswith("_") or inspect.ismodule(value):
            continue
        if isinstance(value, __future__._Feature):  # `from __future__ import annotations`
            continue
        # `from typing import Optional` in the module: not a name it offers.
        foreign = not ours(getattr(value, "__module__", None))
        if foreign and getattr(value, "__name__", None) == name:
            continue
        names.add(name)
    entries = ["*"] if callable(defined.get("__getattr__")) else []
    for name in sorted(names):
        value = defined.get(name)
        if not inspect.isclass(value) or not ours(value.__module__):
            entries.append(name)
        elif value.__module__ != module.__name__ and defined_as(value, name):
            entries.append(f"{name}={value.__module__}")
        else:
            entries.append(f"{name}:{','.join(methods_of(value))}")
    return entries


def defined_as(cls, name):
    """Whether the module that defines the class offers it under this name too."""
    home = sys.modules.get(cls.__module__)
    return home is not None and getattr(home, name, None) is cls and not name.startswith("_")


def methods_of(cls):
    """What can be called on the class or its instances: `["*"]` when it answers everything."""
    # Protocol buffer messages (opentelemetry-proto) are data, not setup: any name goes.
    if any(
        "__getattr__" in vars(base) or base.__module__ == "google.protobuf.message"
        for base in cls.__mro__
        if base is not object
    ):
        return ["*"]
    methods = []
    for name in dir(cls):
        if name.startswith("_"):
            continue
        try:
            value = inspect.getattr_static(cls, name)
        except AttributeError:
            continue
        if isinstance(value, (staticmethod, classmethod)) or callable(value):
            methods.append(name)
    return methods


if __name__ == "__main__":
    main()
