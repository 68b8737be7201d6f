"""全国地方公共団体コード (JIS X 0401/0402): five digits and a check digit."""

from __future__ import annotations

import unicodedata

from .errors import JapaneseInputError

_WEIGHTS = (6, 5, 4, 3, 2)


def lgcode_check_digit(code5: str) -> int:
    """Return the check digit of a five-digit local government code."""
    if len(code5) != 5 or not code5.isascii() or not code5.isdigit():
        raise JapaneseInputError(
            code="lgcode_format",
            message_ja="団体コードは5桁の数字で入力してください。",
            message_en="A local government code has five digits.",
        )
    total = sum(int(d) * w for d, w in zip(code5, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def lgcode_normalize(value: str) -> str:
    """Return the six-digit code with check digit, or raise ``JapaneseInputError``.

    Accepts full-width digits and a five-digit code (the check digit is added).
    A six-digit code must carry the right check digit.
    """
    text = unicodedata.normalize("NFKC", value).strip().replace("-", "")
    if not text.isascii() or not text.isdigit() or len(text) not in (5, 6):
        raise JapaneseInputError(
            code="lgcode_format",
            message_ja="全国地方公共団体コードは6桁（検査数字を含む）の数字で入力してください。",
            message_en="A local government code has six digits, including the check digit.",
        )
    expected = lgcode_check_digit(text[:5])
    if len(text) == 5:
        return text + str(expected)
    if int(text[5]) != expected:
        raise JapaneseInputError(
            code="lgcode_check_digit",
            message_ja=f"全国地方公共団体コードの検査数字が正しくありません（{text[:5]}の検査数字は{expected}です）。",
            message_en=(
                f"The check digit of the local government code is wrong "
                f"(the check digit of {text[:5]} is {expected})."
            ),
        )
    return text


def lgcode_repair_leading_zero(value: str) -> str | None:
    """Suggest the code a published file meant when it lost its leading zero.

    ``92011`` read as a number loses the ``0`` of ``092011``; return the repaired
    six-digit code when that reading has a valid check digit, else ``None``.
    """
    text = value.strip()
    if len(text) != 5 or not text.isascii() or not text.isdigit():
        return None
    candidate = "0" + text
    if lgcode_check_digit(candidate[:5]) == int(candidate[5]):
        return candidate
    return None
