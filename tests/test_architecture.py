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
    ("harness",),  # stand-ins for the tests and benchmarks: nothing of lianjie's imports them
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


def _imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_tests_and_benchmarks_import_only_the_projects_packages() -> None:
    """Shared helpers live in harness/ (or conftest.py): a test module imported by another runs
    its collection twice, and a benchmark that imports a test breaks when the test moves."""
    reaching = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in ("tests", "bench", "harness")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in sorted(_imports_of(path))
        if name == "tests" or name.startswith("tests.")
    ]
    assert reaching == []


def test_nothing_configures_the_process_on_import() -> None:
    """Importing every flow leaves the collector and Prefect's loggers as they were: a flow's
    own setup (flows.common.prepare_process) sets them when a run starts. (One warning filter
    stays an import's: flows.parameters silences pydantic about the Run form's empty defaults,
    and `prefect deploy` builds the form in its own process, where only an import reaches.)"""
    import subprocess
    import sys

    script = (
        "import gc, logging\n"
        "before = gc.get_threshold()\n"
        "import flows.reporting.accountability, flows.annual, flows.collect, flows.cycle\n"
        "import flows.dispatch, flows.reporting.render_chunk, flows.sheets, lianjie.cli\n"
        "engines = ('prefect.task_runs', 'prefect.flow_runs', 'prefect.engine')\n"
        "ours = [f for e in engines for f in logging.getLogger(e).filters\n"
        "        if type(f).__module__.startswith(('flows', 'lianjie'))]\n"
        "print(gc.get_threshold() == before, ours == [])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "True True" == done.stdout.strip(), done.stderr[-2000:]


LONGEST_PREFECT_BODY = 40


def _prefect_bodies() -> list[tuple[str, int]]:
    found = []
    for path in sorted((ROOT / "flows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [ast.unparse(d) for d in node.decorator_list]
            if not any(d.startswith(("flow", "task")) for d in decorators):
                continue
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            found.append((node.name, (body[-1].end_lineno or 0) - body[0].lineno + 1))
    return found


def test_prefect_bodies_read_as_their_steps() -> None:
    """A flow or task body reads like the quarterly rhythm it runs: the work is in functions."""
    long = [
        f"{name}: {lines} lines"
        for name, lines in _prefect_bodies()
        if lines > LONGEST_PREFECT_BODY
    ]
    assert long == []
