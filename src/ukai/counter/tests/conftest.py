"""Fixtures of the counter tests: the catalog, the life events, a household in the records, staff."""

from __future__ import annotations

import base64
import csv
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.staff import staff_client_login
from ukai.residents import service as residents

# The columns of the core resident system's CSV export (docs/residents.md).
HEADER = residents.csv_header()


def person(**values: str) -> list[str]:
    row = {
        "宛名番号": "0000000101",
        "住民票コード": "",
        "世帯番号": "00000101",
        "氏名": "髙橋\u3000一郎",
        "氏名フリガナ": "タカハシ イチロウ",
        "生年月日": "1984-05-01",
        "性別": "1",
        "続柄": "世帯主",
        "郵便番号": "500-8076",
        "住所": "岐阜県岐阜市司町",
        "番地": "40番地1",
        "方書": "",
        "住民となった日": "2015-04-01",
        "住民状態": "",
        "異動事由": "転入",
        "異動日": "2015-04-01",
        "届出日": "2015-04-03",
    }
    row.update(values)
    return [row[h] for h in HEADER]


FAMILY = [
    person(),
    person(
        宛名番号="0000000102",
        氏名="髙橋\u3000花子",
        氏名フリガナ="タカハシ ハナコ",
        生年月日="1986-07-15",
        性別="2",
        続柄="妻",
    ),
    person(
        宛名番号="0000000103",
        氏名="髙橋\u3000陽翔",
        氏名フリガナ="タカハシ ハルト",
        生年月日="2015-05-10",
        続柄="子",
    ),
    person(
        宛名番号="0000000104",
        氏名="髙橋\u3000結衣",
        氏名フリガナ="タカハシ ユイ",
        生年月日="2018-09-03",
        性別="2",
        続柄="子",
    ),
]


def csv_file(folder: Path, rows: list[list[str]], name: str = "residents.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path = folder / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def catalog(db: Any) -> None:
    call_command("procedures_seed", verbosity=0)


@pytest.fixture
def events(catalog: Any) -> None:
    call_command("counter_seed", verbosity=0)


@pytest.fixture
def family(db: Any, tmp_path: Path) -> list[list[str]]:
    call_command("residents_import", str(csv_file(tmp_path, FAMILY)), verbosity=0)
    return FAMILY


@pytest.fixture
def reimport(tmp_path: Path) -> Any:
    def run(rows: list[list[str]]) -> None:
        call_command("residents_import", str(csv_file(tmp_path, rows, "again.csv")), verbosity=0)

    return run


@pytest.fixture
def staff(db: Any) -> Any:
    def make(role: str, username: str = "") -> Any:
        return get_user_model().objects.create_user(
            username=username or f"{role}-user", password="x-unused-1", role=role
        )

    return make


@pytest.fixture
def staff_client(staff: Any) -> Any:
    def make(role: str, username: str = "") -> Client:
        client = Client()
        staff_client_login(client, staff(role, username))
        return client

    return make


def png_data_url(width: int = 4, height: int = 2) -> str:
    """A real (tiny) PNG as the signature pad sends it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


SAMPLE_BY_TYPE: dict[str, Any] = {
    "text": "1234567",
    "kana": "テスト",
    "date": "2026-04-01",
    "postal_code": "500-8076",
    "address": "岐阜県岐阜市司町40番地1",
    "phone": "058-265-4141",
    "email": "family@example.jp",
    "number": "1",
    "checkbox": True,
}


def complete(spec: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """What staff type for the fields the counter could not prefill (required ones only)."""
    from ukai.procedures.service import condition_holds

    filled = dict(answers)
    for field in spec.fields():
        scope = dict(filled)
        if field.show_when is not None and not condition_holds(field.show_when, scope):
            continue
        required = field.required or (
            field.required_when is not None and condition_holds(field.required_when, scope)
        )
        if field.type == "group":
            items = filled.get(field.key) or []
            filled[field.key] = [
                {
                    **item,
                    **{c.key: _sample(c) for c in field.fields if c.required and c.key not in item},
                }
                for item in items
            ]
            continue
        if required and field.key not in filled:
            filled[field.key] = _sample(field)
    return filled


def _sample(field: Any) -> Any:
    if field.type == "choice":
        return field.choices[0].value
    if field.type == "name":
        return (
            {"name": "岐阜\u3000太郎", "kana": "ギフ タロウ"} if field.reading else "岐阜\u3000太郎"
        )
    return SAMPLE_BY_TYPE.get(field.type, "1")


@pytest.fixture(autouse=True)
def _fresh_catalog_cache() -> Any:
    """The counter keeps the catalog's names for a minute: every test starts from its own."""
    from django.core.cache import cache

    cache.clear()
    return
