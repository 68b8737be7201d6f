"""Backup and restore: a restored instance holds exactly what the backed-up one held.

The round trip runs the real commands in separate processes against two data
folders (and, when ``DATABASE_URL`` names a PostgreSQL server, across SQLite and
PostgreSQL). The refusals run in-process against the test database.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from ukai.core.audit import audit_log
from ukai.core.backup import (
    MANIFEST_NAME,
    BackupError,
    backup_create,
    backup_models,
    restore_archive,
)
from ukai.core.demo import demo_load
from ukai.core.models import AuditEvent, Department

PROJECT_DIR = Path(settings.BASE_DIR).parents[1]
AUDIT_COLUMNS = [f.attname for f in AuditEvent._meta.local_concrete_fields]
OBJECT_TYPE, PURPOSE = AUDIT_COLUMNS.index("object_type"), AUDIT_COLUMNS.index("purpose")
POSTGRES_URL = (
    os.environ.get("DATABASE_URL", "")
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    else ""
)

# Run inside an instance: the data a user would notice losing.
SEED = """
import os
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from ukai.core.audit import audit_log
from ukai.core.demo import demo_load
from ukai.core.models import Staff
demo_load()
audit_log(action="read", obj=Staff.objects.get(username="counter"), purpose="窓口での本人確認")
default_storage.save("procedures/2026/申請書_髙橋.pdf", ContentFile(b"%PDF-1.7\\n" + os.urandom(70000)))
default_storage.save("ocr/scan.png", ContentFile(bytes(range(256)) * 40))
"""

# Every model table as the ORM reads it, normalized so that SQLite and
# PostgreSQL print the same values; independent of ukai.core.backup.
DUMP = """
import datetime, json
from django.apps import apps
def norm(value):
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).hex()
    return str(value)
tables = {}
for model in apps.get_models(include_auto_created=True):
    columns = [f.attname for f in model._meta.local_concrete_fields]
    rows = model._base_manager.order_by("pk").values_list(*columns)
    tables[model._meta.db_table] = [list(row) for row in rows]
print(json.dumps(tables, default=norm, ensure_ascii=False, sort_keys=True))
"""


class Instance:
    """One Ukai instance: a data folder and a database, driven through manage.py."""

    def __init__(self, data_dir: Path, database_url: str = "") -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
            and not key.startswith("PYTEST")
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="ukai.config.settings.development",
            UKAI_DATA_DIR=str(data_dir),
            UKAI_LOG_LEVEL="WARNING",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url

    @property
    def vendor(self) -> str:
        return "postgresql" if self.database_url else "sqlite"

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and completed.returncode != 0:
            pytest.fail(
                f"manage.py {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
            )
        return completed

    def tables(self) -> dict[str, list[list[Any]]]:
        result: dict[str, list[list[Any]]] = json.loads(
            self.manage("shell", "-v0", "-c", DUMP).stdout
        )
        return result


@pytest.fixture
def postgres_database() -> Iterator[Any]:
    """Hand out fresh, empty PostgreSQL databases on the DATABASE_URL server."""
    import psycopg

    created: list[str] = []
    # The maintenance database: DATABASE_URL's own database need not exist.
    maintenance = urlunsplit(urlsplit(POSTGRES_URL)._replace(path="/postgres"))
    admin = psycopg.connect(maintenance, autocommit=True)

    def create() -> str:
        name = f"ukai_backup_{uuid.uuid4().hex[:12]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        parts = urlsplit(POSTGRES_URL)
        return urlunsplit(parts._replace(path=f"/{name}"))

    yield create
    for name in created:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's raw rows, read with sqlite3 rather than through Django."""
    db = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != 'django_migrations'"
            )
        ]
        return {
            name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names
        }
    finally:
        db.close()


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


PAIRS = [("sqlite", "sqlite")]
if POSTGRES_URL:
    PAIRS += [("sqlite", "postgresql"), ("postgresql", "sqlite")]


