"""The seams between the parts are public: nobody sets another object's
private state (the composition root passes the loop its callbacks)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _private_assignments(path: Path) -> list[str]:
    """``x._name = ...`` where ``x`` is not the class's own (``self``, ``cls``,
    an instance a classmethod built), as "file:line: text"."""
    tree = ast.parse(path.read_text(), str(path))
    own = {"self", "cls"}  # and what a classmethod built with cls(...): its own kind
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "cls"):
            own.update(t.id for t in node.targets if isinstance(t, ast.Name))
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for t in targets:
            if (isinstance(t, ast.Attribute) and t.attr.startswith("_") and not t.attr.startswith("__")
                    and not (isinstance(t.value, ast.Name) and t.value.id in own)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(t)}")
    return found


def test_no_module_assigns_another_objects_private_state():
    files = sorted((ROOT / "station").rglob("*.py"))
    found = [hit for f in files for hit in _private_assignments(f)]
    assert found == [], "\n".join(found)

