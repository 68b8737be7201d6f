"""The resident's multi-step form without JavaScript: steps, errors kept, groups, check page."""

from __future__ import annotations

from django.urls import reverse

SLUG = "jido-teate-nintei-seikyu"


def step_url(step):
    return reverse("procedures:apply_step", args=[SLUG, step])


def test_start_redirects_to_the_first_step_once_the_address_is_confirmed(applicant):
    response = applicant.get(reverse("procedures:apply", args=[SLUG]))
    assert response.status_code == 302
    assert response["Location"] == step_url("applicant")


def test_the_steps_ask_for_an_email_address_first(catalog, client):
    assert client.get(step_url("applicant"))["Location"] == reverse("procedures:apply", args=[SLUG])
    body = client.get(reverse("procedures:apply", args=[SLUG])).content.decode()
    assert "アカウントの登録は不要です" in body
    response = client.post(reverse("procedures:apply", args=[SLUG]), {"email": "hanako@"})
    assert response.status_code == 422
    assert "メールアドレスの形式が正しくありません" in response.content.decode()


def test_a_procedure_without_form_has_no_apply_page(applicant):
    client = applicant
    assert client.get(reverse("procedures:apply", args=["inu-toroku"])).status_code == 404
    assert client.get(step_url("no-such-step")).status_code == 404


