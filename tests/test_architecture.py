"""The layers point down: a package imports only the packages below it, never one beside or above.

core (settings, errors) at the bottom; the CLI, exports, doctor and the synthetic city on top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Bottom first. Packages on one line are peers: neither may import the other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("models",),
    ("intake", "policy", "delivery"),
    ("reports",),
    ("flows",),
    ("lianjie",),
]
LEVEL = {package: level for level, peers in enumerate(LAYERS) for package in peers}
LONGEST_MODULE = 300


def _modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts)


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & LEVEL.keys()


@pytest.mark.parametrize("package", list(LEVEL))
def test_a_package_imports_only_packages_below_it(package: str) -> None:
    upward = [
        f"{path.relative_to(ROOT)} imports {other}"
        for path in _modules(package)
        for other in sorted(_imported_packages(path))
        if other != package and LEVEL[other] >= LEVEL[package]
    ]
    assert upward == []


def test_no_module_is_a_warehouse() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for package in LEVEL
        for path in _modules(package)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    ]
    assert long == []