@pytest.mark.slow
@pytest.mark.parametrize(("source_vendor", "target_vendor"), PAIRS)
def test_restore_into_empty_instance_reproduces_every_row_and_file(
    tmp_path: Path, request: pytest.FixtureRequest, source_vendor: str, target_vendor: str
) -> None:
    def instance(name: str, vendor: str) -> Instance:
        url = request.getfixturevalue("postgres_database")() if vendor == "postgresql" else ""
        return Instance(tmp_path / name, url)

    source = instance("source", source_vendor)
    target = instance("target", target_vendor)
    source.manage("migrate", "-v0")
    source.manage("shell", "-v0", "-c", SEED)
    archive = tmp_path / "ukai.tar.gz"
    backed_up = source.manage("ukai_backup", "--output", str(archive))
    assert "バックアップを作成しました / Backup written" in backed_up.stdout
    assert archive.stat().st_mode & 0o077 == 0  # personal data: owner only

    # An empty instance: migrated (as `make run` would) but holding no data.
    target.manage("migrate", "-v0")
    restored = target.manage("ukai_restore", str(archive))
    assert "復元しました / Restored" in restored.stdout
    assert "core_department" in restored.stdout

    before, after = source.tables(), target.tables()
    assert sorted(before) == sorted(after)
    # The target's audit log is the source's, ids and timestamps included,
    # plus one entry recording the restore itself.
    source_audit, target_audit = before.pop("core_auditevent"), after.pop("core_auditevent")
    assert target_audit[: len(source_audit)] == source_audit
    (restore_event,) = target_audit[len(source_audit) :]
    assert restore_event[OBJECT_TYPE] == "core.restore"
    assert any(row[OBJECT_TYPE] == "core.backup" for row in source_audit)
    assert any(
        row[OBJECT_TYPE] == "core.staff" and row[PURPOSE] == "窓口での本人確認"
        for row in source_audit
    )
    for table in sorted(before):
        assert after[table] == before[table], table
    assert len(before["core_department"]) == 27  # the demo city's 部 and 課

    if source.vendor == target.vendor == "sqlite":
        # Byte for byte below the ORM too (timestamps to the microsecond).
        raw_before = _sqlite_rows(source.data_dir / "ukai.sqlite3")
        raw_after = _sqlite_rows(target.data_dir / "ukai.sqlite3")
        raw_after["core_auditevent"] = raw_after["core_auditevent"][:-1]
        assert raw_after == raw_before

    source_files = _files(source.media)
    assert len(source_files) == 2
    assert _files(target.media) == source_files


# --------------------------------------------------------------------------- in-process


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "data" / "media"
    (root / "procedures").mkdir(parents=True)
    (root / "procedures" / "form.pdf").write_bytes(b"%PDF-1.7 original")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def archive(transactional_db: None, media_root: Path, tmp_path: Path) -> Path:
    demo_load()
    audit_log(action="read", object_type="core.staff", object_id="1", purpose="確認")
    path = tmp_path / "backups" / "ukai.tar.gz"
    backup_create(output=path, native=False)
    return path


def _contents() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model._meta.db_table: list(
            model._base_manager.order_by("pk").values_list(
                *[f.attname for f in model._meta.local_concrete_fields]
            )
        )
        for model in backup_models()
    }


def _members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read()  # type: ignore[union-attr]
            for m in tar.getmembers()
            if m.isfile()
        }


def _write_archive(path: Path, members: dict[str, bytes], *, rehash: bool) -> None:
    """Write members as a tar.gz; with ``rehash``, make the manifest match them."""
    if rehash:
        import hashlib

        manifest = json.loads(members[MANIFEST_NAME])
        manifest["files"] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
            if name != MANIFEST_NAME
        }
        members = {**members, MANIFEST_NAME: json.dumps(manifest).encode()}
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _flip_byte(path: Path, tmp_path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken = tmp_path / "flipped.tar.gz"
    broken.write_bytes(bytes(data))
    return broken


def _truncate(path: Path, tmp_path: Path) -> Path:
    broken = tmp_path / "truncated.tar.gz"
    broken.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    return broken


def _tamper_member(path: Path, tmp_path: Path) -> Path:
    members = _members(path)
    members["database/core_department.jsonl"] = members["database/core_department.jsonl"].replace(
        "市民課".encode(), "偽の課".encode()
    )
    broken = tmp_path / "tampered.tar.gz"
    _write_archive(broken, members, rehash=False)
    return broken


def _drop_member(path: Path, tmp_path: Path) -> Path:
    members = _members(path)
    del members["database/core_staff.jsonl"]
    broken = tmp_path / "missing.tar.gz"
    _write_archive(broken, members, rehash=False)
    return broken


def _not_gzip(path: Path, tmp_path: Path) -> Path:
    wrong = tmp_path / "photo.tar.gz"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(2000))
    return wrong


