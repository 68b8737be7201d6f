"""Backup and restore: the database and the uploaded files in one verifiable archive.

An archive is a gzip-compressed tar file::

    database/<table>.jsonl     the portable dump: one JSON array per row, columns as in the manifest
    database/native/...        the vendor's own copy (SQLite file or pg_dump custom format), optional
    media/<path>               every file under MEDIA_ROOT
    manifest.json              version, time, vendor, migrations, row counts, sha256 of every member

``ukai_restore`` reads only the portable dump, so an archive made on SQLite restores
into PostgreSQL and back. Why this format: ``docs/adr/0004-backup-format.md``.
Operating it: ``docs/operations/backup.md``.
"""

from __future__ import annotations

import base64
import datetime as dt
import getpass
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import tomllib
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.request import pathname2url

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connections,
    models,
    router,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.duration import duration_iso_string

from .audit import audit_log
from .context import ActorContext, actor_reset, actor_set
from .errors import UkaiError
from .models import AuditEvent

logger = logging.getLogger(__name__)

FORMAT_NAME = "ukai-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_DIR = "database"
NATIVE_DIR = "database/native"
MEDIA_DIR = "media"
SNAPSHOT_ALIAS = "ukai_backup_snapshot"
INSERT_BATCH_ROWS = 500
READ_CHUNK_ROWS = 2000
COPY_BUFFER = 1024 * 1024

# Rows that a fresh instance has without anyone putting them there: ``migrate``
# creates content types and permissions, and a running worker reports heartbeats.
# A database holding only these counts as empty; restore replaces them.
SELF_FILLED_MODELS = frozenset(
    {"contenttypes.contenttype", "auth.permission", "core.workerheartbeat"}
)


class BackupError(UkaiError):
    """A backup or restore that cannot go ahead; nothing was changed."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TableSummary:
    table: str
    model: str
    rows: int


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    vendor: str
    native: str | None
    tables: list[TableSummary]
    media_files: int
    media_bytes: int
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass
class RestoreResult:
    archive: Path
    created_at: str
    source_vendor: str
    tables: list[TableSummary]
    media_files: int
    media_bytes: int
    migrated_first: bool
    safety_backup: Path | None

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


# --------------------------------------------------------------------------- helpers


def ukai_version() -> str:
    """The installed Ukai version, or the one in pyproject.toml when run from a checkout."""
    try:
        return metadata.version("ukai")
    except metadata.PackageNotFoundError:
        pyproject = Path(settings.BASE_DIR).parents[1] / "pyproject.toml"
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
            return str(data["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def backup_models(using: str = DEFAULT_DB_ALIAS) -> list[type[models.Model]]:
    """Every model with a table of its own in the database, m2m tables included."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _codec_field(f: models.Field[Any, Any]) -> models.Field[Any, Any]:
    """The field whose type decides the encoding: a foreign key's target field."""
    while f.is_relation and (f.many_to_one or f.one_to_one):
        target = getattr(f, "target_field", None)
        if target is None:
            break
        f = target
    return f


