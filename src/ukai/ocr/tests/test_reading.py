"""The real PP-OCRv5 engine on generated scans: accuracy, orientation and refusals."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from ukai.ocr import samples
from ukai.ocr.fieldtypes import comparable, ocr_repair
from ukai.ocr.reading import PageRejected, ZoneSpec, page_align, page_read

ZONES = [ZoneSpec(zone.name, zone.type, zone.box, zone.validation or {}) for zone in samples.ZONES]


def decode(data: bytes):
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)


def test_printed_fields_and_checkboxes_are_read_from_noisy_scans(real_engine, geometry):
    exact = total = marks_right = marks = 0
    misses = []
    for seed in range(40, 48):
        data, truth = samples.sample_scan(seed)
        reading = page_read(page_align(decode(data), geometry), geometry, ZONES, real_engine)
        for field in reading.fields:
            if field.type in ("checkbox", "seal"):
                marks += 1
                marks_right += field.text == truth[field.name]
                continue
            if field.type == "name":
                continue  # variant kanji: measured by ocr_eval, always reviewed by staff
            total += 1
            got = comparable(field.type, ocr_repair(field.type, field.text))
            if got == comparable(field.type, truth[field.name]):
                exact += 1
            else:
                misses.append((field.name, field.text, truth[field.name]))
    assert marks_right == marks, "every checkbox and seal is read right"
    assert exact / total >= 0.95, misses


def test_an_upside_down_300_dpi_scan_is_turned_and_read(real_engine, geometry):
    options = samples.ScanOptions(
        angle=-2.5, shift=(25, -30), dpi=300, blur=0.6, noise=4, upside_down=True
    )
    data, truth = samples.sample_scan(7, options=options)
    alignment = page_align(decode(data), geometry)
    assert alignment.rotation == 180
    reading = page_read(alignment, geometry, ZONES, real_engine)
    values = {field.name: field.text for field in reading.fields}
    assert comparable("postal_code", values["postal_code"]) == comparable(
        "postal_code", truth["postal_code"]
    )
    assert comparable("phone", values["phone"]) == comparable("phone", truth["phone"])


def test_a_blank_page_is_refused(geometry):
    blank = np.full((2339, 1654), 252, np.uint8)
    with pytest.raises(PageRejected) as caught:
        page_align(blank, geometry)
    assert caught.value.code == "page_blank"


def test_a_page_of_another_document_is_refused(geometry):
    rng = random.Random(3)
    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    text_font = samples.font("ipaex-mincho", 34)
    for line in range(40):
        words = "".join(rng.choice("市民の皆さまへお知らせごみ収集日程変更") for _ in range(28))
        draw.text((120, 150 + line * 52), words, font=text_font, fill=0)
    buffer = io.BytesIO()
    page.save(buffer, format="PNG")
    with pytest.raises(PageRejected) as caught:
        page_align(decode(buffer.getvalue()), geometry)
    assert caught.value.code == "page_no_match"
    assert "一致しません" in caught.value.message_ja
