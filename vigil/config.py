"""Every setting of Vigil, declared once with its default and help text.

Layers apply in this order: packaged defaults, then a user TOML file, then
``VIGIL_*`` environment variables, then explicit overrides (the CLI's
``--set key=value``). Nothing reads configuration at import time: build a
:class:`Settings` with :func:`load_settings` and pass it in.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.errors import ConfigError

__all__ = ["SETTINGS", "Setting", "SettingType", "Settings", "default_setting", "load_settings"]


SettingType = type[bool] | type[int] | type[float] | type[str]


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its dotted ``name``, the ``type`` of its values, its ``default`` and ``help`` text."""

    name: str
    type: SettingType
    default: bool | int | float | str
    help: str

    def __post_init__(self) -> None:
        if type(self.default) is not self.type:
            raise ValueError(f"Setting {self.name!r}: default {self.default!r} is not of type {self.type.__name__}")

    @property
    def env(self) -> str:
        return "VIGIL_" + self.name.upper().replace(".", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("db", str, "vigil.db", "Store location: a SQLite file path or a database URL."),
    Setting(
        "db.busy_timeout",
        float,
        30.0,
        "Seconds a write to a SQLite store waits for another process's write to finish before it fails.",
    ),
    Setting("shared", str, "../shared", "Folder of the shared corpus that the project's annotations refer to."),
    Setting("ingest.batch_size", int, 150, "Articles written per transaction (and shared out to extraction workers)."),
    Setting(
        "ingest.near_duplicate_threshold", float, 0.8, "MinHash Jaccard from which an article is a near duplicate."
    ),
    Setting("ingest.max_document_bytes", int, 5_000_000, "Largest single document accepted; larger ones are rejected."),
    Setting("ingest.min_text_chars", int, 20, "Shortest article text accepted."),
    Setting("ingest.fetch_timeout", float, 10.0, "Seconds before a URL fetch gives up."),
    Setting("ingest.max_fetch_bytes", int, 20_000_000, "Largest response body read from a URL."),
    Setting("ingest.future_tolerance_days", int, 2, "A date further than this in the future is not used."),
    Setting("extract.enabled", bool, True, "Run extraction during ingest."),
    Setting("extract.batch_size", int, 64, "Sentences or articles per NLP batch."),
    Setting(
        "extract.drop_non_events",
        bool,
        False,
        "With extract.stages = coder: drop candidate events the event gate rejects (default: keep them, with a "
        "low confidence).",
    ),
    Setting(
        "extract.events_per_sentence",
        int,
        0,
        "Keep only the N most confident events of each sentence (0 = every event; gold sets code about one).",
    ),
    Setting(
        "extract.event_floor",
        float,
        0.02,
        "Actor pairs the news event model gives a smaller chance of an event (times its root's) are not stored.",
    ),
    Setting(
        "view.min_confidence",
        float,
        0.35,
        "Events below this confidence (the news event model's chance of the event times its root's and its "
        "modality's) are left out of event listings, watch analyses and briefs unless asked for; 0 shows every "
        "event (with extract.stages = coder, whose confidence is the event-precision model's: 0.05; docs/coder.md).",
    ),
    Setting(
        "extract.transformer",
        bool,
        True,
        "With extract.stages = coder: code events with the fine-tuned MiniLM expert (accurate); false: the "
        "linear coder alone (faster).",
    ),
    Setting(
        "extract.worker_max_tasks",
        int,
        200,
        "Tasks (of up to 8 articles) per worker before the workers are replaced, between batches; 0 = never.",
    ),
    Setting(
        "alerts.delivery_dir",
        str,
        "alerts",
        "Folder that file deliveries of alerts must write inside (a watch's relative path is taken in it).",
    ),
    Setting(
        "alerts.webhook_hosts",
        str,
        "",
        "Comma-separated host names that alert webhooks may post to (empty: any host with a public address).",
    ),
    Setting(
        "alerts.webhook_allow_private",
        bool,
        False,
        "Let alert webhooks post to loopback, private and link-local addresses (off: public addresses only).",
    ),
    Setting("extract.workers", int, 0, "Extraction worker processes; 0 = one per core (at most 4), 1 = in-process."),
    Setting(
        "extract.stages",
        str,
        "",
        "Comma-separated extraction stages to run, in order, or 'coder' for the PLV-trained coder's stages in "
        "place of the news event model (empty: the default stages; docs/extraction.md, docs/coder.md).",
    ),
    Setting(
        "extract.stage_modules",
        str,
        "",
        "Comma-separated Python modules to import before extraction, so that the stages they define register.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
_EXPECTED = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


def _coerce(setting: Setting, value: Any) -> Any:
    """``value`` as the setting's type: a value of another type is read from its text.

    Raises:
        ConfigError: naming the setting and the value, when its text is not of the setting's type.
    """
    kind = setting.type
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    if kind is bool and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    try:
        if kind is not bool:
            return kind(text)
    except ValueError:
        pass
    raise ConfigError(
        f"Setting '{setting.name}' expects {_EXPECTED[kind]}, got {value!r}. "
        f"Fix it in your config file, ${setting.env} or --set."
    )


def _declared(name: str) -> Setting:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigError(f"Unknown setting '{name}'. Run `vigil settings` to list them.") from None


class Settings(Mapping[str, Any]):
    """An immutable mapping of every declared setting to its value, of the setting's declared type.

    Read a value with the typed getter of its type (``settings.get_int("ingest.batch_size")``): it
    returns the declared type, for mypy and at run time. ``settings[name]`` still reads the value
    untyped (for listings that show every setting).

    Args:
        values: setting names to values; each value is checked against its declaration (text is
            parsed as from the environment) and missing settings take their defaults.
    Raises:
        ConfigError: an unknown name, or a value that is not of its setting's type.
    """

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
        for name, value in (values or {}).items():
            self._values[name] = _coerce(_declared(name), value)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def _typed(self, name: str, kind: SettingType) -> Any:
        setting = _declared(name)
        if setting.type is not kind:
            declared = setting.type.__name__
            raise TypeError(f"Setting '{name}' is declared {declared}: read it with get_{declared}().")
        return self._values[name]

    def get_int(self, name: str) -> int:
        """The value of int setting ``name`` (a ``TypeError`` if it is declared with another type)."""
        value: int = self._typed(name, int)
        return value

    def get_float(self, name: str) -> float:
        """The value of float setting ``name``."""
        value: float = self._typed(name, float)
        return value

    def get_bool(self, name: str) -> bool:
        """The value of bool setting ``name``."""
        value: bool = self._typed(name, bool)
        return value

    def get_str(self, name: str) -> str:
        """The value of str setting ``name``."""
        value: str = self._typed(name, str)
        return value

    def replace(self, **overrides: Any) -> Settings:
        """A copy with some settings changed (keys use ``__`` for ``.``)."""
        values = dict(self._values)
        values.update({key.replace("__", "."): value for key, value in overrides.items()})
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
    return _declared(name).default
