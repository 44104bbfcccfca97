"""Check that the lock files match pyproject.toml: every dependency (and every dev dependency) is pinned in
requirements/production.txt / requirements/dev.txt at a version its range in pyproject.toml allows. Runs before
every install (make run, make test) and needs nothing but the standard library and pip. After changing a
dependency in pyproject.toml: `make lock` (keeps the other versions) or `make upgrade` (newest allowed)."""

import re
import sys
import tomllib
from pathlib import Path

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a fresh virtualenv has only pip, which carries its own copy
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall(path.read_text(encoding="utf-8"))}


def problems() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    base = project["dependencies"]
    dev = project.get("optional-dependencies", {}).get("dev", [])
    found = []
    for lock, wanted in (("requirements/production.txt", base), ("requirements/dev.txt", base + dev)):
        path = ROOT / lock
        if not path.exists():
            found.append(f"{lock} is missing")
            continue
        pinned = pins(path)
        for line in wanted:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            version = pinned.get(name)
            if version is None:
                found.append(f"{lock}: {requirement.name} is not pinned")
            elif not requirement.specifier.contains(version, prereleases=True):
                found.append(f"{lock}: {requirement.name}=={version} is outside {requirement.specifier}")
    return found


if __name__ == "__main__":
    found = problems()
    if found:
        print("The lock files do not match pyproject.toml:", *found, sep="\n  ", file=sys.stderr)
        print("Refresh them with `make lock` (or `make upgrade` for the newest allowed versions).", file=sys.stderr)
        sys.exit(1)
