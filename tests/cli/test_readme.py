"""The README, held to the tool: every command it shows is run, and every sample output it shows must be what
the tool prints.

What the README shows, and how it is checked:
- ```console blocks are terminal sessions: a line `$ command` is run, and the lines after it, up to the next
  `$`, are what it prints (stdout and stderr together, whitespace collapsed, no colour). A block with a `...`
  line shows an excerpt: its lines must appear in the output in that order. A block without one shows all the
  output: it must be exactly that. `$ echo $?` followed by a number is the exit code of the command before;
  a command not followed by one must exit 0. `sgpack` runs as `python -m compiler.cli` from this checkout;
  anything else (`mkdir`, `grep`) runs in bash. Commands run in a scratch folder holding `examples/`, so
  nothing is written into the checkout.
- The ```sh block of the quick start holds the two set-up commands; .ci/run must run exactly those, after
  at most the lines that install the system packages the tests need (apt-get, nothing else).
- The ```text block of "Commands" is the synopsis: the same commands, options, choices and arguments as
  `--help` shows.
- The limits table is the output of `sgpack evidence --limits`, row for row.
A failure names the README line it is about.
"""
from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest

from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
ELLIPSIS = "..."


# ------------------------------------------------------------------------------------------------ reading

@dataclass
class Block:
    lang: str
    line: int                          # README line of the opening fence
    lines: list[tuple[int, str]]       # (README line, text with the fence's indent removed)


def blocks(text: str) -> list[Block]:
    """Every fenced block of the README, in order."""
    found: list[Block] = []
    current: Block | None = None
    indent = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.lstrip(" ")
        if current is None:
            if stripped.startswith("```"):
                indent = len(raw) - len(stripped)
                current = Block(stripped[3:].strip(), number, [])
        elif stripped.startswith("```"):
            found.append(current)
            current = None
        else:
            current.lines.append((number, raw[indent:] if raw[:indent].strip() == "" else raw.strip()))
    assert current is None, f"README.md line {current.line}: a fenced block is never closed"
    return found


@dataclass
class Step:
    """One `$ command` of a console block, with the output and exit code the README shows for it."""
    line: int
    command: str
    expected: list[tuple[int, str]] = field(default_factory=list)
    exit_code: int = 0
    exit_line: int | None = None


def steps(block: Block) -> list[Step]:
    out: list[Step] = []
    waiting_for_code: Step | None = None
    for number, text in block.lines:
        if text.startswith("$ "):
            command = text[2:].strip()
            if command == "echo $?":
                assert out, f"README.md line {number}: `$ echo $?` with no command before it"
                waiting_for_code = out[-1]
                continue
            waiting_for_code = None
            out.append(Step(number, command))
        elif waiting_for_code is not None:
            assert text.strip().isdigit(), f"README.md line {number}: `$ echo $?` must be followed by an exit code"
            waiting_for_code.exit_code, waiting_for_code.exit_line = int(text.strip()), number
            waiting_for_code = None
        else:
            assert out, f"README.md line {number}: output before any `$ command` in a console block"
            out[-1].expected.append((number, text))
    return out


def readme_blocks() -> list[Block]:
    return blocks(README.read_text(encoding="utf-8"))


def console_blocks() -> list[Block]:
    return [b for b in readme_blocks() if b.lang == "console"]


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------------ running

@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A scratch folder where `examples/` is the checkout's, and every output goes."""
    folder = tmp_path_factory.mktemp("readme")
    (folder / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    return folder


def run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONIOENCODING": "utf-8",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    words = shlex.split(command)
    if words and words[0] == "sgpack":
        args: list[str] | str = [sys.executable, "-m", "compiler.cli", *words[1:]]
    else:
        args = ["bash", "-c", command]
    return subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, encoding="utf-8",
                          timeout=600)


