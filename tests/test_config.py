from __future__ import annotations

from pathlib import Path

import pytest

from vigil.config import SETTINGS, Setting, Settings, default_setting, load_settings
from vigil.errors import ConfigError


def test_config_every_setting_declares_its_type() -> None:
    for setting in SETTINGS:
        assert type(setting.default) is setting.type, setting.name
        assert setting.help


def test_config_declaration_refuses_default_of_another_type() -> None:
    with pytest.raises(ValueError, match="'x.y': default '3' is not of type int"):
        Setting("x.y", int, "3", "help")


def test_config_layers_apply_in_order(tmp_path: Path) -> None:
    file = tmp_path / "vigil.toml"
    file.write_text("[ingest]\nbatch_size = 10\nmin_text_chars = 5\n[extract]\nworkers = 2\n", encoding="utf-8")
    env = {"VIGIL_INGEST_MIN_TEXT_CHARS": "7", "VIGIL_EXTRACT_WORKERS": "3"}
    settings = load_settings(file, env=env, overrides={"extract.workers": "4"})
    assert settings.get_int("ingest.batch_size") == 10
    assert settings.get_int("ingest.min_text_chars") == 7
    assert settings.get_int("extract.workers") == 4
    assert settings.get_int("extract.batch_size") == default_setting("extract.batch_size")


def test_config_typed_reads_return_the_declared_type() -> None:
    env = {"VIGIL_DB_BUSY_TIMEOUT": "5", "VIGIL_EXTRACT_ENABLED": "off", "VIGIL_INGEST_BATCH_SIZE": " 12 "}
    settings = load_settings(env=env, overrides={"db": "x.db"})
    timeout = settings.get_float("db.busy_timeout")
    assert timeout == 5.0 and type(timeout) is float
    assert settings.get_bool("extract.enabled") is False
    assert settings.get_int("ingest.batch_size") == 12
    assert settings.get_str("db") == "x.db"
    for setting in SETTINGS:
        read = {bool: settings.get_bool, int: settings.get_int, float: settings.get_float, str: settings.get_str}
        assert type(read[setting.type](setting.name)) is setting.type


@pytest.mark.parametrize(("text", "expected"), [("1", True), ("YES", True), ("on", True), ("0", False), ("no", False)])
def test_config_bool_words(text: str, expected: bool) -> None:
    assert load_settings(env={"VIGIL_EXTRACT_TRANSFORMER": text}).get_bool("extract.transformer") is expected


def test_config_typed_read_of_another_type_is_refused() -> None:
    settings = load_settings(env={})
    with pytest.raises(TypeError, match=r"'view.min_confidence' is declared float: read it with get_float\(\)"):
        settings.get_int("view.min_confidence")
    with pytest.raises(ConfigError, match="Unknown setting 'extract.wrokers'"):
        settings.get_int("extract.wrokers")


@pytest.mark.parametrize(
    ("layer", "name", "value", "expected"),
    [
        ("env", "extract.workers", "four", "Setting 'extract.workers' expects a whole number, got 'four'"),
        ("env", "extract.enabled", "maybe", "Setting 'extract.enabled' expects true or false, got 'maybe'"),
        ("override", "view.min_confidence", "high", "Setting 'view.min_confidence' expects a number, got 'high'"),
        ("override", "ingest.batch_size", True, "Setting 'ingest.batch_size' expects a whole number, got True"),
        ("file", "ingest.batch_size", 2.5, "Setting 'ingest.batch_size' expects a whole number, got 2.5"),
    ],
)
def test_config_bad_value_names_key_and_value(
    tmp_path: Path, layer: str, name: str, value: object, expected: str
) -> None:
    file = None
    env: dict[str, str] = {}
    overrides: dict[str, object] = {}
    if layer == "env":
        env[next(s.env for s in SETTINGS if s.name == name)] = str(value)
    elif layer == "override":
        overrides[name] = value
    else:
        section, key = name.split(".")
        file = tmp_path / "vigil.toml"
        file.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(file, env=env, overrides=overrides)
    assert str(caught.value).startswith(expected)


def test_config_unknown_names_are_refused(tmp_path: Path) -> None:
    file = tmp_path / "vigil.toml"
    file.write_text("[ingest]\nbatchsize = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"Unknown setting 'ingest.batchsize' in .*vigil.toml"):
        load_settings(file, env={})
    with pytest.raises(ConfigError, match="Unknown setting 'nope'"):
        load_settings(env={}, overrides={"nope": 1})
    with pytest.raises(ConfigError, match="Unknown setting 'nope'"):
        Settings({"nope": 1})


def test_config_settings_checks_values_it_is_built_from() -> None:
    settings = Settings({"db.busy_timeout": 2, "extract.workers": "2"})
    assert settings.get_float("db.busy_timeout") == 2.0 and settings.get_int("extract.workers") == 2
    assert settings.get_str("db") == default_setting("db")
    with pytest.raises(ConfigError, match="'extract.workers' expects a whole number, got 'two'"):
        Settings({"extract.workers": "two"})


def test_config_replace_is_checked_and_leaves_the_original() -> None:
    settings = load_settings(env={})
    changed = settings.replace(extract__workers="2")
    assert changed.get_int("extract.workers") == 2 and settings.get_int("extract.workers") == 0
    with pytest.raises(ConfigError, match="'extract.workers' expects a whole number, got 'x'"):
        settings.replace(extract__workers="x")


def test_config_settings_survive_a_json_round_trip() -> None:
    """A server's workers rebuild the parent's settings from JSON (``vigil.api.worker``)."""
    import json

    settings = load_settings(env={"VIGIL_DB_BUSY_TIMEOUT": "7", "VIGIL_EXTRACT_TRANSFORMER": "no"})
    rebuilt = Settings(json.loads(json.dumps(dict(settings))))
    assert rebuilt == settings and rebuilt.get_float("db.busy_timeout") == 7.0
