"""The apps import one way (analytics → onboarding → vendors → offers → candidates → requisitions →
portal), checked by import-linter's layers contract in pyproject.toml: `make lint` runs it, and so does
this test, so `make test` fails on an import against the order, one inside a function included."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (the venv's own command, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["id"] == "app-order"]
    return {"root_packages": config["root_packages"], "layers": contract["layers"]}


def test_the_apps_import_one_way():
    result = _lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_every_app_of_the_project_is_a_layer():
    """A new app (the api, a module) is in the order from its first commit, or this fails."""
    ours = sorted(config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT)
    contract = _contract()

    assert sorted(contract["layers"]) == ours
    assert sorted(contract["root_packages"]) == ours


def test_the_contract_sees_an_import_inside_a_function(tmp_path):
    """A lower package importing a higher one only inside a function still breaks the contract."""
    for package in ("high", "low"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "high" / "things.py").write_text("VALUE = 1\n")
    (tmp_path / "low" / "reader.py").write_text("def read():\n    from high.things import VALUE\n\n    return VALUE\n")
    (tmp_path / "contracts.toml").write_text(
        '[tool.importlinter]\nroot_packages = ["high", "low"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "one way"\ntype = "layers"\nlayers = ["high", "low"]\n'
    )

    result = _lint_imports(tmp_path, "--config", "contracts.toml")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "low.reader -> high.things (l.2)" in result.stdout
