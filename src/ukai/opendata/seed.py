"""The Gifu City demo catalog: 15 data sets in the standard formats, marked as sample data.

The CSV files are in ``data/seed/``; their rows are realistic but made up
(サンプルデータ). ``opendata_seed`` loads them; running it again changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from . import datastore, services
from .models import Dataset, Organization
from .reference import OPENDATA_LIST_COLUMNS

SEED_DIR = Path(__file__).resolve().parent / "data" / "seed"
SAMPLE_NOTE = (
    "【サンプルデータ】Ukai のデモ用に作成したデータです。施設名などに実在のものを含みますが、"
    "内容は実際の情報ではありません。"
)
CONTACT_NAME = "岐阜市 デジタル戦略課（サンプル）"
CONTACT_EMAIL = "opendata@example.jp"


@dataclass(frozen=True)
class SeedDataset:
    name: str
    standard: str
    filename: str
    summary: str
    groups: tuple[str, ...]
    tags: tuple[str, ...]
    frequency: str = "irregular"
    license_id: str = "CC-BY-4.0"


SEED_DATASETS: tuple[SeedDataset, ...] = (
    SeedDataset(
        "gifu-city-aed",
        "AED設置箇所一覧",
        "01_AED設置箇所一覧.csv",
        "市内の公共施設などに設置しているAED（自動体外式除細動器）の設置場所です。",
        ("bousai",),
        ("AED", "救急", "防災"),
    ),
    SeedDataset(
        "gifu-city-evacuation-sites",
        "指定緊急避難場所一覧",
        "03_指定緊急避難場所一覧.csv",
        "災害の種類ごとに指定した緊急避難場所の一覧です。避難の際に参考にしてください。",
        ("bousai",),
        ("避難場所", "防災", "災害"),
        "annually",
    ),
    SeedDataset(
        "gifu-city-public-facilities",
        "公共施設一覧",
        "04_公共施設一覧.csv",
        "市役所、図書館、博物館など市の公共施設の一覧です。",
        ("kurashi",),
        ("公共施設", "施設"),
    ),
    SeedDataset(
        "gifu-city-childcare-facilities",
        "子育て施設一覧",
        "05_子育て施設一覧.csv",
        "保育所、認定こども園、児童館など子育て施設の一覧です。",
        ("kosodate",),
        ("子育て", "保育所", "児童館"),
        "annually",
    ),
    SeedDataset(
        "gifu-city-medical-institutions",
        "医療機関一覧",
        "06_医療機関一覧.csv",
        "市内の病院・診療所・歯科診療所の一覧です。",
        ("kenko-fukushi",),
        ("医療", "病院"),
    ),
    SeedDataset(
        "gifu-city-cultural-properties",
        "文化財一覧",
        "07_文化財一覧.csv",
        "岐阜城跡、長良川の鵜飼漁の技術など市内の文化財の一覧です。",
        ("kanko-bunka",),
        ("文化財", "歴史"),
    ),
    SeedDataset(
        "gifu-city-tourist-facilities",
        "観光施設一覧",
        "08_観光施設一覧.csv",
        "岐阜城、長良川うかいミュージアムなど観光施設の一覧です。",
        ("kanko-bunka",),
        ("観光", "施設"),
    ),
    SeedDataset(
        "gifu-city-public-toilets",
        "公衆トイレ一覧",
        "09_公衆トイレ一覧.csv",
        "公園や駅周辺の公衆トイレと、多機能トイレ・オストメイト対応の有無です。",
        ("kurashi",),
        ("トイレ", "バリアフリー"),
    ),
    SeedDataset(
        "gifu-city-public-wifi",
        "公衆無線LANアクセスポイント一覧",
        "10_公衆無線LANアクセスポイント一覧.csv",
        "市が設置している無料の公衆無線LAN（Wi-Fi）のアクセスポイントです。",
        ("kurashi",),
        ("Wi-Fi", "無線LAN"),
    ),
    SeedDataset(
        "gifu-city-population-by-area-age",
        "地域・年齢別人口",
        "11_地域・年齢別人口.csv",
        "地区別・5歳階級別・男女別の人口と世帯数です。",
        ("jinko-tokei",),
        ("人口", "統計", "世帯"),
        "monthly",
    ),
    SeedDataset(
        "gifu-city-events",
        "イベント一覧",
        "12_イベント一覧.csv",
        "長良川鵜飼、ぎふ信長まつりなど市内のイベントの一覧です。",
        ("kanko-bunka",),
        ("イベント", "観光"),
        "monthly",
    ),
    SeedDataset(
        "gifu-city-care-service-providers",
        "介護サービス事業所一覧",
        "13_介護サービス事業所一覧.csv",
        "通所介護、訪問介護など介護サービス事業所の一覧です。",
        ("kenko-fukushi",),
        ("介護", "福祉"),
    ),
    SeedDataset(
        "gifu-city-fire-water-facilities",
        "消防水利施設一覧",
        "15_消防水利施設一覧.csv",
        "消火栓・防火水槽など消防水利施設の位置です。",
        ("bousai",),
        ("消防", "消火栓", "防災"),
        "annually",
    ),
    SeedDataset(
        "gifu-city-garbage-sorting",
        "ゴミの分別方法一覧",
        "16_ゴミの分別方法一覧.csv",
        "家庭ごみの品目ごとの分別区分と出し方の注意点です。",
        ("kurashi",),
        ("ごみ", "分別", "環境"),
        "annually",
        "PDL-1.0",
    ),
)
OPENDATA_LIST = SeedDataset(
    "gifu-city-opendata-list",
    "オープンデータ一覧",
    "17_オープンデータ一覧.csv",
    "岐阜市が公開しているオープンデータの一覧です。",
    ("gyosei",),
    ("オープンデータ", "一覧"),
    "monthly",
)

_FREQUENCY_JA = {
    "irregular": "不定期",
    "daily": "毎日",
    "weekly": "毎週",
    "monthly": "毎月",
    "quarterly": "四半期ごと",
    "annually": "毎年",
}


def _title(seed: SeedDataset) -> str:
    return f"{seed.standard}（サンプルデータ）"


def opendata_list_csv() -> bytes:
    """The オープンデータ一覧 of the seed catalog, in the recommended data set's columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OPENDATA_LIST_COLUMNS)
    for number, seed in enumerate((*SEED_DATASETS, OPENDATA_LIST), start=1):
        writer.writerow(
            [
                "212016",
                number,
                "岐阜県",
                "岐阜市",
                _title(seed),
                seed.summary,
                "CSV",
                seed.groups[0],
                _FREQUENCY_JA[seed.frequency],
                f"/opendata/dataset/{seed.name}/",
                "有",
                seed.license_id,
                "2026-11-01",
                "2026-11-01",
                "サンプルデータ",
            ]
        )
    return out.getvalue().encode("utf-8")


