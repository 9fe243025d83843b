"""The wheel works from a non-editable install, from any directory: migrations ship inside it."""

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import STANDARD_ENV

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.heavy
@pytest.mark.slow
@pytest.mark.sqlite_only
def test_wheel_install_upgrades_and_imports_from_a_scratch_directory(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=False)
    site = next((env_dir / "lib").glob("python*/site-packages"))
    # the dependencies come from this test run's environment; ldcli itself from the wheel only
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(wheels.glob("ldcli-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
                    "--no-deps", "-q", str(wheel)], check=True, capture_output=True)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    ldcli = str(env_dir / "bin" / "ldcli")

    def run(*args):
        return subprocess.run([ldcli, "--db", "x.db", *args], cwd=scratch, capture_output=True, text=True,
                              env={"PATH": "/usr/bin:/bin", "LDCLI_ACTOR": "ci", "LDCLI_AS_OF": STANDARD_ENV["LDCLI_AS_OF"]})

    located = subprocess.run([str(env_dir / "bin" / "python"), "-c", "import ldcli; print(ldcli.__file__)"],
                             capture_output=True, text=True, cwd=scratch)
    assert str(env_dir) in located.stdout  # not the checkout
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    first = run("people", "import", str(ROOT / "sample_data" / "people.csv"), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["created"] > 150
    again = run("people", "import", str(ROOT / "sample_data" / "people.csv"), "--format", "json")
    assert json.loads(again.stdout) == {"created": 0, "updated": 0, "unchanged": json.loads(first.stdout)["created"],
                                       "erased_skipped": 0}
    assert run("db", "current", "--format", "json").returncode == 0
    # the sample ships inside the wheel; the people imported above were by another command (SPEC §16)
    loaded = run("sample", "load", "--into-existing", "--format", "json")
    assert loaded.returncode == 0, loaded.stderr
    assert {r["file"] for r in json.loads(loaded.stdout)} >= {"people.csv", "roster.csv", "cadets.csv"}


def test_every_package_of_the_source_is_in_the_wheels_list():
    """A package folder left out of pyproject's list installs editable but not as a wheel: caught here,
    in seconds, before the wheel test of `make test-slow`."""
    import tomllib

    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {name: ROOT / path for name, path in tool["package-dir"].items()}
    listed = set(tool["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "ldcli").rglob("__init__.py")}
    found |= {f"{name}.{'.'.join(p.parent.relative_to(folder).parts)}".rstrip(".")
              for name, folder in folders.items() for p in folder.rglob("__init__.py")}
    assert found - listed == set()