def check_output(step: Step, output: str) -> None:
    """The README's sample output of `step` against what the command printed."""
    actual = [squash(line) for line in output.splitlines() if line.strip()]
    shown = [(n, squash(text)) for n, text in step.expected if text.strip()]
    where = f"README.md line {step.line} (`$ {step.command}`)"
    printed = "\n".join(output.splitlines()[:200])
    if not any(text == ELLIPSIS for _, text in shown):
        for index, got in enumerate(actual + [None] * (len(shown) - len(actual))):
            number, text = shown[index] if index < len(shown) else (step.line, None)
            if text != got:
                pytest.fail(f"{where}: the README shows all of its output; README.md line {number} differs:\n"
                            f"  README: {text}\n  tool:   {got}\n--- the tool printed ---\n{printed}")
        return
    at = 0
    for number, text in shown:
        if text == ELLIPSIS:
            continue
        try:
            at = actual.index(text, at) + 1
        except ValueError:
            pytest.fail(f"{where}: README.md line {number} is not in the output (in this order):\n  {text}\n"
                        f"--- the tool printed ---\n{printed}")


@pytest.mark.parametrize("block", console_blocks(), ids=lambda b: f"README.md-line-{b.line}")
def test_every_command_the_readme_shows_prints_what_it_shows(block: Block, workspace: Path) -> None:
    found = steps(block)
    assert found, f"README.md line {block.line}: a console block with no `$ command`"
    for step in found:
        result = run(step.command, workspace)
        assert "Traceback" not in result.stdout, f"README.md line {step.line}: `$ {step.command}` crashed:\n{result.stdout}"
        said = f"README.md line {step.exit_line}" if step.exit_line else f"README.md line {step.line} (no `echo $?`: 0)"
        assert result.returncode == step.exit_code, (
            f"{said}: `$ {step.command}` exited {result.returncode}, not {step.exit_code}\n{result.stdout[-3000:]}")
        check_output(step, result.stdout)


def test_the_readme_shows_the_commands_a_new_user_runs() -> None:
    commands = [s.command for b in console_blocks() for s in steps(b)]
    for wanted in ("sgpack demo", "sgpack check examples/plans --evidence examples/evidence --as-of 2026-11-20"):
        assert wanted in commands, f"README.md: no console block runs `{wanted}`"
    exits = {s.exit_code for b in console_blocks() for s in steps(b)}
    assert {0, 1, 2} <= exits, "README.md: show a run exiting 0, one exiting 1 (findings) and one exiting 2 (a bad plan)"


# ------------------------------------------------------------------------------------------------ set-up

def quick_start() -> Block:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Quick start")
    line = text[:start].count("\n") + 1
    found = [b for b in readme_blocks() if b.lang == "sh" and b.line > line]
    assert found, "README.md: no ```sh block of set-up commands under '## Quick start'"
    return found[0]


def ci_commands() -> list[str]:
    """The commands .ci/run runs, without its comments, `set` options and `cd` to the checkout."""
    out = []
    for raw in CI_RUN.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith(("set ", "cd ")):
            continue
        out.append(line)
    return out


def installs_system_packages(line: str) -> bool:
    """A .ci/run line that only installs system packages with apt-get (LibreOffice for a round-trip test)."""
    return "apt-get install" in line and not re.search(r"\b(pip|pytest|venv|sgpack)\b", line)


def test_the_set_up_is_two_commands_and_ci_runs_exactly_them() -> None:
    block = quick_start()
    shown = [(n, text.strip()) for n, text in block.lines if text.strip()]
    assert len(shown) == 2, f"README.md line {block.line}: the set-up is two commands (install, test), not {len(shown)}"
    (install_line, install), (test_line, test) = shown
    assert "python3 -m venv .venv" in install and "pip install '.[test]'" in install and "sgpack demo" in install, (
        f"README.md line {install_line}: the first set-up command makes the environment, installs and runs the demo")
    assert test == "python -m pytest", f"README.md line {test_line}: the second set-up command runs the tests"
    commands = ci_commands()
    system = commands[:-2]
    assert commands[-2:] == [install, test] and all(installs_system_packages(line) for line in system), (
        f"README.md lines {install_line}-{test_line} and .ci/run differ: .ci/run must run exactly the README's "
        f"set-up commands, after only system package installs.\nREADME: {[install, test]}\n.ci/run: {commands}")


# ------------------------------------------------------------------------------------------------ commands

