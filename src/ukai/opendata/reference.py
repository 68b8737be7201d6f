"""Fixed reference data of the catalog: licences, Gifu's organisations, default groups.

The organisations are Gifu Prefecture and its 42 municipalities (21 cities,
19 towns, 2 villages) with their 全国地方公共団体コード; the check digit is
computed and verified with ``ukai.core.japanese.lgcode`` when they are created.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class License:
    id: str
    title: str
    title_en: str
    url: str


LICENSES: dict[str, License] = {
    "CC-BY-4.0": License(
        id="CC-BY-4.0",
        title="クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)",
        title_en="Creative Commons Attribution 4.0 International",
        url="https://creativecommons.org/licenses/by/4.0/deed.ja",
    ),
    "PDL-1.0": License(
        id="PDL-1.0",
        title="公共データ利用規約（第1.0版）(PDL1.0)",
        title_en="Public Data License (Version 1.0)",
        url="https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    ),
}
DEFAULT_LICENSE_ID = "CC-BY-4.0"

# (five-digit code, name, English name, URL name). The check digit is added on creation.
GIFU_PREFECTURE: tuple[str, str, str, str] = ("21000", "岐阜県", "Gifu Prefecture", "gifu-pref")
GIFU_MUNICIPALITIES: tuple[tuple[str, str, str, str], ...] = (
    ("21201", "岐阜市", "Gifu City", "gifu-city"),
    ("21202", "大垣市", "Ogaki City", "ogaki-city"),
    ("21203", "高山市", "Takayama City", "takayama-city"),
    ("21204", "多治見市", "Tajimi City", "tajimi-city"),
    ("21205", "関市", "Seki City", "seki-city"),
    ("21206", "中津川市", "Nakatsugawa City", "nakatsugawa-city"),
    ("21207", "美濃市", "Mino City", "mino-city"),
    ("21208", "瑞浪市", "Mizunami City", "mizunami-city"),
    ("21209", "羽島市", "Hashima City", "hashima-city"),
    ("21210", "恵那市", "Ena City", "ena-city"),
    ("21211", "美濃加茂市", "Minokamo City", "minokamo-city"),
    ("21212", "土岐市", "Toki City", "toki-city"),
    ("21213", "各務原市", "Kakamigahara City", "kakamigahara-city"),
    ("21214", "可児市", "Kani City", "kani-city"),
    ("21215", "山県市", "Yamagata City", "yamagata-city"),
    ("21216", "瑞穂市", "Mizuho City", "mizuho-city"),
    ("21217", "飛騨市", "Hida City", "hida-city"),
    ("21218", "本巣市", "Motosu City", "motosu-city"),
    ("21219", "郡上市", "Gujo City", "gujo-city"),
    ("21220", "下呂市", "Gero City", "gero-city"),
    ("21221", "海津市", "Kaizu City", "kaizu-city"),
    ("21302", "岐南町", "Ginan Town", "ginan-town"),
    ("21303", "笠松町", "Kasamatsu Town", "kasamatsu-town"),
    ("21341", "養老町", "Yoro Town", "yoro-town"),
    ("21361", "垂井町", "Tarui Town", "tarui-town"),
    ("21362", "関ケ原町", "Sekigahara Town", "sekigahara-town"),
    ("21381", "神戸町", "Godo Town", "godo-town"),
    ("21382", "輪之内町", "Wanouchi Town", "wanouchi-town"),
    ("21383", "安八町", "Anpachi Town", "anpachi-town"),
    ("21401", "揖斐川町", "Ibigawa Town", "ibigawa-town"),
    ("21403", "大野町", "Ono Town", "ono-town"),
    ("21404", "池田町", "Ikeda Town", "ikeda-town"),
    ("21421", "北方町", "Kitagata Town", "kitagata-town"),
    ("21501", "坂祝町", "Sakahogi Town", "sakahogi-town"),
    ("21502", "富加町", "Tomika Town", "tomika-town"),
    ("21503", "川辺町", "Kawabe Town", "kawabe-town"),
    ("21504", "七宗町", "Hichiso Town", "hichiso-town"),
    ("21505", "八百津町", "Yaotsu Town", "yaotsu-town"),
    ("21506", "白川町", "Shirakawa Town", "shirakawa-town"),
    ("21507", "東白川村", "Higashishirakawa Village", "higashishirakawa-village"),
    ("21521", "御嵩町", "Mitake Town", "mitake-town"),
    ("21604", "白川村", "Shirakawa Village", "shirakawa-village"),
)

# (URL name, title, description)
DEFAULT_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("bousai", "防災・安全", "避難場所、AED、消防水利など防災と安全のデータ"),
    ("kosodate", "子育て・教育", "保育所、子育て支援施設などのデータ"),
    ("kenko-fukushi", "健康・福祉", "医療機関、介護サービス事業所などのデータ"),
    ("kanko-bunka", "観光・文化", "観光施設、文化財、イベントなどのデータ"),
    ("kurashi", "くらし・環境", "ゴミの分別、公共施設、公衆トイレ、公衆無線LANなどのデータ"),
    ("jinko-tokei", "人口・統計", "人口や統計のデータ"),
    ("gyosei", "行政・財政", "オープンデータ一覧など行政運営のデータ"),
)

# Names of the standard data sets a data set may declare (recommended data sets 2021
# and the municipal standard data sets with their header files).
STANDARD_DATASETS: tuple[str, ...] = (
    "AED設置箇所一覧",
    "介護サービス事業所一覧",
    "医療機関一覧",
    "文化財一覧",
    "観光施設一覧",
    "イベント一覧",
    "公衆無線LANアクセスポイント一覧",
    "公衆トイレ一覧",
    "消防水利施設一覧",
    "指定緊急避難場所一覧",
    "地域・年齢別人口",
    "公共施設一覧",
    "子育て施設一覧",
    "オープンデータ一覧",
    "食品等営業許可・届出一覧",
    "ゴミの分別方法一覧",
)

# Formats a resource may declare (upper case, as CKAN shows them).
KNOWN_FORMATS: tuple[str, ...] = ("CSV", "XLSX", "JSON", "GEOJSON", "PDF", "XML", "ZIP", "TXT")


# The columns of recommended data set 14 (オープンデータ一覧), in order.
OPENDATA_LIST_COLUMNS = [
    "都道府県コード又は市区町村コード",
    "NO",
    "都道府県名",
    "市区町村名",
    "データ名称",
    "データ概要",
    "データ形式",
    "分類",
    "更新頻度",
    "URL",
    "API対応有無",
    "ライセンス",
    "登録日",
    "最終更新日",
    "備考",
]
