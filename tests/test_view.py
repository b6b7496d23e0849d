"""kg view: a self-contained offline HTML page (Cytoscape.js shipped in the package) and a
static SVG; the page is loaded in a real browser (headless Chromium), which must draw it."""
from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import tempfile

import pytest
from lxml import etree
from typer.testing import CliRunner

from kg.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def page(seeds_build, tmp_path_factory):
    out, _ = seeds_build
    target = tmp_path_factory.mktemp("view") / "japan.html"
    r = runner.invoke(app, ["view", "日本", "--graph", str(out), "--out", str(target)])
    assert r.exit_code == 0, r.output
    return target


def page_data(path) -> dict:
    text = path.read_text(encoding="utf-8")
    m = re.search(r'<script id="kg-data" type="application/json">(.*?)</script>', text, re.S)
    return json.loads(m.group(1))


def test_the_page_is_self_contained_and_the_same_every_time(page, seeds_build, tmp_path):
    text = page.read_text(encoding="utf-8")
    assert "<script src" not in text and "<link" not in text  # nothing fetched at view time
    assert "The Cytoscape Consortium" in text and "Permission is hereby granted" in text  # the library, licence kept
    data = page_data(page)
    japan = next(n for n in data["nodes"] if n["center"])
    assert japan["label"] == "Japan" and {"en", "zh-Hans"} <= {lab["lang"] for lab in japan["labels"]}
    assert {n["type"] for n in data["nodes"]} <= {"schema:Country", "schema:Organization", "schema:Person", "kg:Policy"}
    restricts = [e for e in data["links"] if e["relation"] == "restricts" and e["target"].endswith("/china")
                 and e["source"].endswith("/japan")]
    assert restricts and restricts[0]["evidence"] and restricts[0]["sources"][0]["url"].startswith("http")
    again = tmp_path / "again.html"
    out, _ = seeds_build
    assert runner.invoke(app, ["view", "Japan", "--graph", str(out), "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == page.read_bytes()


def test_articles_only_when_asked(seeds_build, tmp_path):
    out, _ = seeds_build
    target = tmp_path / "with.html"
    assert runner.invoke(app, ["view", "Japan", "--articles", "--graph", str(out), "--out", str(target)]).exit_code == 0
    assert "schema:NewsArticle" in {n["type"] for n in page_data(target)["nodes"]}


def test_svg_is_a_picture_of_the_same_nodes(seeds_build, page, tmp_path):
    out, _ = seeds_build
    target = tmp_path / "japan.svg"
    r = runner.invoke(app, ["view", "Japan", "--format", "svg", "--graph", str(out), "--out", str(target)])
    assert r.exit_code == 0, r.output
    svg = etree.parse(str(target))
    ns = {"s": "http://www.w3.org/2000/svg"}
    data = page_data(page)
    assert len(svg.xpath("//s:g", namespaces=ns)) == len(data["nodes"])
    assert len(svg.xpath("//s:path[@marker-end]", namespaces=ns)) == len(data["links"])
    assert "Japan" in svg.xpath("//s:text/text()", namespaces=ns)


def test_view_errors_are_one_line(seeds_build):
    out, _ = seeds_build
    r = runner.invoke(app, ["view", "Jappan", "--graph", str(out)])
    assert r.exit_code == 1 and "did you mean 'Japan'" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not exe:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs Debian's chromium")
        pytest.skip("no Chromium here (Debian: apt-get install chromium; .ci/run installs it)")
    return exe


def _run(args: list[str]) -> str:
    """Headless Chromium with a profile of its own (a shared profile's lock can stall a second
    browser), given 5 s of virtual time for the page's scripts."""
    exe = _chromium()
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                               "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                               f"--user-data-dir={profile}", "--hide-scrollbars", "--virtual-time-budget=5000",
                               *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_chromium_draws_the_page_and_its_filters_work(page):
    data = page_data(page)
    dom = _run(["--dump-dom", page.as_uri()])
    status = re.search(r'<span id="status" data-nodes="(\d+)" data-edges="(\d+)"', dom)
    assert status, dom[-2000:]
    assert (int(status.group(1)), int(status.group(2))) == (len(data["nodes"]), len(data["links"]))
    assert 'data-rendered="true"' in dom
    # a filter from the address: hide the restricts links and the policies
    dom = _run(["--dump-dom", page.as_uri() + "#hide=restricts,kg:Policy"])
    status = re.search(r'<span id="status" data-nodes="(\d+)" data-edges="(\d+)"', dom)
    policies = {n["iri"] for n in data["nodes"] if n["type"] == "kg:Policy"}
    kept = [e for e in data["links"] if e["relation"] != "restricts" and e["source"] not in policies
            and e["target"] not in policies]
    assert (int(status.group(1)), int(status.group(2))) == (len(data["nodes"]) - len(policies), len(kept))
    assert kept and policies


def test_chromium_screenshot_with_chinese_labels(page, tmp_path):
    shot = tmp_path / "view.png"
    _run(["--window-size=1280,800", f"--screenshot={shot}", page.as_uri() + "#lang=zh-Hans"])
    head = shot.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1280, 800)
    assert shot.stat().st_size > 40_000  # a drawn graph, not a blank page (blank: about 5 KB)
