"""Runs the steps of action.yml on this machine the way the GitHub runner would, to test the
Action's own scripts without GitHub: inputs (defaults, then NAME=VALUE arguments), `${{ }}`
expressions and step conditions over inputs, steps' outputs, `github` and the runner (the
expression language's literals, comparisons, `!`, `&&`, `||`, parentheses and `always()`),
a failed step skipping the later steps that do not ask for `always()`, GITHUB_OUTPUT,
GITHUB_PATH and GITHUB_STEP_SUMMARY. The one step that uses another action
(github/codeql-action/upload-sarif) is not run: it checks its file and says what it would
upload. At the end it prints the Action's outputs, one `output NAME=VALUE` line each.

usage: run-action.py [--github NAME=VALUE]... INPUT=VALUE...
  --github event.pull_request.head.repo.fork=true   sets a `github` context value ('true',
                                                     'false' or a string)
Exits with the failing step's code, like the runner; 0 when every step passed.
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
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)
TOKEN = re.compile(r"\s*(?:(\()|(\))|(&&)|(\|\|)|(==)|(!=)|(!)|'((?:[^']|'')*)'|([\w.\-\[\]]+\(\))|([\w.\-]+))")


def main() -> int:
    arguments = sys.argv[1:]
    github = {"actor": "octocat", "event_name": "push", "event": {}, "action_ref": ""}
    while arguments and arguments[0] == "--github":
        name, _, value = arguments[1].partition("=")
        parts = name.split(".")
        target = github
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = {"true": True, "false": False}.get(value, value)
        arguments = arguments[2:]
    action = yaml.safe_load((REPOSITORY / "action.yml").read_text())
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    for argument in arguments:
        name, _, value = argument.partition("=")
        if name not in inputs:
            sys.exit(f"action.yml has no input {name!r}")
        inputs[name] = value
    runner = pathlib.Path(tempfile.mkdtemp(prefix="runner-"))
    context = {
        "inputs": inputs,
        "steps": {},
        "github": github,
        "runner": {"os": "Linux", "arch": "X64", "temp": str(runner / "temp"),
                   "tool_cache": str(runner / "tool-cache")},
    }
    (runner / "temp").mkdir()
    path_file = runner / "path"
    path_file.touch()
    environment = dict(os.environ)
    environment.update(
        GITHUB_ACTION_PATH=str(REPOSITORY),
        GITHUB_PATH=str(path_file),
        GITHUB_ACTIONS="true",
        RUNNER_OS=context["runner"]["os"],
        RUNNER_ARCH=context["runner"]["arch"],
        RUNNER_TEMP=context["runner"]["temp"],
        RUNNER_TOOL_CACHE=os.environ.get("RUNNER_TOOL_CACHE", context["runner"]["tool_cache"]),
        GITHUB_STEP_SUMMARY=environment.get("GITHUB_STEP_SUMMARY", str(runner / "summary.md")),
    )
    failed = 0
    try:
        for number, step in enumerate(action["runs"]["steps"]):
            condition = step.get("if", "success()")
            context["failed"] = failed != 0
            if not truthy(evaluate_expression(strip(condition), context)):
                continue
            outputs = {}
            code = 0
            if "uses" in step:
                code = other_action(step, context)
            else:
                added_paths = path_file.read_text().split()
                env = dict(environment, **{k: interpolate(v, context)
                                           for k, v in step.get("env", {}).items()})
                env["PATH"] = os.pathsep.join([*reversed(added_paths), env["PATH"]])
                output_file = runner / f"output-{number}"
                output_file.touch()
                env["GITHUB_OUTPUT"] = str(output_file)
                script = runner / f"step-{number}.sh"
                script.write_text(interpolate(step["run"], context))
                # How the runner runs `shell: bash`.
                command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
                sys.stdout.flush()
                code = subprocess.run(command, env=env).returncode
                # File commands are read whatever the step's outcome.
                outputs = dict(line.split("=", 1)
                               for line in output_file.read_text().splitlines() if "=" in line)
            if "id" in step:
                context["steps"][step["id"]] = {"outputs": outputs}
            if code != 0 and failed == 0:
                failed = code
        for name, spec in action.get("outputs", {}).items():
            print(f"output {name}={interpolate(spec['value'], context)}")
        return failed
    finally:
        shutil.rmtree(runner)


def strip(expression: str) -> str:
    match = EXPRESSION.fullmatch(expression.strip())
    return match.group(1) if match else expression


def lookup(name: str, context: dict):
    value = context
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def truthy(value) -> bool:
    return value not in (None, False, "", 0)


def number(value) -> float:
    """How GitHub coerces a value of another type for `==`: null 0, booleans 0 or 1, strings
    as numbers ('' is 0; not a number is NaN)."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    try:
        return float(value.strip() or 0)
    except ValueError:
        return float("nan")


