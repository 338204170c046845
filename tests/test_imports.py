"""The package's imports run one way: no circle between modules, and nothing low (the contract,
readers, knowledge, analyzers) imports a shell (web, CLI, reports, corpus) or the package root.

Read from the source with ``ast`` (imports inside functions and under TYPE_CHECKING count too: a
circle is a circle to the reader even when Python tolerates it)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "claimscope"
LOW = ("claimscope.analyzers", "claimscope.ingest", "claimscope.knowledge", "claimscope.model")
HIGH = ("claimscope.web", "claimscope.cli", "claimscope.report", "claimscope.corpus")


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``name`` imports (a name imported from a package counts as its
    submodule when it is one)."""
    out: set[str] = set()
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            # each name is a submodule when there is one, else an attribute of the source
            targets = [
                f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source
                for a in node.names
            ]
        for target in targets:
            while target not in modules and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in modules and target != name and target.startswith("claimscope"):
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
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
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    circles.append(sorted(component))
    return circles


def test_the_walker_sees_a_circle_and_an_upward_import() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []
    imports = _graph()
    # a known edge, so that the walker is known to read the real files
    assert "claimscope.model" in imports["claimscope.pipeline"]


def test_no_import_circle() -> None:
    assert _circles(_graph()) == []


def test_nothing_low_imports_a_shell_or_the_package_root() -> None:
    upward = [
        f"{name} -> {target}"
        for name, targets in _graph().items()
        if name.startswith(LOW)
        for target in targets
        if target.startswith(HIGH) or target == "claimscope"
    ]
    assert upward == []


def test_packages_that_share_data_do_not_borrow_from_each_other() -> None:
    """Training reads datasets the evaluation reads too (claimscope.datasets, the CheckThat reader
    beside the fact-check store): it never imports the eval commands. Claims and framing share word
    lists through analyzers.wordlists, not through each other."""
    graph = _graph()

    def edges(source: str, target: str) -> list[str]:
        return [
            f"{name} -> {t}"
            for name, targets in graph.items()
            if name == source or name.startswith(f"{source}.")
            for t in targets
            if t == target or t.startswith(f"{target}.")
        ]

    assert edges("claimscope.training", "claimscope.evaluation") == []
    assert edges("claimscope.analyzers.framing", "claimscope.analyzers.claims") == []
    assert edges("claimscope.analyzers.claims", "claimscope.analyzers.framing") == []
