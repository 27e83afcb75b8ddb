"""Configuration: which provider URI each area uses, and where each value came from.

Resolution, lowest to highest: built-in defaults (the external servers Coze Studio uses) ->
``cozelite.toml`` -> environment (``DB_URI KV_URI SEARCH_URI MQ_URI BLOB_URI``, ``COZE_LITE``,
``COZE_DATA_DIR``, ``COZE_CONFIG``) -> command-line flags. The lite preset (``lite = true``,
``COZE_LITE=1`` or ``--lite``) fills every URI that no file, env var or flag set with the embedded
default under ``./var/data/``.

``cozelite.toml`` (every key optional; an unknown key is an error, so a typo cannot be ignored)::

    lite = true
    data_dir = "var/data"          # server lock file and backup root
    [db]
    uri = "sqlite:///var/data/sqlite/app.db"
    [kv]
    uri = "lmdb:///var/data/kv"
    [search]
    uri = "duckdb:///var/data/duckdb/search.db"   # document search (es.Client)
    retrieval_uri = "milvus://127.0.0.1:19530"    # knowledge retrieval on its own server (optional)

Search is two services in Coze Studio: document search (Elasticsearch) and retrieval (Milvus).
``search.uri`` serves both unless ``search.retrieval_uri`` (env ``RETRIEVAL_URI``, flag
``--retrieval-uri``) names another provider for retrieval; then documents stay on ``search.uri``
(DuckDB: there is no Elasticsearch client) and retrieval goes to Milvus.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from providers.registry import ProviderURL

AREAS: tuple[str, ...] = ("db", "kv", "search", "mq", "blob")

ENV_VARS: dict[str, str] = {"db": "DB_URI", "kv": "KV_URI", "search": "SEARCH_URI", "mq": "MQ_URI", "blob": "BLOB_URI"}

# Retrieval on its own provider (Milvus), beside document search: a second key of the search area.
RETRIEVAL_KEY = "search.retrieval_uri"
RETRIEVAL_ENV = "RETRIEVAL_URI"
RETRIEVAL_FLAG = "--retrieval-uri"
# The knowledge flows' embedding model (providers/embedding): `[embedding] uri` or EMBEDDING_URI;
# default none:// (text-only retrieval), local://minilm offline, openai://HOST/v1?model=NAME.
EMBEDDING_KEY, EMBEDDING_ENV, EMBEDDING_DEFAULT = "embedding.uri", "EMBEDDING_URI", "none://"

# Coze Studio's own deployment: MySQL, Redis, NATS, S3-compatible storage. Document search stays on
# DuckDB: no Elasticsearch/OpenSearch client ships (none could be tested), so `es://` is refused with
# what to use instead; retrieval can move to Milvus with RETRIEVAL_URI.
DEFAULT_URIS: dict[str, str] = {
    "db": "mysql://coze@127.0.0.1:3306/opencoze",
    "kv": "redis://127.0.0.1:6379/0",
    "search": "duckdb:///var/data/duckdb/search.db",
    "mq": "nats://127.0.0.1:4222",
    "blob": "s3://opencoze",
}

LITE_URIS: dict[str, str] = {
    "db": "sqlite:///var/data/sqlite/app.db",
    "kv": "lmdb:///var/data/kv",
    "search": "duckdb:///var/data/duckdb/search.db",
    "mq": "mem://",
    "blob": "file:///var/data/blob",
}

DEFAULT_CONFIG_FILE = "cozelite.toml"
DEFAULT_DATA_DIR = "var/data"

# Sources, in the words `cozelite config show` prints.
DEFAULT, FILE, ENV, FLAG, LITE = "default", "file", "env", "flag", "lite preset"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
# Schemes whose data lives in local files; value: does the path name a file (else a directory).
_FILE_SCHEMES = {"sqlite": True, "duckdb": True, "lmdb": False, "file": False, "milvus": True}


class ConfigError(Exception):
    """A configuration problem a user must fix; the message names the file, variable or path."""


@dataclass(frozen=True)
class Setting:
    value: str
    source: str
    # Where exactly: the file path, the env var or the flag name.
    origin: str = ""


@dataclass(frozen=True)
class Config:
    uris: dict[str, Setting]
    lite: Setting
    data_dir: Setting
    config_file: Path | None = None
    extra: dict[str, Setting] = field(default_factory=dict)

    def uri(self, area: str) -> str:
        return self.uris[area].value

    @property
    def retrieval(self) -> Setting | None:
        """The retrieval provider's URI when it is not the search provider, else None."""
        setting = self.extra.get(RETRIEVAL_KEY)
        return setting if setting is not None and setting.value else None

    @property
    def embedding(self) -> str:
        setting = self.extra.get(EMBEDDING_KEY)
        return setting.value if setting is not None and setting.value else EMBEDDING_DEFAULT

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir.value)

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, redacted value, source) for display."""
        out = [("lite", self.lite.value, _describe(self.lite)),
               ("data_dir", self.data_dir.value, _describe(self.data_dir))]
        for area in AREAS:
            s = self.uris[area]
            out.append((f"{area}.uri", redact(s.value), _describe(s)))
            if area == "search":
                r = self.retrieval
                out.append((RETRIEVAL_KEY, redact(r.value), _describe(r)) if r is not None
                           else (RETRIEVAL_KEY, "(search.uri)", "default"))
        e = self.extra.get(EMBEDDING_KEY)
        out.append((EMBEDDING_KEY, redact(e.value), _describe(e)) if e is not None and e.value
                   else (EMBEDDING_KEY, EMBEDDING_DEFAULT, "default"))
        return out

    def served_by(self) -> list[tuple[str, str]]:
        """(service, URI scheme of the provider serving it): each area, and search split into its
        document-search and retrieval halves."""
        out: list[tuple[str, str]] = []
        for area in AREAS:
            scheme = ProviderURL.parse(self.uri(area)).scheme
            if area == "search":
                r = self.retrieval
                out.append(("search.documents", scheme))
                out.append(("search.retrieval", ProviderURL.parse(r.value).scheme if r is not None else scheme))
            else:
                out.append((area, scheme))
        return out


def _describe(s: Setting) -> str:
    return f"{s.source} ({s.origin})" if s.origin else s.source


def redact(uri: str) -> str:
    """The URI with its password, and query parameters that look like secrets, replaced by ***
    (the provider registry's redaction, which also copes with URIs that do not parse)."""
    return ProviderURL._redact(uri) if isinstance(uri, str) else "***"


def _parse_bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ConfigError(f"{where} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}")


def _read_file(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    except OSError as err:
        raise ConfigError(f"cannot read config file {path}: {err.strerror}") from None
    allowed_top = {"lite", "data_dir", "server", "embedding", *AREAS}  # [server]: cozelite/server/limits.py
    embedding = data.get("embedding")
    if embedding is not None and (not isinstance(embedding, dict) or set(embedding) - {"uri"}
                                  or not isinstance(embedding.get("uri", ""), str)):
        raise ConfigError(f"{path}: [embedding] must be a table with only a string 'uri' key")
    unknown = sorted(set(data) - allowed_top)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed_top))}")
    for area in AREAS:
        section = data.get(area)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: [{area}] must be a table with a 'uri' key")
        keys = {"uri", "retrieval_uri"} if area == "search" else {"uri"}
        bad = sorted(set(section) - keys)
        if bad:
            raise ConfigError(f"{path}: unknown key(s) {', '.join(f'{area}.{k}' for k in bad)}; "
                              f"known: {', '.join(f'{area}.{k}' for k in sorted(keys))}")
        for key in keys:
            if key in section and not isinstance(section[key], str):
                raise ConfigError(f"{path}: {area}.{key} must be a string")
    if "lite" in data and not isinstance(data["lite"], bool):
        raise ConfigError(f"{path}: lite must be true or false")
    if "data_dir" in data and not isinstance(data["data_dir"], str):
        raise ConfigError(f"{path}: data_dir must be a string")
    return data


