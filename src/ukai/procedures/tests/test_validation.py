"""form_validate: every field type, conditions and groups; bad answers give field errors, never exceptions."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ukai.procedures.formspec import FormDefinitionInvalid, form_spec_parse
from ukai.procedures.validation import form_validate, form_value_display

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def one_field(**field: Any) -> dict[str, Any]:
    field.setdefault("key", "answer")
    field.setdefault("label", "回答")
    field.setdefault("label_en", "Answer")
    return {"title": "テスト", "steps": [{"key": "s", "title": "S", "fields": [field]}]}


def check(field: dict[str, Any], value: Any) -> tuple[dict[str, Any], list[Any]]:
    return form_validate(one_field(**field), {"answer": value})


def only_error(errors: list[Any]) -> Any:
    assert len(errors) == 1, errors
    error = errors[0]
    assert error.message_ja
    assert error.message_en
    # A Japanese message: it contains at least one kana or kanji.
    assert any("\u3040" <= c <= "\u9fff" for c in error.message_ja), error.message_ja
    return error


# --- text ---------------------------------------------------------------------


def test_text_is_kept_and_trimmed():
    cleaned, errors = check({"type": "text"}, "  岐阜城 😀  ")
    assert errors == []
    assert cleaned["answer"] == "岐阜城 😀"


def test_ten_thousand_characters_are_refused_with_the_limit():
    cleaned, errors = check({"type": "text", "max_length": 50}, "あ" * 10_000)
    error = only_error(errors)
    assert (error.path, error.code) == ("answer", "too_long")
    assert "50文字以内" in error.message_ja
    assert cleaned == {}


def test_multiline_keeps_line_breaks_but_single_line_refuses_control_characters():
    cleaned, errors = check({"type": "text", "multiline": True}, "一行目\n二行目")
    assert errors == []
    assert cleaned["answer"] == "一行目\n二行目"
    _, errors = check({"type": "text"}, "一行目\n二行目")
    assert only_error(errors).code == "invalid_char"
    _, errors = check({"type": "text"}, "abc\u202edef")
    assert only_error(errors).code == "invalid_char"


@FAST
@given(st.text(max_size=300))
def test_text_never_raises(value):
    cleaned, errors = check({"type": "text"}, value)
    assert bool(errors) != ("answer" in cleaned) or value.strip() == ""


# --- name and kana -------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["髙橋 一郎", "𠮷田 花子", "渡邉\U000e0100 太郎", "齋藤　葛\U000e0101", "﨑山 眞"],
)
def test_names_keep_variant_kanji_and_ivs_exactly(name):
    cleaned, errors = check({"type": "name"}, {"name": name, "kana": "たかはし いちろう"})
    assert errors == []
    assert cleaned["answer"]["name"] == name
    assert cleaned["answer"]["kana"] == "タカハシ イチロウ"


def test_name_without_reading_field():
    cleaned, errors = check({"type": "name", "reading": False}, "髙橋\U000e0100")
    assert errors == []
    assert cleaned["answer"] == "髙橋\U000e0100"


def test_emoji_in_a_name_is_refused_per_part():
    _, errors = check({"type": "name"}, {"name": "山田😀", "kana": "ヤマダ"})
    error = only_error(errors)
    assert (error.path, error.code) == ("answer.name", "name_invalid_char")
    assert "U+1F600" in error.message_ja


def test_reading_must_be_katakana():
    _, errors = check({"type": "name", "required": True}, {"name": "山田", "kana": "Yamada"})
    assert only_error(errors).path == "answer.kana"
    _, errors = check({"type": "name", "required": True}, {"name": "山田"})
    error = only_error(errors)
    assert (error.path, error.code) == ("answer.kana", "required")


@FAST
@given(st.text(max_size=150), st.text(max_size=150))
def test_name_never_raises_and_kept_names_are_exact(name, kana):
    cleaned, errors = check({"type": "name"}, {"name": name, "kana": kana})
    if not errors and cleaned:
        assert cleaned["answer"]["name"] == name.strip()
    for error in errors:
        assert error.path in {"answer.name", "answer.kana"}


def test_kana_field_folds_hiragana_and_half_width():
    cleaned, errors = check({"type": "kana"}, "ｷﾞﾌ　しやくしょ")
    assert errors == []
    assert cleaned["answer"] == "ギフ シヤクショ"


# --- date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("令和6年4月1日", date(2024, 4, 1)),
        ("Ｒ６．４．１", date(2024, 4, 1)),
        ("平成31年5月1日", date(2019, 5, 1)),
        ("２０２４－０４－０１", date(2024, 4, 1)),
    ],
)
def test_dates_in_wareki_and_full_width(typed, expected):
    cleaned, errors = check({"type": "date"}, typed)
    assert errors == []
    assert cleaned["answer"] == expected


@pytest.mark.parametrize(
    "typed", ["令和6年2月30日", "2023-02-29", "平成0年1月1日", "13月1日", "😀"]
)
def test_impossible_dates_are_refused(typed):
    cleaned, errors = check({"type": "date"}, typed)
    error = only_error(errors)
    assert error.path == "answer"
    assert cleaned == {}


def test_future_birth_date_is_refused():
    _, errors = check({"type": "date", "not_future": True}, "2999-01-01")
    assert only_error(errors).code == "date_in_future"


def test_date_shown_in_wareki():
    spec = form_spec_parse(one_field(type="date")).fields()[0]
    assert form_value_display(spec, date(2019, 5, 1)) == "令和元年5月1日（2019-05-01）"


@FAST
@given(st.text(max_size=40))
def test_date_never_raises(value):
    cleaned, errors = check({"type": "date"}, value)
    assert isinstance(cleaned.get("answer"), date) or errors or not value.strip()


# --- postal code, phone, email ---------------------------------------------------------


def test_postal_code_full_width_is_normalised():
    cleaned, errors = check({"type": "postal_code"}, "〒５００－８７０１")
    assert errors == []
    assert cleaned["answer"] == "500-8701"


def test_unknown_postal_code_is_refused():
    _, errors = check({"type": "postal_code"}, "000-0000")
    assert only_error(errors).code == "postal_unknown"


def test_phone_is_formatted():
    cleaned, errors = check({"type": "phone"}, "（０５８）２６５－４１４１")
    assert errors == []
    assert cleaned["answer"] == "058-265-4141"
    _, errors = check({"type": "phone"}, "058-265-414")
    assert only_error(errors).code == "phone_format"


def test_email():
    cleaned, errors = check({"type": "email"}, "ｔａｒｏ@example.jp")
    assert errors == []
    assert cleaned["answer"] == "taro@example.jp"
    _, errors = check({"type": "email"}, "taro@@example")
    assert only_error(errors).code == "email_format"


@FAST
@given(
    st.sampled_from(["postal_code", "phone", "email", "address", "kana"]),
    st.text(max_size=10_050) | st.integers() | st.booleans() | st.lists(st.text(), max_size=3),
)
def test_parsers_never_raise(field_type, value):
    cleaned, errors = check({"type": field_type}, value)
    if errors:
        assert "answer" not in cleaned
        assert [e.path for e in errors] == ["answer"]


@FAST
@given(
    st.sampled_from(
        [
            {"type": "number", "min": 1, "max": 10},
            {"type": "number", "integer": False},
            {"type": "choice", "choices": [{"value": "yes", "label": "はい"}]},
            {"type": "choice", "multiple": True, "choices": [{"value": "a", "label": "A"}]},
            {"type": "checkbox", "required": True},
            {"type": "name", "reading": False},
        ]
    ),
    st.text(max_size=10_050)
    | st.integers()
    | st.floats()
    | st.booleans()
    | st.lists(st.text(max_size=5), max_size=3)
    | st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)
def test_other_types_never_raise(field, value):
    cleaned, errors = check(dict(field), value)
    if errors:
        assert "answer" not in cleaned
        assert [e.path for e in errors] == ["answer"]


# --- number, choice, checkbox ------------------------------------------------------------


def test_number_accepts_full_width_digits_and_checks_bounds():
    cleaned, errors = check({"type": "number", "min": 1, "max": 10}, "３")
    assert errors == []
    assert cleaned["answer"] == 3
    _, errors = check({"type": "number", "min": 1, "max": 10}, "１１")
    error = only_error(errors)
    assert error.code == "number_max"
    assert "10以下" in error.message_ja
    _, errors = check({"type": "number", "min": 1}, "0")
    assert only_error(errors).code == "number_min"
    _, errors = check({"type": "number"}, "1.5")
    assert only_error(errors).code == "number_integer"
    cleaned, _ = check({"type": "number", "integer": False}, "1.5")
    assert cleaned["answer"] == Decimal("1.5")
    for bad in ["NaN", "Infinity", "1e999999", "三", True]:
        assert only_error(check({"type": "number"}, bad)[1]).code == "number_format"


CHOICES = [{"value": "yes", "label": "はい"}, {"value": "no", "label": "いいえ"}]


def test_choice_only_offered_values():
    cleaned, errors = check({"type": "choice", "choices": CHOICES}, "yes")
    assert errors == []
    assert cleaned["answer"] == "yes"
    assert only_error(check({"type": "choice", "choices": CHOICES}, "maybe")[1]).code == (
        "choice_invalid"
    )
    cleaned, errors = check({"type": "choice", "choices": CHOICES, "multiple": True}, ["no", "yes"])
    assert errors == []
    assert cleaned["answer"] == ["no", "yes"]


def test_required_checkbox_must_be_ticked():
    _, errors = check({"type": "checkbox", "required": True}, False)
    error = only_error(errors)
    assert error.code == "required"
    assert "チェック" in error.message_ja
    cleaned, errors = check({"type": "checkbox", "required": True}, "on")
    assert errors == []
    assert cleaned["answer"] is True


def test_a_file_answer_is_the_description_of_a_checked_upload():
    spec = {"type": "file", "required": True, "accept": ["application/pdf"], "max_bytes": 1000}
    _, errors = check(spec, None)
    assert [e.code for e in errors] == ["required"]
    _, errors = check(spec, "passport.pdf")  # typed text is not a file
    assert [e.code for e in errors] == ["file_invalid"]
    upload = {"attachment": "a1b2", "name": "本人確認.pdf", "type": "application/pdf", "size": 900}
    cleaned, errors = check(spec, upload)
    assert errors == []
    assert cleaned["answer"] == upload
    _, errors = check(spec, {**upload, "type": "image/png"})
    assert [e.code for e in errors] == ["file_type"]
    _, errors = check(spec, {**upload, "size": 1001})
    assert [e.code for e in errors] == ["file_too_large"]


def test_a_signature_answer_is_a_stored_png():
    spec = {"type": "signature", "required": True}
    _, errors = check(spec, None)
    assert [e.code for e in errors] == ["required"]
    _, errors = check(spec, "髙橋 花子")  # typed text is not a drawn signature
    assert [e.code for e in errors] == ["file_invalid"]
    drawn = {"attachment": "a1", "name": "署名.png", "type": "image/png", "size": 2000}
    cleaned, errors = check(spec, drawn)
    assert errors == []
    assert cleaned["answer"] == drawn
    _, errors = check(spec, {**drawn, "type": "image/jpeg"})
    assert [e.code for e in errors] == ["signature_invalid"]


# --- conditions and groups --------------------------------------------------------------


def conditional_form() -> dict[str, Any]:
    return {
        "title": "条件",
        "steps": [
            {
                "key": "s",
                "title": "S",
                "fields": [
                    {
                        "key": "has_children",
                        "type": "choice",
                        "label": "子どもはいますか",
                        "required": True,
                        "choices": CHOICES,
                    },
                    {
                        "key": "children",
                        "type": "group",
                        "label": "子ども",
                        "min_items": 0,
                        "max_items": 3,
                        "show_when": {"field": "has_children", "equals": "yes"},
                        "required_when": {"field": "has_children", "equals": "yes"},
                        "fields": [
                            {"key": "name", "type": "name", "label": "氏名", "required": True},
                            {
                                "key": "birth_date",
                                "type": "date",
                                "label": "生年月日",
                                "required": True,
                            },
                            {"key": "apart", "type": "checkbox", "label": "別居"},
                            {
                                "key": "address",
                                "type": "address",
                                "label": "住所",
                                "required_when": {
                                    "all": [
                                        {"field": "apart", "equals": True},
                                        {"field": "has_children", "equals": "yes"},
                                    ]
                                },
                            },
                        ],
                    },
                    {
                        "key": "note",
                        "type": "text",
                        "label": "備考",
                        "show_when": {
                            "any": [
                                {"field": "has_children", "equals": "no"},
                                {"not": {"field": "children", "filled": True}},
                            ]
                        },
                    },
                ],
            }
        ],
    }


def test_hidden_fields_are_dropped_and_not_required():
    cleaned, errors = form_validate(
        conditional_form(), {"has_children": "no", "children": [{"name": "x"}], "note": "なし"}
    )
    assert errors == []
    assert cleaned == {"has_children": "no", "note": "なし"}


def test_required_when_and_group_paths():
    data = {
        "has_children": "yes",
        "children": [
            {"name": {"name": "鵜飼 一郎", "kana": "ウカイ イチロウ"}, "birth_date": "R2.4.1"},
            {
                "name": {"name": "鵜飼 次郎", "kana": "ウカイ ジロウ"},
                "birth_date": "令和5年2月29日",
                "apart": "on",
            },
        ],
    }
    cleaned, errors = form_validate(conditional_form(), data)
    assert {(e.path, e.code) for e in errors} == {
        ("children.1.birth_date", "wareki_invalid_date"),
        ("children.1.address", "required"),
    } or {e.path for e in errors} == {"children.1.birth_date", "children.1.address"}
    assert cleaned["children"][0]["birth_date"] == date(2020, 4, 1)
    assert cleaned["children"][0]["apart"] is False


def test_group_counts():
    _, errors = form_validate(conditional_form(), {"has_children": "yes", "children": []})
    assert only_error(errors).code == "group_too_few"
    many = [{"name": {"name": "a", "kana": "ア"}, "birth_date": "2020-01-01"}] * 4
    _, errors = form_validate(conditional_form(), {"has_children": "yes", "children": many})
    assert only_error(errors).code == "group_too_many"
    _, errors = form_validate(conditional_form(), {"has_children": "yes", "children": "x"})
    assert only_error(errors).code == "group_invalid"


@FAST
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["has_children", "children", "name", "note"]), inner, max_size=4
            )
        ),
        max_leaves=12,
    )
)
def test_form_validate_never_raises_on_any_json(data):
    cleaned, errors = form_validate(conditional_form(), data)
    assert isinstance(cleaned, dict)
    for error in errors:
        assert error.code
        assert error.message_ja
        assert error.message_en


# --- definitions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"title": "x", "steps": []},
        one_field(type="choice"),
        one_field(type="text", choices=CHOICES),
        one_field(type="group"),
        one_field(type="text", show_when={"field": "later", "equals": "x"}),
        one_field(type="text", show_when={"field": "answer", "equals": "x"}),
        one_field(type="text", show_when={"all": []}),
        one_field(type="text", key="Bad Key"),
        one_field(type="unknown"),
        one_field(type="number", min=5, max=1),
        one_field(type="text", eval="__import__('os')"),
    ],
)
def test_bad_definitions_are_refused(bad):
    with pytest.raises(FormDefinitionInvalid) as caught:
        form_spec_parse(bad)
    assert caught.value.problems


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.json")), ids=lambda p: p.stem)
def test_seeded_forms_are_valid(path):
    form_spec_parse(json.loads(path.read_text(encoding="utf-8")))


def test_child_allowance_with_two_children():
    definition = json.loads((FORMS / "jido-teate-nintei-seikyu.json").read_text(encoding="utf-8"))
    child = {"relationship": "child", "lives_with_applicant": "yes"}
    data: dict[str, Any] = {
        "applicant_name": {"name": "髙橋 花子", "kana": "タカハシ ハナコ"},
        "applicant_birth_date": "平成2年4月1日",
        "postal_code": "500-8701",
        "address": "岐阜県岐阜市司町40番地1",
        "phone": "058-265-4141",
        "is_public_servant": "no",
        "has_spouse": "no",
        "children": [
            {
                **child,
                "name": {"name": "髙橋 一郎", "kana": "タカハシ イチロウ"},
                "birth_date": "R3.5.1",
            },
            {
                **child,
                "name": {"name": "髙橋 𠮷子", "kana": "タカハシ ヨシコ"},
                "birth_date": "R5.6.1",
                "lives_with_applicant": "no",
            },
        ],
        "bank_name": "十六銀行",
        "branch_name": "本店",
        "account_type": "ordinary",
        "account_number": "1234567",
        "account_holder_kana": "ﾀｶﾊｼ ﾊﾅｺ",
        "declaration": True,
    }
    cleaned, errors = form_validate(definition, data)
    assert [(e.path, e.code) for e in errors] == [("children.1.child_address", "required")]
    data["children"][1]["child_address"] = "岐阜県岐阜市長良"
    cleaned, errors = form_validate(definition, data)
    assert errors == []
    assert cleaned["children"][1]["name"]["name"] == "髙橋 𠮷子"
    assert cleaned["account_holder_kana"] == "タカハシ ハナコ"
    assert "spouse_name" not in cleaned


def test_fills_must_name_an_address_of_the_same_step():
    form: dict[str, Any] = {
        "title": "t",
        "steps": [
            {
                "key": "a",
                "title": "A",
                "fields": [{"key": "zip", "type": "postal_code", "label": "〒", "fills": "addr"}],
            },
            {
                "key": "b",
                "title": "B",
                "fields": [{"key": "addr", "type": "address", "label": "住所"}],
            },
        ],
    }
    with pytest.raises(FormDefinitionInvalid):
        form_spec_parse(form)
    form["steps"][0]["fields"].append(form["steps"][1]["fields"][0])
    form["steps"].pop()
    assert form_spec_parse(form).steps[0].fields[0].fills == "addr"


def seeded(slug: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FORMS / f"{slug}.json").read_text(encoding="utf-8"))
    return loaded


def test_long_term_care_form_asks_aged_40_to_64_for_their_disease():
    data = {
        "insured_name": {"name": "鵜飼 一郎", "kana": "ウカイ イチロウ"},
        "insured_birth_date": "昭和40年5月1日",
        "postal_code": "500-8701",
        "address": "岐阜県岐阜市司町40番地1",
        "phone": "058-265-4141",
        "insured_category": "second",
        "where_now": "hospital",
        "doctor_name": "長良 花子",
        "clinic_name": "長良クリニック",
        "applicant": "self",
        "declaration": "on",
    }
    _, errors = form_validate(seeded("yokaigo-nintei-shinsei"), data)
    assert {e.path for e in errors} == {"specified_disease", "health_insurance", "place_name"}
    data["insured_category"] = "first"
    data["where_now"] = "home"
    cleaned, errors = form_validate(seeded("yokaigo-nintei-shinsei"), data)
    assert errors == []
    assert cleaned["insured_birth_date"] == date(1965, 5, 1)


def test_pregnancy_form_asks_the_number_of_babies_only_for_multiples():
    data = {
        "mother_name": {"name": "鵜飼 花子", "kana": "ウカイ ハナコ"},
        "mother_birth_date": "1995-01-01",
        "postal_code": "500-8701",
        "address": "岐阜市司町40番地1",
        "phone": "090-1234-5678",
        "due_date": "2999-01-01",
        "multiple_birth": "yes",
        "notifier": "self",
        "interview_wish": "counter",
        "declaration": True,
    }
    _, errors = form_validate(seeded("ninshin-todokede"), data)
    assert [(e.path, e.code) for e in errors] == [("baby_count", "required")]
    cleaned, errors = form_validate(seeded("ninshin-todokede"), {**data, "baby_count": "２"})
    assert errors == []
    assert cleaned["baby_count"] == 2


def test_answers_round_trip_through_json():
    from ukai.procedures.validation import form_answers_from_json, form_answers_to_json

    spec = form_spec_parse(conditional_form())
    data = {
        "has_children": "yes",
        "children": [
            {
                "name": {"name": "髙橋\U000e0100 一郎", "kana": "タカハシ イチロウ"},
                "birth_date": "R2.4.1",
            }
        ],
    }
    cleaned, errors = form_validate(spec, data)
    assert errors == []
    stored = form_answers_to_json(spec, cleaned)
    text = json.dumps(stored, ensure_ascii=False)
    assert '"birth_date": "2020-04-01"' in text
    assert form_answers_from_json(spec, json.loads(text)) == cleaned
    number = form_spec_parse(one_field(type="number", integer=False))
    cleaned, _ = form_validate(number, {"answer": "１２.５０"})
    assert form_answers_from_json(number, form_answers_to_json(number, cleaned)) == {
        "answer": Decimal("12.50")
    }
