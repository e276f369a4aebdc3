"""Schemathesis against /openapi.json: generated requests (valid and invalid) never make the server fail.

Schemathesis's pytest plugin does not run under pytest 9 (``'Function' object has no attribute
'_nodeid'``), so the test drives its Hypothesis strategies directly, one operation at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from tests.api.conftest import WRITE_TOKEN  # noqa: E402

EXAMPLES = 8  # per operation and generation mode: bounded, ~1 minute for the whole API


@pytest.fixture(scope="module")
def fuzz_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus store: fuzzed writes (watch edits, probabilities) land here."""
    import sqlite3

    target = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@pytest.mark.slow
def test_no_server_errors(fuzz_db: Path) -> None:
    from vigil.api import create_app
    from vigil.config import load_settings

    app = create_app(load_settings(env={}), fuzz_db, write_token=WRITE_TOKEN)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"Host": "127.0.0.1"})
    headers = {"Authorization": f"Bearer {WRITE_TOKEN}", "Host": "127.0.0.1"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures: list[str] = []
    statuses: list[int] = []
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy(generation_mode=mode))
            def run(case) -> None:  # type: ignore[no-untyped-def]
                response = case.call(base_url="http://127.0.0.1", headers=headers)
                statuses.append(response.status_code)
                where = f"{case.method} {case.formatted_path} {case.query or ''} -> {response.status_code}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.text[:200]}")
                elif response.status_code >= 400:
                    body = response.json()
                    if not (
                        body.get("ok") is False and body.get("status") == response.status_code and body.get("error")
                    ):
                        failures.append(f"{where}: not the error shape: {response.text[:200]}")

            try:
                run()
            except Unsatisfiable:
                # An operation without parameters has no invalid request to generate.
                assert mode is GenerationMode.NEGATIVE, op.label
    assert not failures, "\n".join(failures[:20])
    assert len(statuses) > 150 and any(s < 300 for s in statuses) and any(s == 422 for s in statuses)