def load_config(*, config_file: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None,
                flags: Mapping[str, str | None] | None = None, lite: bool | None = None,
                data_dir: str | None = None, retrieval: str | None = None) -> Config:
    """Resolve the configuration.

    `flags` maps areas ("db", ...) to URIs given on the command line (None: not given); `lite`,
    `data_dir` and `retrieval` are the --lite / --data-dir / --retrieval-uri flags. `env` defaults to
    os.environ. Without
    `config_file`, COZE_CONFIG or ./cozelite.toml (when present) is read.
    """
    env = os.environ if env is None else env
    flags = flags or {}
    unknown = sorted(set(flags) - set(AREAS))
    if unknown:
        raise ConfigError(f"unknown area(s) {', '.join(unknown)}; known: {', '.join(AREAS)}")
    path: Path | None = None
    if config_file is not None:
        path = Path(config_file)
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
    elif env.get("COZE_CONFIG"):
        path = Path(env["COZE_CONFIG"])
        if not path.is_file():
            raise ConfigError(f"config file {path} (from COZE_CONFIG) does not exist")
    elif Path(DEFAULT_CONFIG_FILE).is_file():
        path = Path(DEFAULT_CONFIG_FILE)
    data = _read_file(path) if path else {}
    where = str(path) if path else ""

    uris: dict[str, Setting] = {}
    for area in AREAS:
        setting = Setting(DEFAULT_URIS[area], DEFAULT)
        section = data.get(area)
        if isinstance(section, dict) and "uri" in section:
            setting = Setting(str(section["uri"]), FILE, where)
        if env.get(ENV_VARS[area]):
            setting = Setting(env[ENV_VARS[area]], ENV, ENV_VARS[area])
        if flags.get(area):
            setting = Setting(str(flags[area]), FLAG, f"--{area}-uri")
        uris[area] = setting

    lite_setting = Setting("false", DEFAULT)
    if "lite" in data:
        lite_setting = Setting(str(data["lite"]).lower(), FILE, where)
    if "COZE_LITE" in env:
        lite_setting = Setting(str(_parse_bool(env["COZE_LITE"], "COZE_LITE")).lower(), ENV, "COZE_LITE")
    if lite is not None:
        lite_setting = Setting(str(bool(lite)).lower(), FLAG, "--lite")
    if lite_setting.value == "true":
        for area in AREAS:
            if uris[area].source == DEFAULT:
                uris[area] = Setting(LITE_URIS[area], LITE)

    dd = Setting(DEFAULT_DATA_DIR, DEFAULT)
    if "data_dir" in data:
        dd = Setting(str(data["data_dir"]), FILE, where)
    if env.get("COZE_DATA_DIR"):
        dd = Setting(env["COZE_DATA_DIR"], ENV, "COZE_DATA_DIR")
    if data_dir:
        dd = Setting(data_dir, FLAG, "--data-dir")

    # Retrieval: no lite default (the search provider serves it unless a URI says otherwise).
    extra: dict[str, Setting] = {}
    section = data.get("search")
    if isinstance(section, dict) and section.get("retrieval_uri"):
        extra[RETRIEVAL_KEY] = Setting(str(section["retrieval_uri"]), FILE, where)
    if env.get(RETRIEVAL_ENV):
        extra[RETRIEVAL_KEY] = Setting(env[RETRIEVAL_ENV], ENV, RETRIEVAL_ENV)
    if retrieval:
        extra[RETRIEVAL_KEY] = Setting(retrieval, FLAG, RETRIEVAL_FLAG)
    section = data.get("embedding")
    if isinstance(section, dict) and section.get("uri"):
        extra[EMBEDDING_KEY] = Setting(str(section["uri"]), FILE, where)
    if env.get(EMBEDDING_ENV):
        extra[EMBEDDING_KEY] = Setting(env[EMBEDDING_ENV], ENV, EMBEDDING_ENV)

    # Every URI that does not parse, in one error: a user fixes the whole configuration in one run.
    named = [(f"{area}.uri", s) for area, s in uris.items()] + list(extra.items())
    bad: list[str] = []
    for key, s in named:
        try:
            ProviderURL.parse(s.value)
        except Exception as err:
            bad.append(f"{key} from {_describe(s)} is not a valid URI: {err}")
    raise_problems(bad)
    return Config(uris=uris, lite=lite_setting, data_dir=dd, config_file=path, extra=extra)


