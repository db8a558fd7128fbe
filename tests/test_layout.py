"""The layout holds: every app is installed and packaged, no production module
grows past 400 lines, no two production modules import each other (directly or
round a circle), and ``maps/`` stays at most a third of the production Python.

Production modules are the project's apps (found from INSTALLED_APPS and from
the folders that look like apps) and ``journeymap/``; migrations, tests and
benchmarks are not production. The rules are read from the tree itself, so a new
app is checked the moment it exists.
"""

from __future__ import annotations

import ast
import fnmatch
import tomllib
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PROJECT_PACKAGE = "journeymap"
MAX_LINES = 400

# Data, not code: the four built-in templates in two languages.
DATA_MODULES = {"templates_lib/builtin.py"}

# Modules others are splitting right now; whoever lands a split removes its line
# (test_the_split_list_names_only_modules_still_too_long insists).
BEING_SPLIT: set[str] = set()

# Circles others are closing right now; whoever closes one removes its line
# (test_the_known_circles_are_still_there insists).
KNOWN_CIRCLES: set[frozenset[str]] = set()


def _local_apps() -> set[str]:
    """Installed apps whose code lives in this repository."""
    # An app folder sits at the top of the repository (.venv holds the installed ones).
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT.resolve()}


def _app_folders() -> set[str]:
    """Top-level folders that are Django apps on disk, installed or not."""
    return {path.parent.name for path in ROOT.glob("*/apps.py") if (path.parent / "__init__.py").exists()}


PACKAGES = sorted(_local_apps() | _app_folders() | {PROJECT_PACKAGE})


def _production_files() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_app_is_installed_and_packaged() -> None:
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    installed = _local_apps()
    assert "maps" in PACKAGES and len(PACKAGES) > 4
    for package in PACKAGES:
        assert any(fnmatch.fnmatch(package, pattern) for pattern in include), f"{package} is not in pyproject"
        if package != PROJECT_PACKAGE:
            assert package in installed, f"{package} is not in INSTALLED_APPS"


def test_no_production_module_is_over_400_lines() -> None:
    scripts = sorted((ROOT / "static" / "js").rglob("*.js"))
    assert scripts, "no scripts found"
    too_long = {
        _relative(path): _lines(path)
        for path in [*_production_files(), *scripts]
        if _relative(path) not in DATA_MODULES | BEING_SPLIT and _lines(path) > MAX_LINES
    }
    assert too_long == {}


def test_the_split_list_names_only_modules_still_too_long() -> None:
    # A finished split must leave the list, so the rule covers that module again.
    done = {name for name in BEING_SPLIT if not (ROOT / name).exists() or _lines(ROOT / name) <= MAX_LINES}
    assert done == set()


def _type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Import statements with whether each runs inside a function, skipping those
    only for the type checker."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, in_function = stack.pop()
        for child in ast.iter_child_nodes(node):
            if _type_checking_block(child):
                stack.extend((other, in_function) for other in child.orelse)  # type: ignore[attr-defined]
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child, in_function
            stack.append((child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)))


def _celery_pair(module: str, target: str) -> bool:
    """A task module and a module of its own app: the task loads its service inside
    the task, or the service loads the task inside the function that enqueues it."""
    same_app = module.split(".")[0] == target.split(".")[0]
    return same_app and "tasks" in (module.split(".")[-1], target.split(".")[-1])


def import_graph() -> dict[str, set[str]]:
    """Module -> the production modules it imports (anywhere in its body).

    A Celery task and its service import each other, one of them inside a
    function: that pair is the one accepted circle, so such an import is left out.
    """
    files = {_module_name(path): path for path in _production_files()}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        targets: set[str] = set()
        for node, in_function in _imports(tree):
            if isinstance(node, ast.Import):
                found = {alias.name for alias in node.names if alias.name in files}
            else:
                found = _from_targets(node, package, files)
            targets.update(name for name in found if not (in_function and _celery_pair(module, name)))
        targets.discard(module)
        graph[module] = targets
    return graph


def _from_targets(node: ast.ImportFrom, package: list[str], files: dict[str, Path]) -> set[str]:
    """What ``from x import y`` loads: the module x.y when there is one, else x."""
    found = set()
    base = node.module or ""
    if node.level:
        parent = package[: len(package) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    for alias in node.names:
        name = f"{base}.{alias.name}"
        if name in files:
            found.add(name)
        elif base in files:
            found.add(base)
    return found


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[frozenset[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(frozenset(group))
    return found


def test_the_circle_finder_finds_a_circle_and_ignores_a_chain() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset({"a", "b", "c"})]
    assert circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_import_graph_sees_the_production_modules_and_their_imports() -> None:
    graph = import_graph()
    assert "maps.realtime" in graph["maps.live.consumers"]
    assert "journeymap.api_common" in graph["workspaces.apis"]
    assert len(graph) > 100


def test_no_import_circles_between_production_modules() -> None:
    assert sorted(sorted(group) for group in circles(import_graph()) if group not in KNOWN_CIRCLES) == []


def test_the_known_circles_are_still_there() -> None:
    # A closed circle must leave the list, so the rule covers those modules again.
    assert sorted(sorted(group) for group in KNOWN_CIRCLES - set(circles(import_graph()))) == []


def test_a_celery_task_and_its_service_may_import_each_other_inside_a_function() -> None:
    assert _celery_pair("exports.services.jobs", "exports.tasks")
    assert not _celery_pair("maps.operations", "exports.tasks")
    assert not _celery_pair("maps.operations", "maps.services")


def test_maps_is_at_most_a_third_of_the_production_python() -> None:
    sizes = {_relative(path): _lines(path) for path in _production_files()}
    total = sum(sizes.values())
    in_maps = sum(lines for name, lines in sizes.items() if name.startswith("maps/"))
    assert in_maps * 3 <= total, f"maps/ holds {in_maps} of {total} lines"