def _plain_tar(path: Path, tmp_path: Path) -> Path:
    wrong = tmp_path / "plain.tar"
    with tarfile.open(wrong, "w") as tar:
        tar.add(PROJECT_DIR / "manage.py", arcname="manage.py")
    return wrong


def _no_manifest(path: Path, tmp_path: Path) -> Path:
    wrong = tmp_path / "other.tar.gz"
    _write_archive(wrong, {"media/notes.txt": b"hello"}, rehash=False)
    return wrong


def _escaping_member(path: Path, tmp_path: Path) -> Path:
    members = _members(path)
    members["media/../../../etc/evil"] = b"x"
    wrong = tmp_path / "escape.tar.gz"
    _write_archive(wrong, members, rehash=True)
    return wrong


@pytest.mark.parametrize(
    ("damage", "code", "words"),
    [
        (_flip_byte, "archive_unreadable", "壊れているか途中で切れています"),
        (_truncate, "archive_unreadable", "truncated"),
        (_tamper_member, "archive_corrupted", "チェックサムが一致しません"),
        (_drop_member, "archive_corrupted", "Members are missing"),
        (_not_gzip, "archive_unreadable", "not a gzip-compressed tar file"),
        (_plain_tar, "archive_unreadable", "gzip 圧縮の tar ファイルではない"),
        (_no_manifest, "archive_no_manifest", "Ukai のバックアップではありません"),
        (_escaping_member, "archive_unexpected_member", "etc/evil"),
    ],
)
def test_damaged_or_foreign_archive_is_refused_and_changes_nothing(
    archive: Path, media_root: Path, tmp_path: Path, damage: Any, code: str, words: str
) -> None:
    assert Department.objects.filter(code="shimin").update(name="市民課（変更後）") == 1
    before, files_before = _contents(), _files(media_root)
    broken = damage(archive, tmp_path)

    # Even --force changes nothing when the archive does not verify.
    with pytest.raises(BackupError) as refused:
        restore_archive(archive=broken, force=True, safety_backup=False)
    assert refused.value.code == code
    assert words in str(refused.value)
    assert "何も変更していません" in refused.value.message_ja
    assert "Nothing was changed" in refused.value.message_en
    assert _contents() == before
    assert _files(media_root) == files_before
    assert not list(media_root.parent.glob(".ukai-restore-*"))


def test_non_empty_target_is_refused_without_force(archive: Path, media_root: Path) -> None:
    before = _contents()
    with pytest.raises(CommandError) as refused:
        call_command("ukai_restore", str(archive))
    message = str(refused.value)
    assert message.startswith("復元先が空ではありません")
    assert "--force" in message
    assert "The target instance is not empty" in message
    assert _contents() == before


def test_force_replaces_everything_and_backs_up_the_replaced_state(
    archive: Path, media_root: Path, tmp_path: Path, settings: Any
) -> None:
    archived = _contents()
    archived_files = _files(media_root)
    # Afterwards the instance changes: a row edited, an event appended, files changed.
    assert Department.objects.filter(code="shimin").update(name="市民課（変更後）") == 1
    AuditEvent.objects.create(
        action="read",
        object_type="core.staff",
        at=datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
    )
    (media_root / "procedures" / "form.pdf").write_bytes(b"%PDF-1.7 edited")
    (media_root / "new.txt").write_bytes(b"added later")

    settings.DATA_DIR = tmp_path / "data"
    out = io.StringIO()
    call_command("ukai_restore", str(archive), "--force", stdout=out)

    restored = _contents()
    restored_audit = restored.pop("core_auditevent")
    archived_audit = archived.pop("core_auditevent")
    assert restored == archived
    assert restored_audit[:-1] == archived_audit  # the 2030 event is gone, the rest exact
    assert restored_audit[-1][OBJECT_TYPE] == "core.restore"
    assert _files(media_root) == archived_files
    total = sum(len(rows) for rows in archived.values()) + len(archived_audit)
    assert f"{total} 行 / rows" in out.getvalue()

    # Nothing is lost: the replaced state is itself a full archive.
    (safety_path,) = (tmp_path / "data" / "backups").glob("ukai-pre-restore-*.tar.gz")
    assert str(safety_path) in out.getvalue()
    safety = _members(safety_path)
    assert "市民課（変更後）" in safety["database/core_department.jsonl"].decode()
    assert "2030-01-02T03:04:05.678901+00:00" in safety["database/core_auditevent.jsonl"].decode()
    assert safety["media/new.txt"] == b"added later"