def raise_problems(problems: list[str]) -> None:
    """Raise one ConfigError naming every problem (one line each), or nothing when there is none."""
    if len(problems) == 1:
        raise ConfigError(problems[0])
    if problems:
        raise ConfigError(f"{len(problems)} settings are invalid:\n" + "\n".join(f"  - {p}" for p in problems))


def _named_uris(config: Config) -> list[tuple[str, Setting]]:
    named = [(f"{area}.uri", config.uris[area]) for area in AREAS]
    if config.retrieval is not None:
        named.append((RETRIEVAL_KEY, config.retrieval))
    return named


def _local_form_problem(key: str, s: Setting) -> str | None:
    """What is wrong with the form of a file-like URI (a host, no path), or None."""
    url = ProviderURL.parse(s.value)
    scheme = url.scheme.split("+", 1)[0]
    if scheme not in _FILE_SCHEMES or (scheme == "milvus" and url.host):  # milvus://host is a server
        return None
    forms = (f"{scheme}://./relative/path, {scheme}:///relative/path (SQLAlchemy's form) or "
             f"{scheme}:////absolute/path")
    if url.host:
        return (f"{key} {redact(s.value)!r} (from {_describe(s)}) names a host ({url.host!r}); a {scheme} URI names "
                f"a local path: {forms}")
    if not url.path or url.path == ":memory:":
        return f"{key} {redact(s.value)!r} (from {_describe(s)}) names no path; use {forms}"
    return None


