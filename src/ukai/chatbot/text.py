"""Japanese text for retrieval: normalisation, municipal synonyms, Sudachi tokens.

The same ``text_normalize`` runs on entries and on questions, so that a synonym
written either way meets its canonical form. ``query_clean`` also drops the
politeness and filler phrases residents wrap their questions in.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

# (pattern, canonical form). Longer and more specific patterns first.
SYNONYMS: list[tuple[str, str]] = [
    (r"住民票の写し", "住民票"),
    (r"個人番号カード|マイナカード|マイナ(?!ンバー|保険証|ポータル)", "マイナンバーカード"),
    (r"マイナンバーカードカード", "マイナンバーカード"),
    (r"ゴミ|ごみ|塵芥", "ごみ"),
    (r"国保(?!・年金課)", "国民健康保険"),
    (r"市県民税|市・県民税|市民税・県民税|市民税県民税", "住民税"),
    (r"保育園", "保育所"),
    (r"学童保育|学童", "放課後児童クラブ"),
    (r"印鑑証明(?!書)", "印鑑登録証明書"),
    (r"戸籍全部事項証明書|戸籍謄本", "戸籍謄本"),
    (r"引越し|引越", "引っ越し"),
    (r"スマホ", "スマートフォン"),
    (r"コンビニ(?!エンス)", "コンビニエンスストア"),
    (r"子供|こども(?!園)", "子ども"),
    (r"罹災|り災", "り災"),
    (r"水道代", "水道料金"),
    (r"旅券", "パスポート"),
    (r"老人ホーム", "介護施設"),
    (r"特養", "特別養護老人ホーム"),
    (r"母子手帳", "母子健康手帳"),
    (r"ハザードマップ|防災マップ", "ハザードマップ"),
    (r"市役所|市庁舎", "市役所"),
    (r"PayPay|ペイペイ|スマホ決済|QR決済", "スマートフォン決済"),
    (r"年金の手帳", "年金手帳"),
    (r"ビザ", "在留期間"),
    (r"ワクチン", "予防接種"),
]
_SYNONYM_PATTERNS = [
    (re.compile(pattern, re.IGNORECASE), canonical) for pattern, canonical in SYNONYMS
]

# Politeness and filler that carry no meaning for retrieval.
_FILLER = re.compile(
    r"すみません|すいません|恐れ入りますが|恐縮ですが|お尋ねします|質問です|質問があります|"
    r"教えて(?:ください|下さい|ほしい(?:です)?|欲しい(?:です)?|もらえますか|くれ)?|"
    r"知りたい(?:のですが|んですが|です)?|お願い(?:します|いたします|致します)|"
    r"よろしく|えっと|ええと|あのー|あの、|ちょっと|なんですが|のですが|んですが|んだけど|"
    r"でしょうか|ですか|ますか|ですが|ました|ません|です|ます|ください|下さい"
)
_SPACES = re.compile(r"\s+")

# Parts of speech (Sudachi's first level) that carry the meaning of a question.
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "接尾辞", "接頭辞"}
_STOP_FORMS = {
    "為る",
    "する",
    "有る",
    "ある",
    "居る",
    "いる",
    "成る",
    "なる",
    "教える",
    "知る",
    "思う",
    "願う",
    "下さる",
    "くださる",
    "頂く",
    "いただく",
    "良い",
    "よい",
    "いい",
    "事",
    "こと",
    "物",
    "もの",
    "様",
    "よう",
    "の",
    "ん",
    "さん",
    "方",
    "中",
    "出来る",
    "できる",
    "ため",
    "為",
    "時",
    "とき",
}


def text_normalize(text: str) -> str:
    """NFKC, lower case, one space between words, synonyms to their canonical form."""
    value = unicodedata.normalize("NFKC", text).lower()
    value = _SPACES.sub(" ", value).strip()
    for pattern, canonical in _SYNONYM_PATTERNS:
        value = pattern.sub(canonical, value)
    return value


def query_clean(text: str) -> str:
    """A resident's question without politeness and filler, normalised."""
    value = text_normalize(text)
    cleaned = _FILLER.sub(" ", value)
    cleaned = _SPACES.sub(" ", cleaned).strip(" 、。,.!?！？")
    # A question made only of filler ("教えてください") keeps its words.
    return cleaned or value


class _Sudachi(threading.local):
    tokenizer: Any = None
    mode_c: Any = None
    mode_a: Any = None


_local = _Sudachi()


def _tokenizer() -> tuple[Any, Any, Any]:
    # Sudachi's tokenizer is not thread-safe: one per thread, built on first use.
    if _local.tokenizer is None:
        from sudachipy import Dictionary, SplitMode

        _local.tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        _local.mode_c = SplitMode.C
        _local.mode_a = SplitMode.A
    return _local.tokenizer, _local.mode_c, _local.mode_a


def text_tokens(text: str) -> list[str]:
    """Content words of ``text`` as Sudachi normalised forms (mode C, plus mode A parts)."""
    tokenizer, mode_c, mode_a = _tokenizer()
    tokens: list[str] = []
    for morpheme in tokenizer.tokenize(text[:5000], mode_c):
        pos = morpheme.part_of_speech()
        if pos[0] not in _CONTENT_POS or pos[1] == "数詞":
            continue
        form = morpheme.normalized_form()
        if form in _STOP_FORMS or not form.strip():
            continue
        tokens.append(form)
        parts = morpheme.split(mode_a)
        if len(parts) > 1:
            for part in parts:
                part_form = part.normalized_form()
                if part.part_of_speech()[0] in _CONTENT_POS and part_form not in _STOP_FORMS:
                    tokens.append(part_form)
    return tokens


def text_readings(text: str) -> list[tuple[str, str]]:
    """``text`` as (surface, katakana reading) pairs, mode C; the reading is "" where none is known."""
    tokenizer, mode_c, _mode_a = _tokenizer()
    pairs: list[tuple[str, str]] = []
    for morpheme in tokenizer.tokenize(text, mode_c):
        surface: str = morpheme.surface()
        reading: str = morpheme.reading_form()
        if reading == surface or not _KATAKANA_READING.fullmatch(reading):
            reading = ""
        pairs.append((surface, reading))
    return pairs


_KATAKANA_READING = re.compile(r"[\u30a1-\u30fcー]+")
