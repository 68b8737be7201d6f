"""The resident authentication interface: a platform plugin (as a JPKI gateway would be) opens an
application with its assurance level, recorded on the case."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.test import Client
from django.urls import reverse

from ukai.procedures.models import Draft
from ukai.procedures.resident_auth import ResidentAuth, ResidentIdentity, resident_auth_registry

SLUG = "jido-teate-nintei-seikyu"


@resident_auth_registry.register("test-platform")
class PlatformForTests(ResidentAuth):
    """Stands in for the city's authentication platform, which is outside Ukai."""

    label = "テスト用の認証基盤で本人確認"
    assurance = "jpki"

    def start(self, request, procedure):
        return HttpResponseRedirect(reverse("procedures:auth_complete", args=["test-platform"]))

    def complete(self, request):
        return ResidentIdentity(assurance="jpki", name="髙橋 花子", email="hanako@example.jp")


def test_a_configured_platform_is_offered_and_opens_the_application(catalog, settings):
    settings.UKAI_PROCEDURES_RESIDENT_AUTH = [{"engine": "test-platform"}]
    client = Client()
    start = client.get(reverse("procedures:apply", args=[SLUG])).content.decode()
    assert "テスト用の認証基盤で本人確認" in start
    assert "マイナンバーカードでの申請について" not in start
    response = client.get(
        reverse("procedures:auth_start", args=[SLUG, "test-platform"]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "procedures:apply_step", args=[SLUG, "applicant"]
    )
    draft = Draft.objects.get()
    assert draft.assurance == "jpki"
    assert draft.verified_at is not None


def test_without_a_platform_the_start_page_says_when_cards_arrive(catalog, client):
    body = client.get(reverse("procedures:apply", args=[SLUG])).content.decode()
    assert "マイナンバーカードでの申請について" in body
    assert client.get(reverse("procedures:auth_start", args=[SLUG, "jpki"])).status_code == 404
