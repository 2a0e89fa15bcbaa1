"""Settings from the defaults, an optional TOML file and ``PROSCRIBE_API_*`` variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from proscribe.api.settings import load_settings
from proscribe.errors import UserError


def test_defaults_are_safe(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, environ={})
    assert settings.cors_origins == ()
    assert settings.rate_limit > 0 and settings.max_body_bytes >= 1024
    assert settings.store.home == tmp_path


def test_file_then_environment(tmp_path: Path) -> None:
    (tmp_path / "api.toml").write_text('rate_limit = 20\ncors_origins = ["https://a.example"]\naccess_log = false\n')
    settings = load_settings(tmp_path, environ={"PROSCRIBE_API_RATE_LIMIT": "7.5", "PROSCRIBE_API_WORKERS": "2"})
    assert settings.rate_limit == 7.5  # the environment wins
    assert settings.worker_rate == 3.75
    assert settings.cors_origins == ("https://a.example",)
    assert settings.access_log is False


def test_named_config_file(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('log_level = "warning"\n')
    assert load_settings(tmp_path, environ={"PROSCRIBE_API_CONFIG": str(config)}).log_level == "warning"


@pytest.mark.parametrize(
    ("file", "environ", "message"),
    [
        ("colour = 1\n", {}, "unknown setting"),
        ('rate_limit = "fast"\n', {}, "should be a float"),
        ("rate_limit = [\n", {}, "api.toml"),
        ("", {"PROSCRIBE_API_MAX_BODY_BYTES": "lots"}, "should be a int"),
        ("", {"PROSCRIBE_API_ACCESS_LOG": "perhaps"}, "should be a bool"),
        ("", {"PROSCRIBE_API_LOG_LEVEL": "loud"}, "log_level"),
        ("", {"PROSCRIBE_API_MAX_BODY_BYTES": "10"}, "too small"),
        ("", {"PROSCRIBE_API_CONFIG": "/no/such/file.toml"}, "no such file"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, file: str, environ: dict[str, str], message: str) -> None:
    if file:
        (tmp_path / "api.toml").write_text(file)
    with pytest.raises(UserError, match=message):
        load_settings(tmp_path, environ=environ)
