"""The one-stop counter's procedures (data/procedures-counter.json) and their forms.

The counter (書かない窓口) prefills every form by field key from the resident records and
the interview, so these tests also hold the forms to the shared key conventions.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from ukai.procedures.formspec import form_spec_parse
from ukai.procedures.models import FormDefinition, Procedure
from ukai.procedures.seed import DATA_DIR, catalog_files, procedures_seed
from ukai.procedures.selectors import form_definition_current
from ukai.procedures.validation import form_validate

COUNTER_FILE = DATA_DIR / "procedures-counter.json"
COUNTER = json.loads(COUNTER_FILE.read_text(encoding="utf-8"))["procedures"]
COUNTER_SLUGS = [entry["slug"] for entry in COUNTER]
MAIN_SLUGS = [
    entry["slug"]
    for entry in json.loads((DATA_DIR / "procedures.json").read_text(encoding="utf-8"))[
        "procedures"
    ]
]


def form_of(slug: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (DATA_DIR / "forms" / f"{slug}.json").read_text(encoding="utf-8")
    )
    return loaded


# What the counter knows about a family moving in: the records' exact characters
# (髙 and 𠮷 are not 高 and 吉), readings, birth dates.
APPLICANT = {
    "applicant_name": "髙橋 花子",
    "applicant_kana": "たかはし はなこ",
    "applicant_birth_date": "昭和63年5月1日",
    "phone": "090-1234-5678",
    "email": "hanako@example.jp",
    "postal_code": "500-8701",
    "address": "岐阜県岐阜市司町40番地1 メゾン司101",
}
SIGNED = {"declaration": True}
FAMILY = [
    {
        "name": "髙橋 一郎",
        "kana": "タカハシ イチロウ",
        "birth_date": "S60.4.1",
        "sex": "male",
        "relationship": "世帯主",
    },
    {
        "name": "髙橋 花子",
        "kana": "タカハシ ハナコ",
        "birth_date": "1988-05-01",
        "sex": "female",
        "relationship": "妻",
    },
    {
        "name": "髙橋 𠮷子",
        "kana": "タカハシ ヨシコ",
        "birth_date": "平成28年6月1日",
        "sex": "female",
        "relationship": "子",
    },
]
CHILD = {"name": "髙橋 𠮷子", "kana": "タカハシ ヨシコ", "birth_date": "H28.6.1", "sex": "female"}
WITNESSES = {
    "witness1_name": "長良 一郎",
    "witness1_birth_date": "1970-01-01",
    "witness1_address": "岐阜県岐阜市長良1番地",
    "witness2_name": "金華 花子",
    "witness2_birth_date": "1972-02-02",
    "witness2_address": "岐阜県岐阜市金華山1番地",
}
BANK = {
    "bank_name": "十六銀行",
    "branch_name": "本店",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder_kana": "ﾀｶﾊｼ ﾊﾅｺ",
}
DECEASED = {"deceased_name": "髙橋 𠮷藏", "deceased_birth_date": "昭和10年1月1日"}

EXAMPLES: dict[str, dict[str, Any]] = {
    "tennyu-todoke": {
        **APPLICANT,
        "notifier_relation": "self",
        "event_date": "令和7年10月1日",
        "moving_out_method": "certificate",
        "former_municipality": "愛知県名古屋市中区",
        "former_address": "愛知県名古屋市中区三の丸三丁目1番1号",
        "household": "same",
        "head_name": "髙橋 一郎",
        "members": FAMILY,
        **SIGNED,
    },
    "tenkyo-todoke": {
        **APPLICANT,
        "notifier_relation": "self",
        "event_date": "2025-10-01",
        "former_address": "岐阜県岐阜市長良1番地",
        "household": "same",
        "head_name": "髙橋 一郎",
        "who_moves": "whole",
        "members": FAMILY,
        **SIGNED,
    },
    "shussei-todoke": {
        **APPLICANT,
        "children": [
            {
                "name": "髙橋 陽向",
                "kana": "タカハシ ヒナタ",
                "sex": "male",
                "legitimacy": "legitimate",
                "birth_order": "長男",
            }
        ],
        "event_date": "R7.11.1",
        "birth_time": "午前10時15分",
        "birth_place": "岐阜県岐阜市鹿島町7丁目1番地",
        "birth_facility": "hospital",
        "facility_name": "岐阜市民病院",
        "head_name": "髙橋 一郎",
        "father_name": "髙橋 一郎",
        "father_birth_date": "S60.4.1",
        "mother_name": "髙橋 花子",
        "mother_birth_date": "S63.5.1",
        "parents_nationality": "japanese",
        "honseki": "岐阜県岐阜市司町40番地1 筆頭者 髙橋 一郎",
        "notifier_qualification": "mother",
        "birth_certificate_checked": True,
        **SIGNED,
    },
    "shibo-todoke": {
        **APPLICANT,
        **DECEASED,
        "deceased_sex": "male",
        "event_date": "令和7年11月20日",
        "death_time": "午後3時20分",
        "death_place": "岐阜県岐阜市鹿島町7丁目1番地",
        "spouse_status": "widowed",
        "head_name": "髙橋 𠮷藏",
        "nationality": "japanese",
        "honseki": "岐阜県岐阜市司町40番地1",
        "notifier_qualification": "other_cohabitant",
        "relationship": "長男の妻",
        "applicant_address": "岐阜県岐阜市司町40番地1",
        "cremation_place": "岐阜市斎苑",
        "death_certificate_checked": True,
        **SIGNED,
    },
    "konin-todoke": {
        **APPLICANT,
        **WITNESSES,
        "applicant_role": "wife",
        "applicant_honseki": "愛知県名古屋市中区三の丸三丁目1番 筆頭者 鵜飼 太郎",
        "applicant_history": "first",
        "spouse_name": "髙橋 一郎",
        "spouse_kana": "タカハシ イチロウ",
        "spouse_birth_date": "昭和60年4月1日",
        "spouse_honseki": "岐阜県岐阜市司町40番地1 筆頭者 髙橋 太郎",
        "spouse_history": "first",
        "surname": "husband",
        "head_name": "髙橋 一郎",
        "partner_signs": True,
        **SIGNED,
    },
    "rikon-todoke": {
        **APPLICANT,
        **WITNESSES,
        "divorce_type": "agreement",
        "applicant_role": "wife",
        "head_name": "髙橋 花子",
        "honseki": "岐阜県岐阜市司町40番地1",
        "spouse_name": "髙橋 一郎",
        "spouse_kana": "タカハシ イチロウ",
        "spouse_birth_date": "S60.4.1",
        "spouse_address": "岐阜県岐阜市長良1番地",
        "returning_register": "new",
        "new_honseki": "岐阜県岐阜市司町40番地1",
        "children": [{**CHILD, "custody": "both"}],
        "arrangements": "decided",
        **SIGNED,
    },
    "kokuho-kanyu": {
        **APPLICANT,
        "notifier_relation": "household",
        "head_name": "髙橋 一郎",
        "reason": "moving_in",
        "event_date": "令和7年10月1日",
        "former_municipality": "愛知県名古屋市中区",
        "members": FAMILY,
        **SIGNED,
    },
    "kokuho-dattai": {
        **APPLICANT,
        "notifier_relation": "household",
        "head_name": "髙橋 一郎",
        "reason": "joined_employee_insurance",
        "event_date": "2025-11-01",
        "new_insurance": "全国健康保険協会岐阜支部",
        "members": [FAMILY[1] | {"card_returned": "returned"}],
        **SIGNED,
    },
    "kokumin-nenkin-shikaku": {
        **APPLICANT,
        "reason": "left_job",
        "event_date": "令和7年10月1日",
        "former_employer": "株式会社鵜飼",
        "payment_help": "no",
        **SIGNED,
    },
    "kodomo-iryohi-jukyusha": {
        **APPLICANT,
        "reason": "moving_in",
        "event_date": "令和7年10月1日",
        "children": [CHILD | {"relationship": "子"}],
        "insurance": "employer",
        "insurer_name": "全国健康保険協会岐阜支部",
        "insured_person_name": "髙橋 一郎",
        "info_consent": True,
        **SIGNED,
    },
    "tennyugaku": {
        **APPLICANT,
        "event_date": "令和7年10月1日",
        "former_address": "愛知県名古屋市中区三の丸三丁目1番1号",
        "children": [CHILD | {"grade": "es4", "school_name": "名古屋市立〇〇小学校"}],
        **SIGNED,
    },
    "inkan-toroku": {
        **APPLICANT,
        "applied_by": "self",
        "verification": "photo_id",
        "registered_before": "no",
        "seal_brought": True,
        **SIGNED,
    },
    "inkan-haishi": {
        **APPLICANT,
        "applied_by": "self",
        "reason": "card_lost",
        "card": "lost",
        **SIGNED,
    },
    "kaigo-shikaku-todoke": {
        **APPLICANT,
        **DECEASED,
        "notifier_relation": "household",
        "reason": "lose_death",
        "event_date": "令和7年11月20日",
        "card": "returned",
        **SIGNED,
    },
    "sosaihi": {
        **APPLICANT,
        **DECEASED,
        **BANK,
        "event_date": "令和7年11月20日",
        "insurance": "kouki",
        "funeral_date": "令和7年11月23日",
        "relationship": "長男の妻",
        "funeral_proof": True,
        **SIGNED,
    },
}

# The key conventions the counter prefills by (issue 4): key -> field type.
CONVENTIONS = {
    "applicant_name": "name",
    "applicant_kana": "kana",
    "applicant_birth_date": "date",
    "phone": "phone",
    "email": "email",
    "postal_code": "postal_code",
    "address": "address",
    "former_address": "address",
    "former_municipality": "text",
    "event_date": "date",
    "members": "group",
    "children": "group",
    "head_name": "name",
    "school_name": "text",
    "grade": "choice",
    "deceased_name": "name",
    "deceased_birth_date": "date",
    "spouse_name": "name",
    "declaration": "checkbox",
    "signature": "signature",
}
PERSON = {"name": "name", "kana": "kana", "birth_date": "date", "sex": "choice"}


def test_every_new_procedure_has_a_form_and_no_slug_is_defined_twice():
    assert [path.name for path in catalog_files()][:2] == [
        "procedures.json",
        "procedures-counter.json",
    ]
    assert len(COUNTER_SLUGS) == 15
    assert not set(COUNTER_SLUGS) & set(MAIN_SLUGS)
    assert all((DATA_DIR / "forms" / f"{slug}.json").is_file() for slug in COUNTER_SLUGS)
    assert set(EXAMPLES) == set(COUNTER_SLUGS)


def test_seed_loads_both_catalog_files_and_publishes_the_counter_forms(catalog):
    assert set(Procedure.objects.values_list("slug", flat=True)) == {*MAIN_SLUGS, *COUNTER_SLUGS}
    departments = dict(
        Procedure.objects.filter(slug__in=COUNTER_SLUGS).values_list("slug", "department_code")
    )
    assert departments["tennyu-todoke"] == "shimin"
    assert departments["kokuho-kanyu"] == departments["sosaihi"] == "kokuho-nenkin"
    assert departments["kaigo-shikaku-todoke"] == "kaigo-hoken"
    assert departments["tennyugaku"] == "kyoiku-gakumu"
    for slug in COUNTER_SLUGS:
        procedure = Procedure.objects.get(slug=slug)
        assert procedure.is_published
        assert procedure.channels[0] == "counter"
        # None of them is an online procedure of Gifu City.
        assert "online" not in procedure.channels
        form = form_definition_current(procedure=procedure)
        assert form is not None
        assert form.definition == form_of(slug)
    # Related procedures may name the other catalog file's entries.
    tennyu = Procedure.objects.get(slug="tennyu-todoke")
    related = set(tennyu.related.values_list("slug", flat=True))
    assert {"jido-teate-nintei-seikyu", "kokuho-kanyu", "tennyugaku"} <= related


def test_seeding_twice_changes_nothing(catalog):
    versions = FormDefinition.objects.count()
    again = procedures_seed()
    assert (again.created, again.updated, again.forms_published) == (0, 0, 0)
    assert FormDefinition.objects.count() == versions


@pytest.mark.parametrize("slug", COUNTER_SLUGS)
def test_counter_form_parses_and_follows_the_key_conventions(slug):
    spec = form_spec_parse(form_of(slug))
    assert spec.title
    assert spec.title_en
    fields = {field.key: field for field in spec.fields()}
    for key, kind in CONVENTIONS.items():
        if key in fields:
            assert fields[key].type == kind, key
    for group in ("members", "children"):
        if group in fields:
            inner = {field.key: field.type for field in fields[group].fields}
            assert PERSON.items() <= inner.items() or slug == "shussei-todoke", group
    assert fields["declaration"].required
    # Staff sight the documents at the counter: no upload is required.
    assert not [f.key for f in fields.values() if f.type in {"file", "signature"} and f.required]
    assert fields["signature"].type == "signature"
    # Every label has its English.
    for field in fields.values():
        assert field.label_en, field.key
        for option in field.choices:
            assert option.label_en, (field.key, option.value)


@pytest.mark.parametrize("slug", COUNTER_SLUGS)
def test_counter_form_accepts_a_filled_example(slug):
    cleaned, errors = form_validate(form_of(slug), EXAMPLES[slug])
    assert errors == []
    assert cleaned["declaration"] is True
    if "applicant_name" in cleaned:
        # The record's characters are kept exactly; the reading becomes katakana.
        assert cleaned["applicant_name"] == "髙橋 花子"
        assert cleaned["applicant_kana"] == "タカハシ ハナコ"
        assert cleaned["postal_code"] == "500-8701"


@pytest.mark.parametrize("slug", COUNTER_SLUGS)
def test_counter_form_rejects_an_empty_form_with_field_errors(slug):
    _, errors = form_validate(form_of(slug), {})
    paths = {error.path for error in errors}
    assert "declaration" in paths
    assert {"applicant_name", "deceased_name"} & paths
    assert all(error.code in {"required", "group_too_few"} for error in errors)
    assert all(error.message_ja and error.message_en for error in errors)


def test_moving_in_family_of_four_keeps_everyone_and_their_exact_names():
    family = [*FAMILY, CHILD | {"name": "髙橋 一", "kana": "タカハシ ハジメ", "sex": "male"}]
    data = {
        **EXAMPLES["tennyu-todoke"],
        "members": [*family[:3], family[3] | {"relationship": "子"}],
    }
    cleaned, errors = form_validate(form_of("tennyu-todoke"), data)
    assert errors == []
    assert [m["name"] for m in cleaned["members"]] == [
        "髙橋 一郎",
        "髙橋 花子",
        "髙橋 𠮷子",
        "髙橋 一",
    ]
    assert cleaned["members"][2]["birth_date"] == date(2016, 6, 1)
    assert cleaned["event_date"] == date(2025, 10, 1)


def test_moving_in_asks_the_former_municipality_unless_from_abroad():
    data = {**EXAMPLES["tennyu-todoke"]}
    del data["former_municipality"]
    _, errors = form_validate(form_of("tennyu-todoke"), data)
    assert [(e.path, e.code) for e in errors] == [("former_municipality", "required")]
    cleaned, errors = form_validate(
        form_of("tennyu-todoke"),
        {**data, "moving_out_method": "abroad", "former_address": "アメリカ合衆国 シアトル市"},
    )
    assert errors == []
    assert "former_municipality" not in cleaned


def test_a_member_missing_a_birth_date_is_pointed_out():
    data = {**EXAMPLES["kokuho-kanyu"], "members": [FAMILY[0], FAMILY[1] | {"birth_date": ""}]}
    _, errors = form_validate(form_of("kokuho-kanyu"), data)
    assert [(e.path, e.code) for e in errors] == [("members.1.birth_date", "required")]


def test_a_future_moving_date_is_refused():
    data = {**EXAMPLES["tennyu-todoke"], "event_date": "2999-01-01"}
    _, errors = form_validate(form_of("tennyu-todoke"), data)
    assert [(e.path, e.code) for e in errors] == [("event_date", "date_in_future")]


def test_joining_health_insurance_after_leaving_a_job_asks_which_insurer():
    data = {**EXAMPLES["kokuho-kanyu"], "reason": "left_employee_insurance"}
    _, errors = form_validate(form_of("kokuho-kanyu"), data)
    assert [(e.path, e.code) for e in errors] == [("former_insurance", "required")]


def test_school_transfer_asks_each_childs_grade_and_school():
    data = {**EXAMPLES["tennyugaku"], "children": [CHILD, CHILD | {"grade": "jhs9"}]}
    _, errors = form_validate(form_of("tennyugaku"), data)
    assert {(e.path, e.code) for e in errors} == {
        ("children.0.grade", "required"),
        ("children.0.school_name", "required"),
        ("children.1.grade", "choice_invalid"),
        ("children.1.school_name", "required"),
    }


def test_divorce_by_agreement_needs_two_witnesses_and_a_court_divorce_its_date():
    data = {**EXAMPLES["rikon-todoke"]}
    for key in WITNESSES:
        del data[key]
    _, errors = form_validate(form_of("rikon-todoke"), data)
    assert {e.path for e in errors} == {
        "witness1_name",
        "witness1_birth_date",
        "witness1_address",
        "witness2_name",
        "witness2_birth_date",
        "witness2_address",
    }
    _, errors = form_validate(form_of("rikon-todoke"), {**data, "divorce_type": "conciliation"})
    assert {e.path for e in errors} == {"event_date", "court_documents"}


def test_divorce_names_parental_authority_for_each_minor_child():
    data = {**EXAMPLES["rikon-todoke"], "children": [CHILD]}
    _, errors = form_validate(form_of("rikon-todoke"), data)
    assert [(e.path, e.code) for e in errors] == [("children.0.custody", "required")]
    _, errors = form_validate(form_of("rikon-todoke"), {**EXAMPLES["rikon-todoke"], "children": []})
    # Without minor children there is nothing to arrange.
    assert errors == []


def test_bereavement_forms_take_the_deceased_where_the_counter_puts_them():
    for slug in ("shibo-todoke", "kaigo-shikaku-todoke", "sosaihi"):
        cleaned, errors = form_validate(form_of(slug), EXAMPLES[slug])
        assert errors == [], slug
        assert cleaned["deceased_name"] == "髙橋 𠮷藏"
        assert cleaned["deceased_birth_date"] == date(1935, 1, 1)
    # Leaving health insurance because of a death asks for the deceased, not the members.
    data = {**EXAMPLES["kokuho-dattai"], "reason": "death"}
    _, errors = form_validate(form_of("kokuho-dattai"), data)
    assert {e.path for e in errors} == {"deceased_name", "deceased_birth_date"}
    cleaned, errors = form_validate(form_of("kokuho-dattai"), {**data, **DECEASED})
    assert errors == []
    assert "members" not in cleaned


def test_a_counter_procedure_page_tells_residents_to_come_to_the_counter(catalog, client):
    response = client.get(reverse("procedures:detail", args=["tennyu-todoke"]))
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "住民基本台帳法第22条",
        "前住所地の転出証明書",
        "この手続はオンラインでは申請できません",
        "転入する人",
        "国民健康保険の加入の届出",
    ]:
        assert text in body, text
    # Its form serves the counter: there is no online application.
    assert client.get(reverse("procedures:apply", args=["tennyu-todoke"])).status_code == 404
