"""Decisions and action items found by rules, linked to the segment they were said in."""

from __future__ import annotations

from ukai.minutes.extraction import findings_extract


def test_decisions_and_actions_are_found_with_their_segment():
    findings = findings_extract(
        [
            (11, "議案第1号は原案のとおり可決されました。"),
            (12, "ご異議ありませんか。異議なしと認めます。"),
            (13, "請願第2号は継続審査とすることに決定しました。"),
            (14, "議案第3号は否決されました。"),
            (15, "次回の委員会までに担当課で検討します。"),
            (16, "本日はお忙しいところありがとうございました。"),
        ]
    )
    summary = [(f.kind, f.label, f.segment_id) for f in findings]
    assert summary == [
        ("decision", "可決", 11),
        ("decision", "異議なし", 12),
        ("decision", "継続審査", 13),
        ("decision", "否決", 14),
        ("action", "検討", 15),
    ]
    assert findings[-1].deadline == "次回の委員会"
    assert findings[1].sentence == "異議なしと認めます。"


def test_questions_and_negations_are_not_decisions():
    findings = findings_extract(
        [
            (1, "ご異議ありませんか。"),
            (2, "可決に賛成の方の起立を求めます。"),
            (3, "その件は検討しません。"),
        ]
    )
    assert findings == []


def test_a_deadline_alone_is_an_action_item():
    (finding,) = findings_extract([(7, "3月末までに報告書を提出してください。")])
    assert (finding.kind, finding.label, finding.deadline) == ("action", "期限", "3月末")
