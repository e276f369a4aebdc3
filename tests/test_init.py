"""The public API of ``vigil``: ``__all__`` lists what the package exports, and the README's library example uses it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import vigil

README = Path(__file__).resolve().parents[1] / "README.md"


def _library_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Using as a library", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None, "the README's library example is a python code block"
    return found.group(1)


def test_init_all_is_sorted_and_unique() -> None:
    assert list(vigil.__all__) == sorted(set(vigil.__all__))


@pytest.mark.parametrize("name", vigil.__all__)
def test_init_every_public_name_resolves(name: str) -> None:
    value = getattr(vigil, name)
    assert getattr(value, "__name__", name) == name


def test_init_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        vigil.nothing_here  # noqa: B018


def test_init_readme_example_imports_only_public_names() -> None:
    tree = ast.parse(_library_example())
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imports, "the example imports from vigil"
    for node in imports:
        assert node.module == "vigil", f"the example imports from {node.module}, not from the public API"
        for alias in node.names:
            assert alias.name in vigil.__all__, alias.name


def test_init_no_public_name_hides_a_subpackage() -> None:
    """``vigil.ingest`` must stay the package: ``monkeypatch.setattr("vigil.ingest.text.x")`` walks attributes."""
    packages = {p.name for p in Path(vigil.__file__).parent.iterdir() if (p / "__init__.py").exists()}
    packages |= {p.stem for p in Path(vigil.__file__).parent.glob("*.py")}
    assert not set(vigil.__all__) & packages
