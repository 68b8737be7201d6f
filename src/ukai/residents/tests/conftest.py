"""Fixtures of the residents tests: CSV files as a core system exports them, staff clients."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from ukai.core.testing.staff import staff_client_login
from ukai.residents.generator import csv_header

HEADER = csv_header()


def person(**values: str) -> list[str]:
    """One CSV row; unspecified columns get a valid member of household 00000001."""
    row = {
        "宛名番号": "0000000001",
        "住民票コード": "",
        "世帯番号": "00000001",
        "氏名": "髙橋\u3000一郎",
        "氏名フリガナ": "タカハシ イチロウ",
        "生年月日": "昭和55年4月1日",
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
        宛名番号="0000000002",
        氏名="髙橋\u3000花子",
        氏名フリガナ="たかはし はなこ",
        生年月日="1982-07-15",
        性別="女",
        続柄="妻",
    ),
    person(
        宛名番号="0000000003",
        氏名="髙橋\u3000陽翔",
        氏名フリガナ="ﾀｶﾊｼ ﾊﾙﾄ",
        生年月日="平成28年５月１０日",
        性別="1",
        続柄="子",
        異動事由="出生",
        異動日="H28.5.10",
        届出日="H28.5.12",
        住民となった日="H28.5.10",
    ),
    person(
        宛名番号="0000000004",
        世帯番号="00000002",
        氏名="渡邉\u3000實",
        氏名フリガナ="ワタナベ ミノル",
        生年月日="昭和12年1月2日",
        続柄="世帯主",
        郵便番号="５０２－００７１",
        住所="岐阜県岐阜市長良",
        番地="１２３番地",
        異動事由="",
        異動日="",
        届出日="",
    ),
    person(
        宛名番号="0000000005",
        世帯番号="00000003",
        氏名="葛\U000e0100西\u3000さくら",
        氏名フリガナ="カサイ サクラ",
        生年月日="2001-11-30",
        性別="2",
        続柄="世帯主",
        住所="岐阜県岐阜市柳津町本郷",
        郵便番号="501-6104",
        番地="5番地",
        住民状態="転出",
        異動事由="転出",
        異動日="令和7年3月31日",
        届出日="令和7年3月20日",
    ),
]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


@pytest.fixture
def write_csv(tmp_path: Path) -> Any:
    def write(
        rows: list[list[str]], *, encoding: str = "utf-8", bom: bool = False, name: str = "x.csv"
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, encoding=encoding, bom=bom))
        return path

    return write


@pytest.fixture
def family(db: Any, write_csv: Any) -> None:
    call_command("residents_import", str(write_csv(FAMILY)), verbosity=0)


def audit_events(**filters: Any) -> list[Any]:
    model = apps.get_model("core", "AuditEvent")
    return list(model.objects.filter(**filters).order_by("id"))


@pytest.fixture
def staff_client(db: Any) -> Any:
    def make(role: str) -> Client:
        staff = get_user_model().objects.create_user(
            username=f"{role}-user", password="x-unused-1", role=role
        )
        client = Client()
        staff_client_login(client, staff)
        return client

    return make


@pytest.fixture(autouse=True)
def _japanese() -> Any:
    """Labels are asserted in Japanese, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("ja"):
        yield
