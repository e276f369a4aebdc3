"""The vendored browser libraries are the versions frontend/package.json pins, with their licences."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO / "vigil" / "web" / "static" / "vendor"


def test_vendored_files_match_the_npm_pins() -> None:
    pins = json.loads((REPO / "frontend" / "package.json").read_text(encoding="utf-8"))["dependencies"]
    lock = json.loads((REPO / "frontend" / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    vendored = json.loads((VENDOR / "versions.json").read_text(encoding="utf-8"))
    assert set(vendored) == set(pins)
    for name, meta in vendored.items():
        assert meta["version"] == pins[name] == lock[f"node_modules/{name}"]["version"]
        assert any(f.endswith("LICENSE") for f in meta["files"])
        for rel in meta["files"]:
            assert (VENDOR / rel).stat().st_size > 0, rel
    assert f'"{pins["cytoscape"]}"' in (VENDOR / "cytoscape" / "cytoscape.min.js").read_text(encoding="utf-8")