def test_errors_are_shown_next_to_fields_and_typed_values_are_kept(applicant):
    client = applicant
    response = client.post(
        step_url("applicant"),
        {
            "applicant_name.name": "髙橋\U000e0100 花子",
            "applicant_name.kana": "Takahashi",
            "applicant_birth_date": "令和5年2月29日",
            "postal_code": "５００－８７０１",
            "phone": "058-265-4141",
            "email": "",
            "is_public_servant": "no",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "入力内容を確認してください" in body
    assert "フリガナはカタカナで入力してください" in body
    assert 'href="#f-applicant-name-kana"' in body
    assert 'href="#f-applicant-birth-date"' in body
    assert 'value="髙橋\U000e0100 花子"' in body  # exactly as typed, IVS included
    assert 'value="令和5年2月29日"' in body
    assert 'aria-invalid="true"' in body


def fill_applicant(client):
    return client.post(
        step_url("applicant"),
        {
            "applicant_name.name": "髙橋 花子",
            "applicant_name.kana": "たかはし はなこ",
            "applicant_birth_date": "H2.4.1",
            "postal_code": "500-8701",
            "address": "岐阜県岐阜市司町40番地1",
            "phone": "０５８－２６５－４１４１",
            "is_public_servant": "no",
        },
    )


def test_the_whole_form_to_the_check_page_with_two_children(applicant):
    client = applicant
    assert fill_applicant(client)["Location"] == step_url("spouse")
    response = client.post(step_url("spouse"), {"has_spouse": "no"})
    assert response["Location"] == step_url("children")
    child = {
        "children.count": "1",
        "children.0.name.name": "髙橋 一郎",
        "children.0.name.kana": "タカハシ イチロウ",
        "children.0.birth_date": "R3.5.1",
        "children.0.relationship": "child",
        "children.0.lives_with_applicant": "yes",
    }
    # 「児童を追加」 without JavaScript: the page comes back with a second, empty child.
    response = client.post(step_url("children"), {**child, "action": "add:children"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="children.count" value="2"' in body
    assert 'value="髙橋 一郎"' in body
    second = {
        "children.count": "2",
        "children.1.name.name": "髙橋 𠮷子",
        "children.1.name.kana": "タカハシ ヨシコ",
        "children.1.birth_date": "令和5年6月1日",
        "children.1.relationship": "child",
        "children.1.lives_with_applicant": "no",
    }
    response = client.post(step_url("children"), {**child, **second})
    assert response.status_code == 422
    assert 'href="#f-children-1-child-address"' in response.content.decode()
    response = client.post(
        step_url("children"), {**child, **second, "children.1.child_address": "岐阜市長良"}
    )
    assert response["Location"] == step_url("account")
    response = client.post(
        step_url("account"),
        {
            "bank_name": "十六銀行",
            "branch_name": "本店",
            "account_type": "ordinary",
            "account_number": "1234567",
            "account_holder_kana": "ﾀｶﾊｼ ﾊﾅｺ",
        },
    )
    assert response["Location"] == step_url("confirm")
    response = client.post(step_url("confirm"), {})
    assert response.status_code == 422
    assert "チェックを入れてください" in response.content.decode()
    response = client.post(step_url("confirm"), {"declaration": "on"})
    assert response["Location"] == reverse("procedures:apply_check", args=[SLUG])
    body = client.get(response["Location"]).content.decode()
    assert "平成2年4月1日（1990-04-01）" in body
    assert "児童2：児童の氏名" in body
    assert "髙橋 𠮷子（タカハシ ヨシコ）" in body
    assert "058-265-4141" in body
    assert "この内容で申請する" in body
    assert "確認してください" not in body


def test_removing_a_child(applicant):
    client = applicant
    data = {"children.count": "2", "children.0.name.name": "一郎", "children.1.name.name": "次郎"}
    response = client.post(step_url("children"), {**data, "action": "remove:children:0"})
    body = response.content.decode()
    assert 'name="children.count" value="1"' in body
    assert 'value="次郎"' in body
    assert 'value="一郎"' not in body


def test_check_page_points_back_to_missing_answers(applicant):
    client = applicant
    body = client.get(reverse("procedures:apply_check", args=[SLUG])).content.decode()
    assert "件の項目を確認してください" in body
    assert step_url("applicant") in body


def test_postal_code_fills_the_address_without_javascript(applicant):
    client = applicant
    response = client.post(
        step_url("applicant"),
        {"postal_code": "〒５００－８７０１", "address": "", "action": "postal:postal_code"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="岐阜県岐阜市司町40番地1"' in body
    assert "入力内容を確認してください" not in body
    # The resident's own, longer address is kept when the button is pressed again.
    response = client.post(
        step_url("applicant"),
        {
            "postal_code": "500-8701",
            "address": "岐阜県岐阜市司町40番地1 市役所",
            "action": "postal:postal_code",
        },
    )
    assert 'value="岐阜県岐阜市司町40番地1 市役所"' in response.content.decode()
    response = client.post(
        step_url("applicant"), {"postal_code": "000-0000", "action": "postal:postal_code"}
    )
    assert response.status_code == 422
    assert "郵便番号000-0000は見つかりませんでした" in response.content.decode()


def test_a_field_hidden_by_an_earlier_step_is_not_shown(db, client):
    from ukai.procedures import services
    from ukai.procedures.models import Procedure

    procedure = Procedure.objects.create(
        slug="two-steps",
        name="二段階",
        department_code="shimin",
        category="waste",
        channels=["online"],
        is_published=True,
    )
    definition = {
        "title": "二段階",
        "steps": [
            {
                "key": "one",
                "title": "一",
                "fields": [
                    {
                        "key": "pet",
                        "type": "choice",
                        "label": "犬を飼っていますか",
                        "required": True,
                        "choices": [
                            {"value": "yes", "label": "はい"},
                            {"value": "no", "label": "いいえ"},
                        ],
                    }
                ],
            },
            {
                "key": "two",
                "title": "二",
                "fields": [
                    {
                        "key": "dog_name",
                        "type": "text",
                        "label": "犬の名前",
                        "show_when": {"field": "pet", "equals": "yes"},
                    },
                    {"key": "note", "type": "text", "label": "備考"},
                ],
            },
        ],
    }
    services.form_definition_publish(
        form_definition=services.form_definition_create(procedure=procedure, definition=definition)
    )
    from ukai.procedures.tests.conftest import start_application

    start_application(client, "two-steps")
    one = reverse("procedures:apply_step", args=["two-steps", "one"])
    two = reverse("procedures:apply_step", args=["two-steps", "two"])
    client.post(one, {"pet": "no"})
    assert "犬の名前" not in client.get(two).content.decode()
    client.post(one, {"pet": "yes"})
    body = client.get(two).content.decode()
    assert "犬の名前" in body
    assert "data-show-when" not in body  # decided by the server, nothing for the browser


def test_same_step_conditions_are_marked_for_the_browser(applicant):
    client = applicant
    body = client.get(step_url("spouse")).content.decode()
    assert (
        'data-show-when="{&quot;field&quot;: &quot;has_spouse&quot;, &quot;equals&quot;: &quot;yes&quot;}"'
        in body
    )
    assert "conditions.js" in body


def test_control_characters_in_a_multipart_step_are_refused(applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ukai.procedures.models import Draft

    response = applicant.post(
        step_url("applicant"),
        {"address": "岐阜市\x00司町", "upload": SimpleUploadedFile("a.txt", b"x")},
    )
    assert response.status_code == 400
    assert "制御文字" in response.content.decode()
    assert Draft.objects.get().answers == {}
