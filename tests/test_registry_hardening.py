"""Issue 9, item 4: hostile or broken registry files are refused up front, in one line naming the
file, the line and the field (alias bombs, oversized files, duplicate keys, URLs a crawl cannot use)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from riskaudit import registry
from riskaudit.cli import main
from riskaudit.registry import RegistryError, load_registry
from tests.support.registry_fixture import GOOD, error_of, write

# "billion laughs": nine levels of nine aliases, a few hundred bytes, 9**9 leaves when expanded
ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
targets:
  - id: bomb
    name: *i
    kind: social
    homepage: https://bomb.example/
"""


def test_alias_bomb_is_refused_quickly(tmp_path):
    path = write(tmp_path, ALIAS_BOMB)
    assert path.stat().st_size < 1000
    # in a child with a 1 GB address-space limit: expanding the bomb could not finish there
    code = ("import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
            "from riskaudit.cli import main\n"
            f"sys.exit(main(['validate-registry', {str(path)!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "reg.yaml:1:" in lines[0] and "anchors and aliases" in lines[0]
    assert "Traceback" not in proc.stderr


def test_single_alias_is_refused(tmp_path):
    line = GOOD.splitlines().index("    name: Canvas AI") + 1
    msg = error_of(tmp_path, GOOD.replace("name: Canvas AI", "name: &n Canvas AI"))
    assert f"reg.yaml:{line}:" in msg and "anchors and aliases" in msg


def test_oversized_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "MAX_REGISTRY_BYTES", 1000)
    path = write(tmp_path, GOOD + "# padding\n" * 200)
    with pytest.raises(RegistryError, match=r"reg\.yaml: registry is larger than"):
        load_registry(path)


@pytest.mark.parametrize("old,new,line,key", [
    ("    kind: social\n", "    kind: social\n    kind: dating\n", 5, "kind"),
    ("        url: https://chirp.example/legal/terms\n",
     "        url: https://chirp.example/legal/terms\n        url: https://evil.example/\n", 10, "url"),
    ("targets:\n", "targets: []\ntargets:\n", 2, "targets"),
])
def test_duplicate_key_names_file_line_and_key(tmp_path, old, new, line, key):
    msg = error_of(tmp_path, GOOD.replace(old, new, 1))
    assert f"reg.yaml:{line}:" in msg and f"duplicate key {key!r}" in msg and "\n" not in msg


@pytest.mark.parametrize("url,why", [
    ("https://chirp.example:99999/rules", "port"),
    ("http://[::1/rules", "IPv6"),
    ("https://chirp.example:http/rules", "port"),
    ("https://chirp.example/a b", "blanks"),
    ("https://chirp.example/\x1b[31m", "control"),
])
def test_unusable_url_is_refused_with_line_and_field(tmp_path, url, why):
    text = GOOD.replace("https://chirp.example/rules", url.replace("\x1b", "\\e"))
    text = text.replace(f"url: {url.replace(chr(27), chr(92) + 'e')}", f'url: "{url.replace(chr(27), chr(92) + "e")}"')
    msg = error_of(tmp_path, text)
    assert "reg.yaml:11:" in msg and "documents[1]" in msg and "'url'" in msg, msg
    assert why in msg and "\n" not in msg


def test_bad_port_is_one_line_from_the_cli(tmp_path, capsys):
    path = write(tmp_path, GOOD.replace("https://chirp.example/rules", "https://chirp.example:99999/rules"))
    assert main(["validate-registry", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "reg.yaml:11:" in err[0] and "99999" in err[0]


def test_good_registry_and_real_registries_still_load(tmp_path):
    assert [t.id for t in load_registry(write(tmp_path, GOOD)).targets] == ["chirp-social", "canvas_ai"]
    from pathlib import Path
    root = Path(__file__).resolve().parents[1] / "crawler" / "registries"
    assert load_registry(root / "real.yaml").targets     # (demo.yaml is a template, filled by `demo`)
