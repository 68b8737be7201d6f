import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from ukai.core.audit import audit_log
from ukai.core.context import ActorContext, actor_reset, actor_set
from ukai.core.models import AuditEvent

from . import factories

pytestmark = pytest.mark.django_db


def test_audit_log_records_the_acting_staff_member_and_the_fields():
    admin = factories.staff(role="admin", username="kanri")
    token = actor_set(
        ActorContext(
            staff_id=admin.pk,
            username="kanri",
            role="admin",
            ip_address="192.0.2.10",
            request_id="req-1",
        )
    )
    try:
        event = audit_log(action="read", obj=admin, purpose="職員情報の確認")
    finally:
        actor_reset(token)
    event.refresh_from_db()
    assert event.actor_username == "kanri"
    assert event.actor_role == "admin"
    assert event.object_type == "core.staff"
    assert event.object_id == str(admin.pk)
    # Staff declares its personal data fields; the entry lists them.
    assert event.fields == sorted(["display_name", "email", "first_name", "last_name"])
    assert event.ip_address == "192.0.2.10"
    assert event.request_id == "req-1"
    assert event.purpose == "職員情報の確認"


def test_audit_entries_cannot_be_changed_or_deleted_through_ukai():
    event = audit_log(action="read", object_type="core.staff", object_id=1)
    event.purpose = "改ざん"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="改ざん")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


def test_the_database_refuses_to_rewrite_an_audit_entry():
    event = audit_log(action="read", object_type="core.staff", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET purpose = 'x' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).purpose == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite refuses deletes in the application"
)
def test_postgresql_refuses_to_delete_an_audit_entry():
    event = audit_log(action="read", object_type="core.staff", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()