def _encoder(f: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """How a value read through the ORM is written to JSON, without losing anything.

    Django's own JSON serializer truncates datetimes to milliseconds, which would
    rewrite the audit log; here every datetime keeps its microseconds.
    """
    kind = _codec_field(f).get_internal_type()
    if kind == "JSONField":
        return lambda value: value
    if kind == "BinaryField":
        return lambda value: None if value is None else base64.b64encode(bytes(value)).decode()
    if kind == "DurationField":
        return lambda value: None if value is None else duration_iso_string(value)

    def plain(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, dt.date | dt.time):  # datetime is a date
            return value.isoformat()
        return str(value)  # Decimal, UUID, and anything else with a faithful str()

    return plain


def _decoder(f: models.Field[Any, Any]) -> Callable[[Any], Any]:
    if _codec_field(f).get_internal_type() == "JSONField":
        return lambda value: value
    return lambda value: None if value is None else f.to_python(value)


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.hash.update(data)
        self.size += len(data)
        return data


def _tar_add_file(
    tar: tarfile.TarFile, path: Path, arcname: str, files: dict[str, dict[str, Any]]
) -> int:
    stat = path.stat()
    info = tarfile.TarInfo(arcname)
    info.size = stat.st_size
    info.mtime = int(stat.st_mtime)
    info.mode = 0o644
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        # tarfile reads exactly info.size bytes (and fails if the file shrank),
        # so the digest always describes the member as archived.
        tar.addfile(info, reader)
    files[arcname] = {"sha256": reader.hash.hexdigest(), "size": reader.size}
    return reader.size


def _tar_add_bytes(tar: tarfile.TarFile, data: bytes, arcname: str) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _normalized_migrations(
    applied: set[tuple[str, str]], replacements: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    # A squashed migration is recorded next to the ones it replaces on databases
    # migrated step by step, and not on fresh ones; compare without them.
    return applied - replacements


def _applied_migrations(connection: BaseDatabaseWrapper) -> set[tuple[str, str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return set()
    return set(recorder.applied_migrations())


def _migrations_by_app(applied: set[tuple[str, str]]) -> dict[str, list[str]]:
    by_app: dict[str, list[str]] = {}
    for app_label, name in sorted(applied):
        by_app.setdefault(app_label, []).append(name)
    return by_app


@contextmanager
def _as_system_actor(action: str) -> Iterator[None]:
    """Attribute audit entries of a command line operation to the operating-system user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    token = actor_set(ActorContext(username=f"manage.py {action} ({user})"[:150], role="system"))
    try:
        yield
    finally:
        actor_reset(token)


def default_backup_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _default_output(prefix: str = "ukai") -> Path:
    directory = default_backup_dir()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{prefix}-{stamp}.tar.gz"
    suffix = 1
    while path.exists():
        path = directory / f"{prefix}-{stamp}-{suffix}.tar.gz"
        suffix += 1
    return path


# --------------------------------------------------------------------------- backup


def _check_source_migrated(connection: BaseDatabaseWrapper) -> None:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        pending = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        raise BackupError(
            code="backup_unmigrated",
            message_ja=f"未適用のマイグレーションがあります（{pending}）。"
            "先に manage.py migrate を実行してください。",
            message_en=f"There are unapplied migrations ({pending}). Run manage.py migrate first.",
        )


def _dump_tables(
    connection: BaseDatabaseWrapper, workdir: Path, tar: tarfile.TarFile, files: dict[str, Any]
) -> list[dict[str, Any]]:
    tables: list[dict[str, Any]] = []
    for model in backup_models():
        columns = _columns(model)
        encoders = [_encoder(f) for f in columns]
        table = model._meta.db_table
        arcname = f"{DATABASE_DIR}/{table}.jsonl"
        path = workdir / f"{table}.jsonl"
        rows = 0
        queryset = (
            model._base_manager.using(connection.alias)
            .order_by("pk")
            .values_list(*[f.attname for f in columns])
        )
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for row in queryset.iterator(chunk_size=READ_CHUNK_ROWS):
                values = [encode(value) for encode, value in zip(encoders, row, strict=True)]
                out.write(json.dumps(values, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                rows += 1
        _tar_add_file(tar, path, arcname, files)
        path.unlink()
        tables.append(
            {
                "table": table,
                "model": model._meta.label_lower,
                "columns": [f.attname for f in columns],
                "rows": rows,
                "file": arcname,
            }
        )
    return tables


@contextmanager
def _sqlite_snapshot(workdir: Path) -> Iterator[tuple[BaseDatabaseWrapper, Path]]:
    """Copy the live SQLite database with the online backup API and open the copy read-only.

    The copy is one consistent state even while the web server and the worker
    write (the backup API reads a single snapshot of the WAL database), and the
    live database is locked only for the copy, not while the copy is serialized.
    """
    live = connections[DEFAULT_DB_ALIAS]
    live.ensure_connection()
    snapshot_path = workdir / "ukai.sqlite3"
    target = sqlite3.connect(snapshot_path)
    try:
        live.connection.backup(target)
        # A self-contained file: no -wal or -shm companions in the archive.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    settings_dict = dict(live.settings_dict)
    settings_dict["NAME"] = f"file:{pathname2url(str(snapshot_path))}?mode=ro"
    settings_dict["OPTIONS"] = {"timeout": 20}
    snapshot = load_backend(str(settings_dict["ENGINE"])).DatabaseWrapper(
        settings_dict, SNAPSHOT_ALIAS
    )
    connections[SNAPSHOT_ALIAS] = snapshot
    try:
        yield snapshot, snapshot_path
    finally:
        snapshot.close()
        del connections[SNAPSHOT_ALIAS]


def _pg_dump(connection: BaseDatabaseWrapper, snapshot_id: str, path: Path) -> tuple[bool, str]:
    """Run pg_dump on the same snapshot as the portable dump; report why not if it fails."""
    executable = shutil.which("pg_dump")
    if executable is None:
        return False, "pg_dump not found"
    config = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    try:
        completed = subprocess.run(
            [executable, "--format=custom", f"--snapshot={snapshot_id}", f"--file={path}"],
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"pg_dump failed: {exc}"
    if completed.returncode != 0:
        return False, f"pg_dump failed: {completed.stderr.strip()[:500]}"
    return True, ""


def _add_media(tar: tarfile.TarFile, files: dict[str, Any], warnings: list[str]) -> tuple[int, int]:
    media_root = Path(settings.MEDIA_ROOT)
    count = 0
    total = 0
    if not media_root.is_dir():
        return 0, 0
    for directory, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            relative = path.relative_to(media_root).as_posix()
            if path.is_symlink() or not path.is_file():
                warnings.append(
                    f"通常のファイルではないため含めませんでした / Skipped, not a regular file: "
                    f"{relative}"
                )
                continue
            total += _tar_add_file(tar, path, f"{MEDIA_DIR}/{relative}", files)
            count += 1
    return count, total


def backup_create(*, output: Path | None = None, native: bool = True) -> BackupResult:
    """Write one archive of the database and MEDIA_ROOT; return what it holds.

    The archive is written under a temporary name and renamed when complete, so
    a file with the final name is always a whole archive.
    """
    output = Path(output) if output is not None else _default_output()
    if output.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError(
            code="backup_output_in_media",
            message_ja=f"バックアップをアップロードファイルのフォルダ（{settings.MEDIA_ROOT}）の"
            "中には書き出せません。別の場所を指定してください。",
            message_en="A backup cannot be written inside the uploaded files' folder "
            f"({settings.MEDIA_ROOT}); choose another place.",
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    connection = connections[DEFAULT_DB_ALIAS]
    _check_source_migrated(connection)
    with _as_system_actor("ukai_backup"):
        audit_log(
            action=AuditEvent.Action.EXPORT,
            object_type="core.backup",
            object_id=output.name[:100],
            purpose="バックアップの作成 / backup",
        )
    created_at = timezone.now()
    files: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    native_info: dict[str, Any] | None = None
    partial = output.with_name(f".{output.name}.partial-{os.getpid()}")
    workdir = Path(tempfile.mkdtemp(prefix=".ukai-backup-", dir=output.parent))
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(
                fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6
            ) as tar,
        ):
            if connection.vendor == "sqlite":
                with _sqlite_snapshot(workdir) as (snapshot, snapshot_path):
                    migrations = _applied_migrations(snapshot)
                    tables = _dump_tables(snapshot, workdir, tar, files)
                if native:
                    arcname = f"{NATIVE_DIR}/ukai.sqlite3"
                    _tar_add_file(tar, snapshot_path, arcname, files)
                    native_info = {"format": "sqlite3", "file": arcname}
            else:
                tables, migrations, native_info = _dump_in_transaction(
                    connection, workdir, tar, files, native, warnings
                )
            media_files, media_bytes = _add_media(tar, files, warnings)
            manifest = {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "ukai_version": ukai_version(),
                "created_at": created_at.isoformat(),
                "database": {
                    "vendor": connection.vendor,
                    "engine": connection.settings_dict["ENGINE"],
                    "native": native_info,
                },
                "migrations": _migrations_by_app(migrations),
                "tables": tables,
                "row_counts": {t["table"]: t["rows"] for t in tables},
                "media": {"files": media_files, "bytes": media_bytes},
                "files": files,
            }
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            _tar_add_bytes(tar, payload, MANIFEST_NAME)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    digest = hashlib.sha256()
    with output.open("rb") as archive:
        for chunk in iter(lambda: archive.read(COPY_BUFFER), b""):
            digest.update(chunk)
    result = BackupResult(
        path=output,
        size=output.stat().st_size,
        sha256=digest.hexdigest(),
        vendor=connection.vendor,
        native=native_info["format"] if native_info else None,
        tables=[TableSummary(t["table"], t["model"], t["rows"]) for t in tables],
        media_files=media_files,
        media_bytes=media_bytes,
        warnings=warnings,
    )
    logger.info(
        "backup created",
        extra={"path": str(output), "rows": result.rows, "media_files": media_files},
    )
    return result


def _dump_in_transaction(
    connection: BaseDatabaseWrapper,
    workdir: Path,
    tar: tarfile.TarFile,
    files: dict[str, Any],
    native: bool,
    warnings: list[str],
) -> tuple[list[dict[str, Any]], set[tuple[str, str]], dict[str, Any] | None]:
    """Dump a server database inside one REPEATABLE READ, read-only transaction.

    Every table is read from the same snapshot; on PostgreSQL pg_dump joins that
    snapshot too (``--snapshot``), so the native and portable dumps agree.
    """
    native_info: dict[str, Any] | None = None
    with transaction.atomic(using=connection.alias):
        # Only the outermost block can choose the isolation level (it must be the
        # transaction's first statement); inside a caller's transaction, that
        # transaction's snapshot rules apply.
        if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        if connection.vendor == "postgresql" and native:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot_id = str(cursor.fetchone()[0])
            path = workdir / "ukai.pgdump"
            ok, reason = _pg_dump(connection, snapshot_id, path)
            if ok:
                arcname = f"{NATIVE_DIR}/ukai.pgdump"
                _tar_add_file(tar, path, arcname, files)
                path.unlink()
                native_info = {"format": "pg_dump-custom", "file": arcname}
            else:
                warnings.append(
                    f"ネイティブのダンプは含めませんでした / Native dump skipped: {reason}"
                )
        migrations = _applied_migrations(connection)
        tables = _dump_tables(connection, workdir, tar, files)
    return tables, migrations, native_info


# --------------------------------------------------------------------------- restore


def _unreadable(detail: str) -> BackupError:
    return BackupError(
        code="archive_unreadable",
        message_ja="アーカイブを読み取れません。gzip 圧縮の tar ファイルではないか、"
        f"壊れているか途中で切れています（{detail}）。何も変更していません。",
        message_en="The archive cannot be read: it is not a gzip-compressed tar file, "
        f"or it is corrupted or truncated ({detail}). Nothing was changed.",
    )


def _corrupted(problem_ja: str, problem_en: str, names: list[str]) -> BackupError:
    shown = ", ".join(sorted(names)[:5]) + (" …" if len(names) > 5 else "")
    return BackupError(
        code="archive_corrupted",
        message_ja=f"アーカイブが壊れています。{problem_ja}: {shown}。何も変更していません。",
        message_en=f"The archive is corrupted. {problem_en}: {shown}. Nothing was changed.",
    )


def _member_name(member: tarfile.TarInfo) -> str:
    """The member's path if it is one Ukai writes; refuse links, devices and escapes."""
    name = member.name.rstrip("/") if member.isdir() else member.name
    parts = name.split("/")
    allowed_root = parts[0] in (DATABASE_DIR, MEDIA_DIR) or name == MANIFEST_NAME
    if (
        not (member.isfile() or member.isdir())
        or PurePosixPath(name).is_absolute()
        or any(part in ("", ".", "..") for part in parts)
        or not allowed_root
        or "\\" in name
        or "\x00" in name
    ):
        raise BackupError(
            code="archive_unexpected_member",
            message_ja=f"アーカイブに Ukai のバックアップにはない項目があります: {name!r}。"
            "何も変更していません。",
            message_en=f"The archive holds a member a Ukai backup never has: {name!r}. "
            "Nothing was changed.",
        )
    return name


def _write_failed(path: Path, exc: OSError) -> BackupError:
    return BackupError(
        code="restore_write_failed",
        message_ja=f"展開先に書き込めません（{path}: {exc.strerror or exc}）。何も変更していません。",
        message_en=f"Cannot write the extracted files ({path}: {exc.strerror or exc}). "
        "Nothing was changed.",
    )


def _copy_hashing(source: IO[bytes], dest: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        out = dest.open("xb")
    except FileExistsError:
        raise _corrupted(
            "同じ名前の項目が重複しています", "A member appears twice", [str(dest)]
        ) from None
    except OSError as exc:
        raise _write_failed(dest, exc) from exc
    with out:
        while chunk := source.read(COPY_BUFFER):
            digest.update(chunk)
            size += len(chunk)
            try:
                out.write(chunk)
            except OSError as exc:
                raise _write_failed(dest, exc) from exc
    return digest.hexdigest(), size


def archive_extract_verified(*, archive: Path, staging: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``staging``, check every member against the manifest.

    Returns the manifest. Raises ``BackupError`` with a message for the operator
    on anything unexpected; the caller removes ``staging``.
    """
    if not archive.is_file():
        raise BackupError(
            code="archive_not_found",
            message_ja=f"アーカイブが見つかりません: {archive}",
            message_en=f"Archive not found: {archive}",
        )
    found: dict[str, dict[str, Any]] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _member_name(member)
                if member.isdir():
                    continue
                dest = staging / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - regular files always have data
                    raise _unreadable(name)
                digest, size = _copy_hashing(source, dest)
                found[name] = {"sha256": digest, "size": size}
            # tarfile stops at the first unreadable header as if the archive had
            # ended; reading the gzip stream to its end checks its CRC and length,
            # so a damaged or cut-off archive is reported rather than half-read.
            stream = tar.fileobj
            if stream is not None:
                while stream.read(COPY_BUFFER):
                    pass
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise _unreadable(str(exc) or type(exc).__name__) from exc

    if MANIFEST_NAME not in found:
        raise BackupError(
            code="archive_no_manifest",
            message_ja="manifest.json がありません。Ukai のバックアップではありません。"
            "何も変更していません。",
            message_en="The archive has no manifest.json; it is not a Ukai backup. "
            "Nothing was changed.",
        )
    try:
        manifest = json.loads((staging / MANIFEST_NAME).read_text(encoding="utf-8"))
        listed: dict[str, dict[str, Any]] = manifest["files"]
        if not isinstance(manifest, dict) or not isinstance(listed, dict):
            raise TypeError("manifest is not an object")
        if manifest["format"] != FORMAT_NAME:
            raise ValueError(f"format {manifest['format']!r}")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BackupError(
            code="archive_bad_manifest",
            message_ja=f"manifest.json が Ukai のバックアップの形式ではありません（{exc}）。"
            "何も変更していません。",
            message_en=f"manifest.json is not in the Ukai backup format ({exc}). "
            "Nothing was changed.",
        ) from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            code="archive_format_version",
            message_ja=f"このアーカイブの形式（版 {manifest.get('format_version')}）は"
            f"この Ukai（形式の版 {FORMAT_VERSION}）では読めません。何も変更していません。",
            message_en=f"This archive's format version {manifest.get('format_version')} "
            f"cannot be read by this Ukai (format version {FORMAT_VERSION}). Nothing was changed.",
        )
    del found[MANIFEST_NAME]
    missing = [name for name in listed if name not in found]
    if missing:
        raise _corrupted("項目が欠けています", "Members are missing", missing)
    unlisted = [name for name in found if name not in listed]
    if unlisted:
        raise _corrupted(
            "マニフェストにない項目があります", "Members not in the manifest", unlisted
        )
    mismatched = [
        name
        for name, record in found.items()
        if record["sha256"] != listed[name].get("sha256")
        or record["size"] != listed[name].get("size")
    ]
    if mismatched:
        raise _corrupted("チェックサムが一致しません", "Checksums do not match", mismatched)
    return manifest


@dataclass
class _TablePlan:
    model: type[models.Model]
    fields: list[models.Field[Any, Any]]
    file: str
    rows: int


def _schema_mismatch(detail_ja: str, detail_en: str) -> BackupError:
    return BackupError(
        code="restore_schema_mismatch",
        message_ja=f"アーカイブのテーブル構成がこの Ukai と一致しません（{detail_ja}）。"
        "アーカイブを作成した版の Ukai で復元してから更新してください。何も変更していません。",
        message_en=f"The archive's tables do not match this Ukai ({detail_en}). Restore with "
        "the Ukai version that made the archive, then upgrade. Nothing was changed.",
    )


def _table_plans(manifest: dict[str, Any]) -> list[_TablePlan]:
    current = {model._meta.label_lower: model for model in backup_models()}
    archived = {entry["model"]: entry for entry in manifest["tables"]}
    extra = sorted(archived.keys() - current.keys())
    missing = sorted(current.keys() - archived.keys())
    if extra or missing:
        detail = f"+{extra} -{missing}"
        raise _schema_mismatch(f"差分 {detail}", f"difference {detail}")
    plans = []
    for label, model in sorted(current.items()):
        entry = archived[label]
        by_attname = {f.attname: f for f in _columns(model)}
        if entry["table"] != model._meta.db_table or set(entry["columns"]) != set(by_attname):
            detail = f"{entry['table']}: {entry['columns']} ≠ {sorted(by_attname)}"
            raise _schema_mismatch(detail, detail)
        plans.append(
            _TablePlan(
                model=model,
                fields=[by_attname[name] for name in entry["columns"]],
                file=entry["file"],
                rows=int(entry["rows"]),
            )
        )
    return plans


def _nonempty_tables(connection: BaseDatabaseWrapper) -> list[str]:
    existing = set(connection.introspection.table_names())
    return [
        model._meta.db_table
        for model in backup_models()
        if model._meta.label_lower not in SELF_FILLED_MODELS
        and model._meta.db_table in existing
        and model._base_manager.using(connection.alias).exists()
    ]


def _media_has_files(media_root: Path) -> bool:
    if not media_root.is_dir():
        return False
    return any(files for _, _, files in os.walk(media_root))


def _fresh_migrations(executor: MigrationExecutor) -> set[tuple[str, str]]:
    """What ``migrate`` records on an empty database with this code."""
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    recorded: set[tuple[str, str]] = set()
    for migration, _backwards in plan:
        if migration.replaces:
            recorded.update(tuple(key) for key in migration.replaces)  # type: ignore[misc]
        else:
            recorded.add((migration.app_label, migration.name))
    return recorded


def _migration_mismatch(archived: set[Any], other: set[Any]) -> BackupError:
    only_archive = sorted(f"{a}.{n}" for a, n in archived - other)[:5]
    only_here = sorted(f"{a}.{n}" for a, n in other - archived)[:5]
    return BackupError(
        code="restore_migration_mismatch",
        message_ja="アーカイブとこのインスタンスのマイグレーションの状態が一致しません"
        f"（アーカイブのみ: {only_archive}、こちらのみ: {only_here}）。"
        "アーカイブを作成した版の Ukai で復元してから更新してください。何も変更していません。",
        message_en="The archive's migration state differs from this instance's "
        f"(only in the archive: {only_archive}; only here: {only_here}). Restore with the "
        "Ukai version that made the archive, then upgrade. Nothing was changed.",
    )


def _prepare_migrations(connection: BaseDatabaseWrapper, manifest: dict[str, Any]) -> bool:
    """Check the migration state matches the archive; migrate an empty database first.

    Returns whether the database was migrated.
    """
    executor = MigrationExecutor(connection)
    replacements = set(executor.loader.replacements)
    archived = _normalized_migrations(
        {(app, name) for app, names in manifest["migrations"].items() for name in names},
        replacements,
    )
    applied = _applied_migrations(connection)
    migrated = False
    if not applied:
        fresh = _normalized_migrations(_fresh_migrations(executor), replacements)
        if fresh != archived:
            raise _migration_mismatch(archived, fresh)
        call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
        migrated = True
        applied = _applied_migrations(connection)
    here = _normalized_migrations(applied, replacements)
    if here != archived:
        raise _migration_mismatch(archived, here)
    return migrated


def _rows(path: Path, plan: _TablePlan) -> Iterator[list[Any]]:
    decoders = [_decoder(f) for f in plan.fields]
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            values = json.loads(line)
            if len(values) != len(decoders):
                raise ValueError(f"{len(values)} values for {len(decoders)} columns")
            yield [decode(value) for decode, value in zip(decoders, values, strict=True)]


def _insert_table(connection: BaseDatabaseWrapper, plan: _TablePlan, staging: Path) -> int:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in plan.fields)
    placeholders = ", ".join(["%s"] * len(plan.fields))
    sql = f"INSERT INTO {quote(plan.model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - quoted identifiers from the models
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in _rows(staging / plan.file, plan):
            batch.append(
                [
                    f.get_db_prep_save(value, connection)
                    for f, value in zip(plan.fields, row, strict=True)
                ]
            )
            if len(batch) >= INSERT_BATCH_ROWS:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _move_entries(source: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for entry in sorted(source.iterdir()):
        shutil.move(entry, dest / entry.name)


def _load_database(
    connection: BaseDatabaseWrapper, plans: list[_TablePlan], staging: Path
) -> list[TableSummary]:
    """Replace every table's rows with the archive's; the caller holds the transaction."""
    all_models = [plan.model for plan in plans]
    tables = [model._meta.db_table for model in all_models]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending
        # in this transaction (rows written earlier in it); run those checks now.
        connection.check_constraints()
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables, reset_sequences=True):
            cursor.execute(statement)
    summaries = []
    for plan in plans:
        try:
            count = _insert_table(connection, plan, staging)
        except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
            # ValidationError and ValueError come from values a hand-edited archive
            # holds; the transaction is rolled back either way.
            raise _restore_failed(plan.model._meta.db_table, exc) from exc
        if count != plan.rows:
            raise _restore_failed(
                plan.model._meta.db_table, ValueError(f"{count} rows, manifest says {plan.rows}")
            )
        summaries.append(
            TableSummary(plan.model._meta.db_table, plan.model._meta.label_lower, count)
        )
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), all_models):
            cursor.execute(statement)
    try:
        connection.check_constraints(table_names=tables)
    except IntegrityError as exc:
        raise _restore_failed("foreign keys", exc) from exc
    return summaries


def _restore_failed(table: str, exc: BaseException) -> BackupError:
    return BackupError(
        code="restore_failed",
        message_ja=f"データベースへの復元に失敗しました（{table}: {exc}）。"
        "データベースもファイルも変更していません。",
        message_en=f"Restoring the database failed ({table}: {exc}). "
        "Neither the database nor the files were changed.",
    )


def _refuse_not_empty(nonempty: list[str], media_root: Path | None) -> BackupError:
    what = ", ".join(nonempty[:5]) + (" …" if len(nonempty) > 5 else "")
    if media_root is not None:
        what = f"{what}, {media_root}" if what else str(media_root)
    return BackupError(
        code="restore_target_not_empty",
        message_ja=f"復元先が空ではありません（{what}）。既存のデータを置き換えるには"
        " --force を付けてください（置き換える前に現在の状態をバックアップします）。"
        "何も変更していません。",
        message_en=f"The target instance is not empty ({what}). To replace its data, "
        "add --force (the current state is backed up first). Nothing was changed.",
    )


def _replace_everything(
    *,
    connection: BaseDatabaseWrapper,
    plans: list[_TablePlan],
    staging: Path,
    media_root: Path,
    archive: Path,
    created_at: str,
) -> list[TableSummary]:
    """One transaction for the rows; the files swapped in just before its commit."""
    previous = staging / "media-previous"
    moved_out = moved_in = False
    try:
        with transaction.atomic(using=connection.alias):
            summaries = _load_database(connection, plans, staging)
            with _as_system_actor("ukai_restore"):
                audit_log(
                    action=AuditEvent.Action.CREATE,
                    object_type="core.restore",
                    object_id=archive.name[:100],
                    purpose=f"バックアップからの復元 / restore ({created_at})"[:200],
                )
            # Files last, so that only the commit can still fail after they moved,
            # and then they are moved back below.
            media_root.mkdir(parents=True, exist_ok=True)
            moved_out = True
            _move_entries(media_root, previous)
            moved_in = True
            _move_entries(staging / MEDIA_DIR, media_root)
    except BaseException as exc:
        if moved_in:  # MEDIA_ROOT holds only (some of) the archive's files now
            _move_entries(media_root, staging / "media-undone")
        if moved_out and previous.is_dir():
            _move_entries(previous, media_root)
        if isinstance(exc, DatabaseError):
            raise _restore_failed("commit", exc) from exc
        raise
    return summaries


def restore_archive(
    *,
    archive: Path,
    force: bool = False,
    safety_backup: bool = True,
    safety_backup_dir: Path | None = None,
) -> RestoreResult:
    """Restore an archive into this instance: all of it, or nothing.

    Order: verify every member (nothing touched yet); refuse a non-empty instance
    unless ``force``; check the migration state (migrating an empty database);
    with ``force``, back up the current state; then in one transaction replace
    all rows, swapping in the media files just before the commit.
    """
    archive = Path(archive)
    connection = connections[DEFAULT_DB_ALIAS]
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ukai-restore-", dir=media_root.parent))
    safety_path: Path | None = None
    try:
        manifest = archive_extract_verified(archive=archive, staging=staging)
        (staging / MEDIA_DIR).mkdir(exist_ok=True)
        plans = _table_plans(manifest)

        connection.ensure_connection()
        nonempty = _nonempty_tables(connection) if _applied_migrations(connection) else []
        media_nonempty = _media_has_files(media_root)
        if (nonempty or media_nonempty) and not force:
            raise _refuse_not_empty(nonempty, media_root if media_nonempty else None)
        migrated_first = _prepare_migrations(connection, manifest)
        if (nonempty or media_nonempty) and safety_backup:
            directory = safety_backup_dir or default_backup_dir()
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            safety_path = directory / f"ukai-pre-restore-{stamp}.tar.gz"
            backup_create(output=safety_path)

        summaries = _replace_everything(
            connection=connection,
            plans=plans,
            staging=staging,
            media_root=media_root,
            archive=archive,
            created_at=str(manifest["created_at"]),
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    media = manifest.get("media", {})
    result = RestoreResult(
        archive=archive,
        created_at=str(manifest["created_at"]),
        source_vendor=str(manifest["database"]["vendor"]),
        tables=summaries,
        media_files=int(media.get("files", 0)),
        media_bytes=int(media.get("bytes", 0)),
        migrated_first=migrated_first,
        safety_backup=safety_path,
    )
    logger.info(
        "backup restored",
        extra={"archive": str(archive), "rows": result.rows, "media_files": result.media_files},
    )
    return result