def _content(seed: SeedDataset) -> bytes:
    if seed is OPENDATA_LIST:
        return opendata_list_csv()
    return (SEED_DIR / seed.filename).read_bytes()


def catalog_seed() -> tuple[int, int]:
    """Create the organisations, groups and the sample data sets; return (created, kept)."""
    with services.catalog_write(), transaction.atomic():
        counts = _catalog_seed()
    # The sample files are small: their rows go into the datastore at once.
    datastore.datastore_load_missing()
    return counts


def _catalog_seed() -> tuple[int, int]:
    services.organizations_ensure_gifu()
    services.groups_ensure_default()
    city = Organization.objects.get(lgcode="212016")
    created = kept = 0
    for seed in (*SEED_DATASETS, OPENDATA_LIST):
        if Dataset.objects.filter(name=seed.name).exists():
            kept += 1
            continue
        dataset = services.dataset_create(
            data={
                "name": seed.name,
                "title": _title(seed),
                "notes": f"{SAMPLE_NOTE}\n\n{seed.summary}",
                "owner_org": city.name,
                "license_id": seed.license_id,
                "tags": [{"name": t} for t in (*seed.tags, "サンプルデータ")],
                "groups": [{"name": g} for g in seed.groups],
                "update_frequency": seed.frequency,
                "spatial": "岐阜県岐阜市",
                "contact_name": CONTACT_NAME,
                "contact_email": CONTACT_EMAIL,
                "standard_dataset": seed.standard,
            },
            staff=None,
        )
        services.resource_create(
            dataset=dataset,
            data={"name": seed.filename, "format": "CSV", "description": "サンプルデータ"},
            staff=None,
            upload=(seed.filename, _content(seed)),
        )
        created += 1
    return created, kept
