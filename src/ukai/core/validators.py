"""Django field validators built on ``core.japanese``, for every module's models and forms."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from .japanese.errors import JapaneseInputError
from .japanese.lgcode import lgcode_normalize

# Characters no text in Ukai may contain: NUL breaks PostgreSQL text columns and C
# libraries; the other C0 controls (tab, newline and carriage return aside) only ever
# arrive from binary data pasted into a text field.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_lgcode(value: str) -> None:
    """A stored 全国地方公共団体コード: six digits with the right check digit."""
    try:
        normalized = lgcode_normalize(value)
    except JapaneseInputError as exc:
        raise ValidationError(exc.message_ja, code=exc.code) from exc
    if normalized != value:
        raise ValidationError(
            "全国地方公共団体コードは検査数字を含む6桁で保存してください。", code="lgcode_format"
        )
