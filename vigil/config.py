"""Every setting of Vigil, declared once with its default and help text.

Layers apply in this order: packaged defaults, then a user TOML file, then
``VIGIL_*`` environment variables, then explicit overrides (the CLI's
``--set key=value``). Nothing reads configuration at import time: build a
:class:`Settings` with :func:`load_settings` and pass it in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.errors import ConfigError

__all__ = ["SETTINGS", "Setting", "Settings", "default_setting", "load_settings"]


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "VIGIL_" + self.name.upper().replace(".", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "vigil.db", "Store location: a SQLite file path or a database URL."),
    Setting(
        "db.busy_timeout",
        30.0,
        "Seconds a write to a SQLite store waits for another process's write to finish before it fails.",
    ),
    Setting("shared", "../shared", "Folder of the shared corpus that the project's annotations refer to."),
    Setting("ingest.batch_size", 150, "Articles written per transaction (and shared out to extraction workers)."),
    Setting("ingest.near_duplicate_threshold", 0.8, "MinHash Jaccard from which an article is a near duplicate."),
    Setting("ingest.max_document_bytes", 5_000_000, "Largest single document accepted; larger ones are rejected."),
    Setting("ingest.min_text_chars", 20, "Shortest article text accepted."),
    Setting("ingest.fetch_timeout", 10.0, "Seconds before a URL fetch gives up."),
    Setting("ingest.max_fetch_bytes", 20_000_000, "Largest response body read from a URL."),
    Setting("ingest.future_tolerance_days", 2, "A date further than this in the future is not used."),
    Setting("extract.enabled", True, "Run extraction during ingest."),
    Setting("extract.batch_size", 64, "Sentences or articles per NLP batch."),
    Setting(
        "extract.drop_non_events",
        False,
        "Drop candidate events the event gate rejects (default: keep them, with a low confidence).",
    ),
    Setting(
        "extract.events_per_sentence",
        0,
        "Keep only the N most confident events of each sentence (0 = every event; gold sets code about one).",
    ),
    Setting(
        "view.min_confidence",
        0.05,
        "Events below this confidence (the chance that an event is right, from the event-precision model) are "
        "left out of event listings, watch analyses and briefs unless asked for; 0 shows every event.",
    ),
    Setting(
        "extract.transformer",
        True,
        "Code events with the fine-tuned MiniLM expert (accurate); false: the linear coder alone (faster).",
    ),
    Setting(
        "extract.worker_max_tasks",
        200,
        "Tasks (of up to 8 articles) per worker before the workers are replaced, between batches; 0 = never.",
    ),
    Setting(
        "alerts.delivery_dir",
        "alerts",
        "Folder that file deliveries of alerts must write inside (a watch's relative path is taken in it).",
    ),
    Setting(
        "alerts.webhook_hosts",
        "",
        "Comma-separated host names that alert webhooks may post to (empty: any host with a public address).",
    ),
    Setting(
        "alerts.webhook_allow_private",
        False,
        "Let alert webhooks post to loopback, private and link-local addresses (off: public addresses only).",
    ),
    Setting("extract.workers", 0, "Extraction worker processes; 0 = one per core (at most 4), 1 = in-process."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = type(setting.default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            lowered = text.lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(text)
        return kind(text)
    except ValueError:
        raise ConfigError(
            f"Setting '{setting.name}' expects a {kind.__name__}, got {value!r}. "
            f"Fix it in your config file, ${setting.env} or --set."
        ) from None


class Settings(Mapping[str, Any]):
    """An immutable mapping of every declared setting to its value."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some settings changed (keys use ``_`` for ``.``)."""
        values = dict(self._values)
        for key, value in overrides.items():
            name = key.replace("__", ".")
            if name not in _BY_NAME:
                raise ConfigError(f"Unknown setting '{name}'. Run `vigil settings` to list them.")
            values[name] = _coerce(_BY_NAME[name], value)
        return Settings(values)


def load_settings(
    file: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build settings from defaults, a TOML ``file``, ``env`` (``VIGIL_*``) and ``overrides``.

    Args:
        file: optional TOML file; nested tables map to dotted names.
        env: environment mapping, ``os.environ`` when None.
        overrides: dotted names to values, applied last.
    Returns:
        The resulting :class:`Settings`.
    """
    values = {s.name: s.default for s in SETTINGS}
    if file is not None:
        try:
            data = tomllib.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read config file {file}: {exc}") from None
        for name, value in _flatten(data).items():
            if name not in _BY_NAME:
                raise ConfigError(f"Unknown setting '{name}' in {file}. Run `vigil settings` to list them.")
            values[name] = _coerce(_BY_NAME[name], value)
    env = os.environ if env is None else env
    for setting in SETTINGS:
        if setting.env in env:
            values[setting.name] = _coerce(setting, env[setting.env])
    for name, value in (overrides or {}).items():
        if name not in _BY_NAME:
            raise ConfigError(f"Unknown setting '{name}'. Run `vigil settings` to list them.")
        values[name] = _coerce(_BY_NAME[name], value)
    return Settings(values)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def default_setting(name: str) -> Any:
    """The packaged default of setting ``name`` (what applies when nothing overrides it)."""
    for setting in SETTINGS:
        if setting.name == name:
            return setting.default
    raise ConfigError(f"Unknown setting {name!r}.")
