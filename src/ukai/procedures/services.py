"""Writes of the procedures module: form definition versions (draft → published)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ukai.core.errors import UkaiError

from .formspec import form_spec_parse
from .models import FormDefinition, Procedure, PublishedFormDefinitionError


def form_definition_create(*, procedure: Procedure, definition: dict[str, Any]) -> FormDefinition:
    """Create the next version of a procedure's form as a draft (the definition is checked)."""
    form_spec_parse(definition)
    with transaction.atomic():
        # Lock the procedure row so that two drafts never get the same number.
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        latest = procedure.form_definitions.aggregate(v=Max("version"))["v"] or 0
        return FormDefinition.objects.create(
            procedure=procedure, version=latest + 1, definition=definition
        )


def form_definition_update(
    *, form_definition: FormDefinition, definition: dict[str, Any]
) -> FormDefinition:
    """Replace a draft's definition; a published version is refused (409)."""
    form_spec_parse(definition)
    with transaction.atomic():
        locked = FormDefinition.objects.select_for_update().get(pk=form_definition.pk)
        if locked.status == FormDefinition.Status.PUBLISHED:
            raise PublishedFormDefinitionError()
        locked.definition = definition
        locked.save(update_fields=["definition"])
    return locked


def form_definition_publish(*, form_definition: FormDefinition) -> FormDefinition:
    """Publish a draft: from now on it never changes and new submissions use it."""
    with transaction.atomic():
        locked = FormDefinition.objects.select_for_update().get(pk=form_definition.pk)
        if locked.status == FormDefinition.Status.PUBLISHED:
            raise UkaiError(
                code="form_definition_already_published",
                message_ja="この版はすでに公開されています。",
                message_en="This version is already published.",
                status=409,
            )
        form_spec_parse(locked.definition)
        locked.status = FormDefinition.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
    return locked