def test_failing_restore_leaves_database_and_files_as_they_were(
    archive: Path, media_root: Path, tmp_path: Path
) -> None:
    members = _members(archive)
    rows = members["database/core_department.jsonl"].decode().splitlines()
    # A department whose parent does not exist: only the foreign-key check at the
    # end of the load finds it, after every table has been written.
    broken_row = json.loads(rows[-1])
    broken_row[0], broken_row[2] = 9999, 8888
    rows.append(json.dumps(broken_row, ensure_ascii=False))
    members["database/core_department.jsonl"] = ("\n".join(rows) + "\n").encode()
    manifest = json.loads(members[MANIFEST_NAME])
    for table in manifest["tables"]:
        if table["table"] == "core_department":
            table["rows"] += 1
    members[MANIFEST_NAME] = json.dumps(manifest).encode()
    broken = tmp_path / "inconsistent.tar.gz"
    _write_archive(broken, members, rehash=True)

    assert Department.objects.filter(code="shimin").update(name="市民課（変更後）") == 1
    (media_root / "new.txt").write_bytes(b"added later")
    before, files_before = _contents(), _files(media_root)

    with pytest.raises(BackupError) as failed:
        restore_archive(archive=broken, force=True, safety_backup=False)
    assert failed.value.code == "restore_failed"
    assert "Neither the database nor the files were changed" in str(failed.value)
    assert _contents() == before
    assert _files(media_root) == files_before


def test_backup_command_reports_what_it_wrote(
    transactional_db: None, media_root: Path, tmp_path: Path
) -> None:
    demo_load()
    out = io.StringIO()
    path = tmp_path / "cmd.tar.gz"
    call_command("ukai_backup", "--output", str(path), stdout=out)
    text = out.getvalue()
    assert "バックアップを作成しました / Backup written" in text
    assert "SHA-256" in text
    manifest = json.loads(_members(path)[MANIFEST_NAME])
    assert manifest["format"] == "ukai-backup"
    assert manifest["row_counts"]["core_department"] == 27
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["media"] == {"files": 1, "bytes": len(b"%PDF-1.7 original")}
    assert set(manifest["files"]) >= {"media/procedures/form.pdf", "database/core_staff.jsonl"}


def test_files_move_back_when_the_swap_fails_half_way(
    archive: Path, media_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ukai.core import backup

    (media_root / "procedures" / "form.pdf").write_bytes(b"%PDF-1.7 edited")
    (media_root / "new.txt").write_bytes(b"added later")
    assert Department.objects.filter(code="shimin").update(name="市民課（変更後）") == 1
    before, files_before = _contents(), _files(media_root)
    real_move = backup._move_entries
    calls = []

    def move_then_fail(source: Path, dest: Path) -> None:
        calls.append(source)
        if len(calls) == 2:  # moving the archive's files in: one entry, then a failure
            dest.mkdir(parents=True, exist_ok=True)
            first = sorted(source.iterdir())[0]
            first.rename(dest / first.name)
            raise OSError(28, "No space left on device")
        real_move(source, dest)

    monkeypatch.setattr(backup, "_move_entries", move_then_fail)
    with pytest.raises(OSError, match="No space left"):
        restore_archive(archive=archive, force=True, safety_backup=False)
    assert _contents() == before
    assert _files(media_root) == files_before
