"""The README's examples stay true: each `$ kg …` line of its ```text blocks is run against a
build of seeds/ (as on a terminal 100 columns wide) and must print what the README shows
(an example with a `#` comment, "a build of ../shared/corpus", is of another build: left out).

After a change that alters an answer, `python tests/test_readme.py --update` rewrites the
outputs in the README from the real ones (read them before committing).
"""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
WIDTH = 100
# what differs from run to run in a build's summary
_TIMING = re.compile(r"in \d+(?:\.\d+)?s \(\d+ docs/s, [^)]*\)")  # and workers, cache, temporary disk


def examples(text: str) -> list[tuple[str, list[str], int, int]]:
    """(command, expected output lines, first line, end line) of every example, where the lines
    are indexes into ``text.split("\\n")`` (the output's span, for rewriting)."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```text":
            i += 1
            continue
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            if not lines[i].startswith("$ kg "):
                i += 1
                continue
            cmd = lines[i][2:]
            other_build = "#" in cmd  # "$ kg rank …   # a build of ../shared/corpus": not the seeds
            i += 1
            while i < len(lines) and lines[i].startswith("             "):  # a command's continuation lines
                cmd += " " + lines[i].strip()
                i += 1
            start = i
            while i < len(lines) and not lines[i].startswith("$ ") and lines[i].strip() != "```":
                i += 1
            end = i
            while end > start and not lines[end - 1].strip():
                end -= 1  # the blank line before the next example
            if not other_build:
                out.append((cmd, lines[start:end], start, end))
    return out


def run(cmd: str, graph: Path, monkeypatch) -> list[str]:
    """The output of one README command, as a terminal WIDTH columns wide would show it."""
    from typer.testing import CliRunner

    import kg.cli
    import kg.output

    monkeypatch.setattr(kg.cli, "_fmt", lambda fmt: fmt.value if fmt is not None else "table")
    monkeypatch.setattr(kg.output.shutil, "get_terminal_size", lambda *a, **k: __import__("os").terminal_size((WIDTH, 40)))
    args = shlex.split(cmd)[1:]
    if args[0] == "build":
        args += ["--out", str(graph)]
        monkeypatch.chdir(ROOT)
    else:
        args += ["--graph", str(graph)]
    got = CliRunner().invoke(kg.cli.app, args)
    text = got.output.replace(str(graph), "exports")
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def _cases():
    return [pytest.param(cmd, expected, id=cmd[:60]) for cmd, expected, _, _ in examples(README.read_text("utf-8"))]


@pytest.fixture(scope="module")
def readme_build(tmp_path_factory):
    import kg

    out = tmp_path_factory.mktemp("readme-build")
    kg.build([ROOT / "seeds"]).write(out)
    return out


def test_the_readme_has_examples():
    assert len(_cases()) >= 6


@pytest.mark.parametrize("cmd, expected", _cases())
def test_readme_example(cmd, expected, readme_build, monkeypatch, tmp_path):
    graph = tmp_path / "exports" if cmd.startswith("kg build") else readme_build
    def norm(lines):
        return [_TIMING.sub("in …", line).rstrip() for line in lines]
    assert norm(run(cmd, graph, monkeypatch)) == norm(expected)


if __name__ == "__main__" and "--update" in sys.argv:  # rewrite the README's outputs from real runs
    import tempfile

    import kg

    class _Patch:
        def setattr(self, obj, name, value):
            setattr(obj, name, value)

        def chdir(self, path):
            __import__("os").chdir(path)

    text = README.read_text("utf-8")
    lines = text.split("\n")
    with tempfile.TemporaryDirectory() as tmp:
        build = Path(tmp) / "seeds-build"
        kg.build([ROOT / "seeds"]).write(build)
        for cmd, _, start, end in reversed(examples(text)):
            graph = Path(tmp) / "exports" if cmd.startswith("kg build") else build
            lines[start:end] = run(cmd, graph, _Patch())
    README.write_text("\n".join(lines), "utf-8")
    print(f"{README}: {len(examples(text))} examples rewritten")