def synopsis() -> dict[str, tuple[int, str]]:
    """{command: (README line, its synopsis text)} from the ```text block under '## Commands'."""
    text = README.read_text(encoding="utf-8")
    line = text[:text.index("## Commands")].count("\n") + 1
    block = next((b for b in readme_blocks() if b.lang == "text" and b.line > line), None)
    assert block is not None, "README.md: no ```text synopsis block under '## Commands'"
    out: dict[str, tuple[int, str]] = {}
    name = None
    for number, raw in block.lines:
        words = raw.split()
        if not words:
            continue
        if words[0] == "sgpack":
            name = words[1]
            assert name not in out, f"README.md line {number}: `sgpack {name}` twice in the synopsis"
            out[name] = (number, " ".join(words[2:]))
        else:
            assert name is not None, f"README.md line {number}: synopsis text before any `sgpack COMMAND`"
            out[name] = (out[name][0], out[name][1] + " " + " ".join(words))
    return out


def _expected_options(command: click.Command) -> tuple[list[tuple[str, ...]], list[tuple[str, list[str]]], list[str]]:
    """(the names of each option but --help, (option, choices) for each choice option, argument names)."""
    options: list[tuple[str, ...]] = []
    choices: list[tuple[str, list[str]]] = []
    arguments: list[str] = []
    if isinstance(command, click.Group):          # `sgpack new plan [...]`: the subcommands and their options
        for sub_name, sub in command.commands.items():
            sub_options, sub_choices, sub_arguments = _expected_options(sub)
            options += sub_options
            choices += sub_choices
            arguments += [sub_name, *sub_arguments]
        return options, choices, arguments
    for param in command.params:
        if isinstance(param, click.Argument):
            name = param.metavar or param.name.upper()
            arguments.append(name + ("..." if param.nargs == -1 and not name.endswith("...") else ""))
            continue
        names = tuple(param.opts + param.secondary_opts)
        if "--help" not in names:
            options.append(names)
        if isinstance(param.type, click.Choice):
            choices.append((max(param.opts, key=len), list(param.type.choices)))
    return options, choices, arguments


def test_the_synopsis_lists_what_help_shows() -> None:
    shown = synopsis()
    ctx = click.Context(cli)
    commands = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}   # those loaded when named too
    assert set(shown) == set(commands), (
        f"README.md: the synopsis lists {sorted(shown)}, `sgpack --help` lists {sorted(commands)}")
    for name, command in commands.items():
        line, text = shown[name]
        options, choices, arguments = _expected_options(command)
        written = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", text))
        missing = [names for names in options if not written & set(names)]
        unknown = written - {n for names in options for n in names}
        assert not missing and not unknown, (
            f"README.md line {line}: `sgpack {name}` options differ from `sgpack {name} --help`: "
            f"missing {sorted('/'.join(names) for names in missing)}, not an option {sorted(unknown)}")
        for option, values in choices:
            assert re.search(rf"{re.escape(option)} {re.escape('|'.join(values))}(?![\w|])", text), (
                f"README.md line {line}: `sgpack {name}` shows {option} {'|'.join(values)} as `--help` does")
        for argument in arguments:
            assert argument in text.replace("[", " ").replace("]", " ").split(), (
                f"README.md line {line}: `sgpack {name}` takes {argument}")


# ------------------------------------------------------------------------------------------------ limits

def readme_limits() -> tuple[int, list[tuple[str, str]]]:
    lines = README.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "| limit | default |"), None)
    assert start is not None, "README.md: no `| limit | default |` table"
    rows = []
    for line in lines[start + 2:]:
        if not line.strip().startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append((cells[0], cells[1]))
    return start + 1, rows


def test_the_limits_table_is_what_evidence_limits_prints(workspace: Path) -> None:
    line, shown = readme_limits()
    result = run("sgpack evidence --limits", workspace)
    assert result.returncode == 0, result.stdout
    printed = [tuple(re.split(r"\s{2,}", row.strip(), maxsplit=1)) for row in result.stdout.splitlines() if row.strip()]
    # the number of reader processes is the machine's; the README gives the rule
    printed = [(name, re.sub(r"^\d+ \((.*)\)$", r"\1", value)) for name, value in printed]
    differ = [(a, b) for a, b in itertools.zip_longest(shown, printed) if a != b]
    assert not differ, (
        f"README.md line {line}: the limits table differs from `sgpack evidence --limits`:\n"
        + "\n".join(f"  README {a}\n  tool   {b}" for a, b in differ))
