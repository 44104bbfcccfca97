"""Repeatable installs: the lock files pin every dependency of pyproject.toml at a version its range allows, with
hashes, and the installs (make run, make test, the Dockerfile) read them."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check_lock():
    spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check_lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_lock_files_match_pyproject():
    assert _check_lock().problems() == []


def test_every_pin_carries_hashes_and_the_installs_use_the_lock():
    for name in ("production.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        pins = [line for line in text.splitlines() if "==" in line and not line.startswith(("#", " "))]
        assert pins and all(line.rstrip().endswith("\\") for line in pins), name  # each pin continues with hashes
        assert text.count("--hash=sha256:") >= len(pins)
    assert "--require-hashes -r requirements/dev.txt" in (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements/production.txt" in (ROOT / "Dockerfile").read_text()


def test_a_pin_outside_its_range_is_reported(tmp_path, monkeypatch):
    module = _check_lock()
    (tmp_path / "requirements").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["wagtail>=8.0,<8.1"]\n[project.optional-dependencies]\ndev = []\n'
    )
    (tmp_path / "requirements" / "production.txt").write_text("wagtail==8.1.0 \\\n    --hash=sha256:00\n")
    (tmp_path / "requirements" / "dev.txt").write_text("wagtail==8.0.3 \\\n    --hash=sha256:00\n")
    monkeypatch.setattr(module, "ROOT", tmp_path)
    assert module.problems() == ["requirements/production.txt: wagtail==8.1.0 is outside <8.1,>=8.0"]
