"""Fixtures of the OCR tests: the real PP-OCRv5 engine (loaded once) and the sample template."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from ukai.ocr import samples
from ukai.ocr.engine import PpOcrV5Engine, ppocr_model
from ukai.ocr.reading import TemplateGeometry, template_geometry


@pytest.fixture(scope="session")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> PpOcrV5Engine:
    cache = tmp_path_factory.mktemp("ocr-cache")
    started = time.perf_counter()
    ppocr_model(cache_dir=cache)
    print(f"\nPP-OCRv5 ready in {time.perf_counter() - started:.2f} s")
    return PpOcrV5Engine(cache_dir=str(cache))


@pytest.fixture(scope="session")
def geometry() -> TemplateGeometry:
    return template_geometry(np.asarray(samples.blank_form()))


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    samples.template_write(folder)
    return folder


@pytest.fixture
def template(db: None, template_folder: Path, settings, real_engine: PpOcrV5Engine):
    from ukai.ocr.services import template_file_check, template_import

    settings.UKAI_OCR_CACHE_DIR = real_engine.cache_dir
    definition = json.loads((template_folder / "template.json").read_text(encoding="utf-8"))
    created, _ = template_import(checked=template_file_check(definition, base_dir=template_folder))
    return created


@pytest.fixture(scope="session")
def inkan_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inkan-template")
    samples.inkan_template_write(folder)
    return folder


@pytest.fixture
def inkan_template(db: None, inkan_folder: Path):
    """A second active template, the 印鑑登録証明書交付申請書 (same frame as the first)."""
    from ukai.ocr.services import template_file_check, template_import

    definition = json.loads((inkan_folder / "inkan.json").read_text(encoding="utf-8"))
    created, _ = template_import(checked=template_file_check(definition, base_dir=inkan_folder))
    return created
