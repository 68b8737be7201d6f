from __future__ import annotations

import csv
import io

from ukai.opendata.seed import SEED_DATASETS, SEED_DIR
from ukai.opendata.validation import standard_schemas, standard_validate


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_every_seed_file_complies_with_its_standard():
    for seed in SEED_DATASETS:
        report = standard_validate(
            content=(SEED_DIR / seed.filename).read_bytes(), standard=seed.standard
        )
        assert report.errors == [], (seed.filename, report.errors[:3])
        assert report.score == 100.0, seed.filename


def test_schemas_cover_both_editions():
    schemas = standard_schemas()
    assert len(schemas) == 16
    assert [s.edition for s in schemas["指定緊急避難場所一覧"]] == [
        "自治体標準オープンデータセット",
        "推奨データセット2021",
    ]


def test_repairs_the_defects_of_real_files():
    header = "全国地方公共団体コード,ID,地方公共団体名,種別,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,口径,備考"
    body = [
        "92011,1,宇都宮市,消火栓,21201,,,,,,,,136.7590,35.4163,１５０,",  # lost zero, no check digit, swapped, full-width
        " 212016 ,2,岐阜市,防火水槽,212016,,,,,,,,35.4,136.7,,",  # padding
        "212017,3,岐阜市,消火栓,212016,,,,,,,,10.0,10.0,3本,",  # wrong check digit, outside Japan, unit
    ]
    content = ("\r\n".join([header, *body]) + "\r\n").encode("cp932")
    report = standard_validate(content=content, standard="消防水利施設一覧")
    codes = {(i.row, i.code) for i in report.issues}
    assert (None, "encoding_cp932") in codes
    assert (2, "lgcode_leading_zero") in codes
    assert (2, "lgcode_repaired") in codes
    assert (2, "coordinates_swapped") in codes
    assert (2, "full_width") in codes
    assert (3, "padding_spaces") in codes
    assert (4, "lgcode_check_digit") in codes
    assert (4, "coordinates_outside_japan") in codes
    assert (4, "type-error") in codes
    messages = [i.message_ja for i in report.errors]
    assert any("4行目「口径」の値「3本」は数値ではありません" in m for m in messages)
    assert any("212017" in m or "検査数字" in m for m in messages)
    repaired = rows_of(report.repaired_content or b"")
    assert repaired[1][0] == "092011"
    assert repaired[1][4] == "212016"
    assert repaired[1][12:15] == ["35.4163", "136.7590", "150"]
    assert repaired[2][0] == "212016"
    assert report.score == 0.0
    # After the repairs only line 4 still has errors.
    assert standard_validate(
        content=report.repaired_content or b"", standard="消防水利施設一覧"
    ).score == round(100 * 2 / 3, 1)


def test_wareki_dates_become_iso_and_missing_columns_are_named():
    header = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,開始日,終了日"
    content = f"{header}\r\n212016,1,岐阜県,岐阜市,鵜飼,令和8年5月11日,R8.10.15\r\n".encode()
    report = standard_validate(content=content, standard="イベント一覧")
    repaired = rows_of(report.repaired_content or b"")
    assert repaired[1][5:7] == ["2026-05-11", "2026-10-15"]
    missing = {i.column for i in report.errors if i.code == "missing_column"}
    assert {"イベント名_カナ", "開始時間", "説明", "場所名称", "住所"} <= missing
    assert report.score < 100


def test_undecodable_bytes_are_reported_by_line():
    report = standard_validate(
        content="名称\r\n岐阜".encode("cp932") + b"\x81\x7f\r\n", standard="公共施設一覧"
    )
    assert report.errors[0].code == "encoding"
    assert report.errors[0].row == 2
    assert report.score == 0.0


def test_line_numbers_survive_blank_lines_and_ragged_rows():
    header = "全国地方公共団体コード,ID,地方公共団体名,種別,緯度,経度,口径"
    content = f"{header}\r\n212016,1,岐阜市,消火栓,35.4,136.7,100\r\n\r\n212016,2,岐阜市,消火栓,35.4,136.7,百\r\n212016,3\r\n".encode()
    report = standard_validate(content=content, standard="消防水利施設一覧")
    where = {(i.row, i.code) for i in report.errors}
    assert (4, "type-error") in where
    assert (5, "row_width") in where


def test_address_phone_and_postal_repairs():
    from ukai.opendata.validation import address_split

    assert address_split("岐阜県岐阜市司町40番地1") == ("岐阜県", "岐阜市", "司町", "40番地1")
    assert address_split("岐阜県揖斐郡揖斐川町三輪133番地") == (
        "岐阜県",
        "揖斐郡揖斐川町",
        "三輪",
        "133番地",
    )
    assert address_split("司町40番地1") is None

    header = (
        "全国地方公共団体コード,ID,名称,名称_カナ,所在地_連結表記,所在地_都道府県,所在地_市区町村,"
        "所在地_町字,所在地_番地以下,電話番号,郵便番号"
    )
    rows = [
        "212016,1,市役所,シヤクショ,,岐阜県,岐阜県岐阜市司町40番地1,,,０５８２６５４１４１,5008701",
        "212016,2,公園,コウエン,岐阜県岐阜市大宮町1丁目,,,,,058-265-4141,〒500-0000",
        "212016,3,駅,エキ,,岐阜県,岐阜市,橋本町,1丁目,123,500-8701",
    ]
    content = "\r\n".join([header, *rows]).encode()
    report = standard_validate(content=content, standard="指定緊急避難場所一覧")
    repaired = rows_of(report.repaired_content or b"")
    assert repaired[1][4:9] == ["岐阜県岐阜市司町40番地1", "岐阜県", "岐阜市", "司町", "40番地1"]
    assert repaired[1][9:11] == ["058-265-4141", "500-8701"]
    assert repaired[2][5:9] == ["岐阜県", "岐阜市", "大宮町", "1丁目"]
    assert repaired[3][4] == "岐阜県岐阜市橋本町1丁目"
    codes = {(i.row, i.code, i.repaired) for i in report.issues}
    assert (2, "address_in_city_column", True) in codes
    assert (3, "address_split", True) in codes
    assert (4, "address_joined", True) in codes
    assert (4, "phone_format", False) in codes
