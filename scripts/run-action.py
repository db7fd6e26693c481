"""Runs the steps of action.yml on this machine the way the GitHub runner would, to test the
action's own shell without GitHub: inputs (defaults, then KEY=VALUE arguments), `${{ }}`
expressions over inputs, steps' outputs and the runner, step conditions, GITHUB_OUTPUT,
GITHUB_PATH and GITHUB_STEP_SUMMARY. Steps that use another action are not run: actions/cache
is taken as a hit on a root where the binary built by cargo has been put, and upload-sarif only
checks that its file exists.

usage: run-action.py BINARY KEY=VALUE...   (prints the steps' output; exits with the failing
step's code, like the runner)
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def main() -> int:
    binary = pathlib.Path(sys.argv[1]).resolve()
    action = yaml.safe_load((REPOSITORY / "action.yml").read_text())
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    for argument in sys.argv[2:]:
        name, _, value = argument.partition("=")
        if name not in inputs:
            sys.exit(f"action.yml has no input {name!r}")
        inputs[name] = value
    runner = pathlib.Path(tempfile.mkdtemp(prefix="runner-"))
    context = {
        "inputs": inputs,
        "steps": {},
        "runner": {"os": "Linux", "arch": "X64", "tool_cache": str(runner / "tool-cache"),
                   "temp": str(runner / "temp")},
    }
    path_file = runner / "path"
    path_file.touch()
    environment = dict(os.environ)
    environment.update(
        GITHUB_ACTION_PATH=str(REPOSITORY),
        GITHUB_PATH=str(path_file),
        RUNNER_TOOL_CACHE=context["runner"]["tool_cache"],
        GITHUB_STEP_SUMMARY=environment.get("GITHUB_STEP_SUMMARY", str(runner / "summary.md")),
    )
    try:
        for number, step in enumerate(action["runs"]["steps"]):
            if "if" in step and not condition(step["if"], context):
                continue
            outputs = {}
            if "uses" in step:
                outputs = other_action(step, context, binary)
            else:
                added_paths = path_file.read_text().split()
                env = dict(environment, **{k: evaluate(v, context) for k, v in step.get("env", {}).items()})
                env["PATH"] = os.pathsep.join([*reversed(added_paths), env["PATH"]])
                output_file = runner / f"output-{number}"
                output_file.touch()
                env["GITHUB_OUTPUT"] = str(output_file)
                script = runner / f"step-{number}.sh"
                script.write_text(evaluate(step["run"], context))
                # How the runner runs `shell: bash`.
                command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
                code = subprocess.run(command, env=env).returncode
                if code != 0:
                    return code
                outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines())
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": outputs}
        return 0
    finally:
        shutil.rmtree(runner)


def lookup(expression: str, context: dict) -> str:
    value = context
    for part in expression.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value if isinstance(value, str) else ""


def evaluate(text: str, context: dict) -> str:
    return EXPRESSION.sub(lambda m: lookup(m.group(1), context), str(text))


def condition(expression: str, context: dict) -> bool:
    """The comparisons action.yml uses: `a.b == 'x'` and `a.b != 'x'`."""
    match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", expression)
    if not match:
        sys.exit(f"run-action.py cannot evaluate the condition {expression!r}")
    left, operator, right = match.groups()
    return (lookup(left, context) == right) == (operator == "==")


def other_action(step: dict, context: dict, binary: pathlib.Path) -> dict:
    name = step["uses"].split("@")[0]
    arguments = {k: evaluate(v, context) for k, v in step.get("with", {}).items()}
    if name == "actions/cache":
        root = pathlib.Path(arguments["path"])
        (root / "bin").mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, root / "bin" / "otel-doctor")
        return {"cache-hit": "true"}
    if name == "github/codeql-action/upload-sarif":
        if not pathlib.Path(arguments["sarif_file"]).is_file():
            sys.exit(f"upload-sarif: no file {arguments['sarif_file']!r}")
        print(f"(upload-sarif would upload {arguments['sarif_file']})")
        return {}
    sys.exit(f"run-action.py does not know the action {name}")


if __name__ == "__main__":
    sys.exit(main())
