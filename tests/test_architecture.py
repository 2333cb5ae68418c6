"""The shape of the code: DESIGN.md's layers import only from the layers above them, and the CLI
uses nothing but the public API."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"

# ../shared/DESIGN.md, "Target layout": each layer imports only from the layers above it (a lower rank).
LAYERS = {
    "errors": 0, "formatting": 0, "i18n": 0, "sandbox": 0, "storage": 0, "version": 0,
    "readers": 1, "profiles": 1, "workspace": 1, "crm": 1,
    "settings": 2,
    "fiscal": 3,
    "facts": 4, "mop": 4, "rules": 4, "agenda": 4, "plan": 4,
    "agreements": 5,
    "documents": 6, "writers": 6, "signing": 6,
    "kits": 7,
    "__init__": 8,  # the public API: it gathers every layer, and the CLI uses only it
    "cli": 9, "__main__": 9,
}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _area(path: Path, package: Path = PACKAGE) -> str:
    """The layer area of a module: its first part below the package (`kits/state.py` is in `kits`)."""
    return path.relative_to(package).parts[0].removesuffix(".py")


def _imported_areas(path: Path, package: Path = PACKAGE) -> set[str]:
    """The areas of workshop a module imports from (relative imports and `workshop.` ones)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(package).parts) - 1  # 0 for workshop/x.py, 1 for workshop/kits/x.py
    areas = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                if node.module and node.module.split(".")[0] == "workshop":
                    parts = node.module.split(".")[1:]
                    areas.add(parts[0] if parts else "__init__")
                continue
            up = node.level - 1  # levels above the module's own package
            if up > depth:
                continue
            inside = path.relative_to(package).parts[:depth - up]
            parts = list(inside) + (node.module.split(".") if node.module else [])
            if parts:
                areas.add(parts[0].removesuffix(".py"))
            else:  # `from .. import x` at the package root: x is a module of the package
                areas.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "workshop":
                    parts = alias.name.split(".")[1:]
                    areas.add(parts[0] if parts else "__init__")
    return areas


def test_architecture_every_module_has_a_layer():
    assert {_area(p) for p in _modules()} <= set(LAYERS)


def test_architecture_imports_only_go_up_the_layers():
    upward = []
    for path in _modules():
        area = _area(path)
        for imported in _imported_areas(path):
            if imported != area and LAYERS.get(imported, 99) > LAYERS[area]:
                upward.append(f"{path.relative_to(PACKAGE)} imports {imported}")
    assert upward == []


def test_architecture_the_import_check_sees_upward_imports(tmp_path):
    (tmp_path / "kits").mkdir()
    module = tmp_path / "kits" / "state.py"
    module.write_text("from ..cli import main\nfrom ..writers.pdf import x\nfrom . import pool\nimport workshop.plan\n")
    assert _imported_areas(module, tmp_path) == {"cli", "writers", "kits", "plan"}
    fiscal = tmp_path / "fiscal.py"
    fiscal.write_text("from . import plan\nfrom .facts import Side\n")
    assert _imported_areas(fiscal, tmp_path) == {"plan", "facts"}


def test_architecture_the_cli_uses_only_the_public_api():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    ours = [ast.unparse(node) for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            and ((isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("workshop")))
                 or (isinstance(node, ast.Import) and any(a.name.startswith("workshop") for a in node.names)))]
    assert ours == ["import workshop"]
    used = {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "workshop"}
    import workshop

    assert used <= set(workshop.__all__) | {"__version__"}


def test_architecture_only_the_cli_imports_click():
    for path in _modules():
        if path.name != "cli.py":
            assert "import click" not in path.read_text(encoding="utf-8"), path
