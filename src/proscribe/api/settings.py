"""The HTTP service's settings: defaults, then an optional TOML file, then ``PROSCRIBE_API_*`` variables.

Operators of a bank's service keep settings in a file under change control and
override one value per deployment through the environment; both are read once
at start. An unknown key or a value of the wrong kind stops the service with a
message naming it, rather than starting with a setting silently ignored.

The file is ``PROSCRIBE_API_CONFIG`` when set, else ``api.toml`` in the home
folder when present. Its keys are the field names below, e.g.::

    rate_limit = 50.0
    cors_origins = ["https://compliance.example.com"]
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from proscribe.config import Settings, resolve_settings
from proscribe.errors import UserError

ENV_PREFIX = "PROSCRIBE_API_"
CONFIG_ENV = "PROSCRIBE_API_CONFIG"
CONFIG_FILE = "api.toml"


@dataclass(frozen=True, slots=True)
class ApiSettings:
    """Every knob of the service; the defaults suit one host on a private network."""

    store: Settings
    max_body_bytes: int = 2 * 1024 * 1024  # a full 1,000-query batch is well under 1 MiB
    rate_limit: float = 100.0  # requests per second per key, across all workers (0: no limit)
    rate_burst: int = 200  # requests a key may send at once before the limit applies
    cors_origins: tuple[str, ...] = ()  # browsers' cross-origin calls are refused unless listed here
    index_check_seconds: float = 5.0  # how often a worker looks for a newer list edition
    access_log: bool = True
    log_level: str = "info"
    workers: int = 1  # set by ``proscribe serve``: splits the rate limit between worker processes
    lists_mirror: str | None = None  # where POST /lists/update fetches from (default: the publishers)

    @property
    def worker_rate(self) -> float:
        return self.rate_limit / max(1, self.workers)

    @property
    def worker_burst(self) -> int:
        return max(1, self.rate_burst // max(1, self.workers))


_KINDS: dict[str, type] = {
    "max_body_bytes": int,
    "rate_limit": float,
    "rate_burst": int,
    "cors_origins": tuple,
    "index_check_seconds": float,
    "access_log": bool,
    "log_level": str,
    "workers": int,
    "lists_mirror": str,
}
_LOG_LEVELS = ("debug", "info", "warning", "error")


def load_settings(home: Path | str | None = None, environ: dict[str, str] | None = None) -> ApiSettings:
    """Settings for the service from the config file and the environment (``environ`` defaults to os.environ)."""
    env = dict(os.environ if environ is None else environ)
    store = resolve_settings(home or env.get("PROSCRIBE_HOME"), env.get("PROSCRIBE_DATABASE_URL"))
    values: dict[str, Any] = {}
    config = _config_path(store, env)
    if config is not None:
        values.update(_read_file(config))
    for name in _KINDS:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _parse(name, raw, f"{ENV_PREFIX}{name.upper()}")
    return validate(replace(ApiSettings(store), **values))


def validate(settings: ApiSettings) -> ApiSettings:
    if settings.max_body_bytes < 1024:
        raise UserError(f"max_body_bytes {settings.max_body_bytes} is too small (at least 1024)")
    if settings.rate_limit < 0 or settings.rate_burst < 1:
        raise UserError("rate_limit must be >= 0 and rate_burst >= 1")
    if settings.index_check_seconds <= 0:
        raise UserError("index_check_seconds must be positive")
    if settings.log_level not in _LOG_LEVELS:
        raise UserError(f"log_level {settings.log_level!r}: use one of {', '.join(_LOG_LEVELS)}")
    if settings.workers < 1:
        raise UserError("workers must be at least 1")
    return settings


def _config_path(store: Settings, env: dict[str, str]) -> Path | None:
    named = env.get(CONFIG_ENV)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise UserError(f"{CONFIG_ENV}={named}: no such file")
        return path
    default = store.home / CONFIG_FILE
    return default if default.is_file() else None


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: {error}") from error
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in _KINDS:
            raise UserError(f"{path}: unknown setting {name!r}; known: {', '.join(_KINDS)}")
        values[name] = _coerce(name, value, f"{path}: {name}")
    return values


def _coerce(name: str, value: Any, where: str) -> Any:
    kind = _KINDS[name]
    if kind is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UserError(f"{where} is a list of strings")
        return tuple(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise UserError(f"{where} should be a {kind.__name__}, not {value!r}")
    return value


def _parse(name: str, raw: str, where: str) -> Any:
    kind = _KINDS[name]
    text = raw.strip()
    try:
        if kind is bool:
            if text.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(text)
            return text.lower() in ("1", "true", "yes", "on")
        if kind is tuple:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if kind is str:
            return (text or None) if name == "lists_mirror" else text
        return kind(text)
    except ValueError:
        raise UserError(f"{where}={raw!r} should be a {kind.__name__}") from None
