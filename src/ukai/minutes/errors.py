"""The minutes module's errors and warnings: a code, a Japanese and an English message."""

from __future__ import annotations

from ukai.core.errors import UkaiError, message_for_language


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _hms(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def audio_empty() -> UkaiError:
    return UkaiError(
        code="audio_empty",
        message_ja="ファイルが空です。録音ファイルを選び直してください。",
        message_en="The file is empty. Choose the recording again.",
        status=422,
        field="file",
    )


def audio_too_big(*, size: int, limit: int) -> UkaiError:
    return UkaiError(
        code="audio_too_big",
        message_ja=f"ファイルが大きすぎます（{_mb(size)}）。{_mb(limit)}以下にしてください。",
        message_en=f"The file is too big ({_mb(size)}). The limit is {_mb(limit)}.",
        status=413,
        field="file",
    )


def audio_too_long(*, seconds: float, limit: float) -> UkaiError:
    return UkaiError(
        code="audio_too_long",
        message_ja=f"録音が長すぎます（{_hms(seconds)}）。{_hms(limit)}以内に分けてください。",
        message_en=f"The recording is too long ({_hms(seconds)}). Split it into parts of at most {_hms(limit)}.",
        status=422,
        field="file",
    )


def audio_unreadable() -> UkaiError:
    return UkaiError(
        code="audio_unreadable",
        message_ja=(
            "音声として読み取れないファイルです。壊れているか、対応していない形式です"
            "（WAV・MP3・M4A・MP4・OGG・FLAC に対応しています）。"
        ),
        message_en=(
            "This file cannot be read as audio: it is damaged or in a format Ukai does not "
            "read (WAV, MP3, M4A, MP4, OGG and FLAC are supported)."
        ),
        status=422,
        field="file",
    )


def audio_no_sound_track() -> UkaiError:
    return UkaiError(
        code="audio_no_sound_track",
        message_ja="このファイルには音声トラックがありません。音声付きの録音・録画を選んでください。",
        message_en="This file has no audio track. Choose a recording with sound.",
        status=422,
        field="file",
    )


def audio_damaged_at(*, seconds: float) -> UkaiError:
    return UkaiError(
        code="audio_damaged",
        message_ja=(
            f"録音の {_hms(seconds)} 付近が壊れていて読み取れませんでした。"
            "それまでの文字起こしは保存されています。"
        ),
        message_en=(
            f"The recording is damaged near {_hms(seconds)}. "
            "The transcript up to that point has been kept."
        ),
        status=422,
    )


def engine_unavailable(detail: str) -> UkaiError:
    return UkaiError(
        code="asr_unavailable",
        message_ja=f"音声認識エンジンを使えません。管理者に連絡してください。（{detail}）",
        message_en=f"No speech recognition engine is available. Contact an administrator. ({detail})",
        status=503,
    )


# Warnings on a finished transcription: code -> (Japanese, English).
WARNINGS: dict[str, tuple[str, str]] = {
    "no_speech": (
        "音声が検出されませんでした（無音か、雑音だけの録音です）。",
        "No speech was found (the recording is silent or only noise).",
    ),
    "other_language": (
        "日本語以外の言語の録音のようです（判定：{language}）。その言語で文字にしました。",
        "The recording seems to be in another language ({language}); it was transcribed in that language.",
    ),
}


def warning_message(code: str) -> str:
    """A stored warning (``code`` or ``code:argument``) in the reader's language."""
    key, _, argument = code.partition(":")
    ja, en = WARNINGS.get(key, (key, key))
    return message_for_language(ja.format(language=argument), en.format(language=argument))
