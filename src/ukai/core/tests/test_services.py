import pytest
from django.core.management import CommandError, call_command

from ukai.core.errors import UkaiError
from ukai.core.models import ApiToken, AuditEvent
from ukai.core.services import api_token_create, api_token_revoke

from . import factories

pytestmark = pytest.mark.django_db


def test_a_token_is_shown_once_and_only_its_digest_is_stored(client):
    member = factories.staff()
    raw = api_token_create(staff=member, name="BI連携")
    stored = ApiToken.objects.get(staff=member)
    assert raw not in (stored.digest, stored.prefix)
    assert stored.digest == ApiToken.digest_of(raw)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert AuditEvent.objects.filter(object_type="core.apitoken", action="create").exists()


def test_a_revoked_token_stops_working_at_once(client):
    member = factories.staff()
    raw = api_token_create(staff=member, name="連携")
    api_token_revoke(token=ApiToken.objects.get(staff=member))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.parametrize(("name", "days"), [("", 30), ("x" * 101, 30), ("ok", 0), ("ok", 99999)])
def test_bad_token_requests_change_nothing(name, days):
    member = factories.staff()
    with pytest.raises(UkaiError):
        api_token_create(staff=member, name=name, expires_in_days=days)
    assert not ApiToken.objects.exists()


def test_the_token_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("ukai_token", "nobody", "test")
