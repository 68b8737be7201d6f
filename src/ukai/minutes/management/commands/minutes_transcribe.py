"""``manage.py minutes_transcribe FILE [--json] [--model PATH]``: print what a recording says."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ukai.core.errors import UkaiError
from ukai.minutes.asr import recording_transcribe
from ukai.minutes.errors import warning_message


class Command(BaseCommand):
    help = (
        "録音ファイルを音声認識して文字を表示します（--json で区間・単語・時刻・確からしさ）。"
        " / Transcribe a recording and print the text (--json: segments with words, times, probabilities)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="print the segments as JSON")
        parser.add_argument(
            "--model", default="", help="a CTranslate2 Whisper model folder (default: Whisper base)"
        )
        parser.add_argument("--language", default="ja")
        parser.add_argument("--progress", action="store_true", help="report progress on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"ファイルがありません / No such file: {path}")

        def progress(done: float, total: float) -> None:
            if options["progress"] and total:
                sys.stderr.write(f"\r{done / total:6.1%} ({done:.0f}/{total:.0f} s)")

        try:
            transcript = recording_transcribe(
                path, model_path=options["model"], language=options["language"], progress=progress
            )
        except UkaiError as error:
            raise CommandError(str(error)) from error
        if options["progress"]:
            sys.stderr.write("\n")
        for code in transcript.warnings:
            self.stderr.write(warning_message(code))
        if options["json"]:
            self.stdout.write(json.dumps(transcript.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(transcript.text)