def equals(left, right) -> bool:
    """GitHub's `==`: strings compare ignoring case; values of different types as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if type(left) is type(right):
        return left == right
    return number(left) == number(right)


def interpolate(value, context: dict) -> str:
    return EXPRESSION.sub(lambda m: text(evaluate_expression(m.group(1), context)), str(value))


def evaluate_expression(expression: str, context: dict):
    """GitHub's expression language, the part action.yml uses."""
    tokens = []
    position = 0
    expression = expression.strip()
    while position < len(expression):
        match = TOKEN.match(expression, position)
        if not match or match.end() == position:
            sys.exit(f"run-action.py cannot read {expression!r} at {expression[position:]!r}")
        tokens.append(match)
        position = match.end()
    tokens.append(None)
    at = 0

    def peek(group):
        return tokens[at] is not None and tokens[at].group(group) is not None

    def primary():
        nonlocal at
        token = tokens[at]
        at += 1
        if token is None:
            sys.exit(f"run-action.py: {expression!r} ends too soon")
        if token.group(1):
            value = disjunction()
            at += 1  # ')'
            return value
        if token.group(7):
            return not truthy(primary())
        if token.group(8) is not None:
            return token.group(8).replace("''", "'")
        if token.group(9):
            function = token.group(9)[:-2]
            if function == "always":
                return True
            if function == "success":
                return not context["failed"]
            if function == "failure":
                return context["failed"]
            sys.exit(f"run-action.py does not know the function {function}()")
        word = token.group(10)
        if word in ("true", "false"):
            return word == "true"
        if word == "null":
            return None
        return lookup(word, context)

    def comparison():
        nonlocal at
        left = primary()
        while peek(5) or peek(6):
            equal = peek(5)
            at += 1
            right = primary()
            same = equals(left, right)
            left = same if equal else not same
        return left

    def chain(operand, operator: int, takes_right):
        """`a && b && ...` or `a || b || ...`: the value that decides, as GitHub returns it."""
        def parse():
            nonlocal at
            left = operand()
            while peek(operator):
                at += 1
                right = operand()
                left = right if takes_right(left) else left
            return left
        return parse

    conjunction = chain(comparison, 3, truthy)
    disjunction = chain(conjunction, 4, lambda left: not truthy(left))

    value = disjunction()
    if tokens[at] is not None:
        sys.exit(f"run-action.py cannot read the end of {expression!r}")
    return value


def other_action(step: dict, context: dict) -> int:
    name = step["uses"].split("@")[0]
    arguments = {k: interpolate(v, context) for k, v in step.get("with", {}).items()}
    if name == "github/codeql-action/upload-sarif":
        if not pathlib.Path(arguments["sarif_file"]).is_file():
            print(f"upload-sarif: no file {arguments['sarif_file']!r}")
            return 1
        print(f"(upload-sarif would upload {arguments['sarif_file']} as {arguments['category']})")
        return 0
    sys.exit(f"run-action.py does not know the action {name}")


if __name__ == "__main__":
    sys.exit(main())
