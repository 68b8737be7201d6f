"""Decisions and action items found by rules in the transcript, linked to their segments.

Pure Python. A decision is how the meeting disposed of an item (可決, 否決, 異議なし,
継続審査 …); an action item is a promise to do something (検討します, 〜までに …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# (label, pattern), most specific first; one decision per sentence.
DECISION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("継続審査", re.compile(r"継続審査(?:と(?:する|し|いた)|に(?:付|ふ))")),
    ("否決", re.compile(r"否決(?:され|し|すべき|と決|いた)")),
    ("修正可決", re.compile(r"修正(?:案のとおり|の上)?可決")),
    ("可決", re.compile(r"可決(?:され|し|すべき|と決|いた)")),
    ("不採択", re.compile(r"不採択(?:と|に|され|すべき)")),
    ("採択", re.compile(r"(?<!不)採択(?:と|に|され|すべき)")),
    ("承認", re.compile(r"承認(?:され|し|すべき|と決|いた)")),
    ("異議なし", re.compile(r"異議なしと認め")),
)
ACTION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("期限", re.compile(r"(?P<deadline>[^、。\s]{1,20}?)までに")),
    ("検討", re.compile(r"検討(?:します|いたします|してまいります|させていただきます|を進めます)")),
    ("報告", re.compile(r"報告(?:します|いたします|してまいります|させていただきます)")),
    ("対応", re.compile(r"対応(?:します|いたします|してまいります|させていただきます)")),
    ("確認", re.compile(r"確認(?:します|いたします|してまいります|させていただきます)")),
    ("回答", re.compile(r"(?:回答|お答え)(?:します|いたします)(?!.*(?:質問|質疑))")),
)
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


@dataclass(frozen=True)
class Finding:
    kind: str  # "decision" or "action"
    label: str
    sentence: str
    segment_id: int
    deadline: str = ""


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def findings_extract(segments: Iterable[tuple[int, str]]) -> list[Finding]:
    """Decisions and action items in ``(segment_id, text)`` pairs, in transcript order."""
    found: list[Finding] = []
    for segment_id, text in segments:
        for sentence in sentences(text):
            for label, pattern in DECISION_RULES:
                if pattern.search(sentence):
                    found.append(Finding("decision", label, sentence, segment_id))
                    break
            actions = [(label, pattern.search(sentence)) for label, pattern in ACTION_RULES]
            matched = [(label, match) for label, match in actions if match]
            if matched:
                deadline = next(
                    (m.group("deadline") for label, m in matched if label == "期限"), ""
                )
                labels = [label for label, _ in matched if label != "期限"] or ["期限"]
                found.append(Finding("action", labels[0], sentence, segment_id, deadline))
    return found