def _not_creatable(d: Path) -> str | None:
    """Why directory `d` cannot be created (or used), found without creating anything; else None."""
    probe = d
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        return f"{probe.resolve()} is a file, not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        what = "is not writable" if probe == d else f"cannot be created: {probe.resolve()} is not writable"
        return f"data directory {d.resolve()} {what}"
    return None


def uri_problems(config: Config) -> list[str]:
    """Every problem of the configuration found without touching the disk: file-like URIs with a
    host or no path, and data directories that could not be created. Nothing is created."""
    problems: list[str] = []
    for key, s in _named_uris(config):
        problem = _local_form_problem(key, s)
        if problem is not None:
            problems.append(problem)
    if problems:  # a directory derived from a malformed URI means nothing
        return problems
    for d in _data_dirs(config):
        why = _not_creatable(d)
        if why is not None:
            problems.append(f"{why}; fix its permissions or choose another path in cozelite.toml / the *_URI "
                            "variables / --data-dir")
    return problems


def local_data_path(uri: str) -> tuple[Path, bool] | None:
    """Where an embedded provider keeps its data: (path, is_file), or None for servers, mem:// and
    malformed file-like URIs (a host: `uri_problems` reports them)."""
    url = ProviderURL.parse(uri)
    is_file = _FILE_SCHEMES.get(url.scheme.split("+", 1)[0])
    if is_file is None or not url.path or url.host:
        return None
    return Path(url.path), is_file


def _data_dirs(config: Config) -> list[Path]:
    dirs = [config.data_path]
    for _key, s in _named_uris(config):
        local = local_data_path(s.value)
        if local is not None:
            path, is_file = local
            dirs.append(path.parent if is_file else path)
    return dirs


def prepare_data_dirs(config: Config) -> list[Path]:
    """Create the data directories the configuration needs. Every problem `uri_problems` finds is
    reported first, in one ConfigError, and then nothing is created; a path that still cannot be
    created or written is named."""
    raise_problems(uri_problems(config))
    made: list[Path] = []
    for d in _data_dirs(config):
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ConfigError(f"cannot create data directory {d.resolve()}: {err.strerror}") from None
        if not os.access(d, os.W_OK | os.X_OK):
            raise ConfigError(f"data directory {d.resolve()} is not writable; fix its permissions or choose "
                              "another path in cozelite.toml / the *_URI variables")
        made.append(d)
    return made
