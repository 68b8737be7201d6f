"""Generated forms: a blank 住民票の写し等交付請求書, filled copies and simulated scans.

Plain Python (Pillow, numpy, OpenCV), no Django. The seed command, the tests, the
benchmark and ``ocr_eval``'s test set all draw their forms here, so nothing large is
committed: a page is drawn in a few milliseconds.

The blank form is A4 at 200 dpi (1654 × 2339 px) with four registration marks, a ruled
table of labelled value cells, checkboxes and a seal circle. Values are printed into
the cells with the Japanese fonts Debian installs (IPAex, Noto CJK); ``scan_simulate``
then rotates, shifts, rescales (200–300 dpi), blurs, adds noise and JPEG artefacts as a
real office scanner does.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ukai.core.japanese.wareki import wareki_format

DPI = 200
WIDTH, HEIGHT = 1654, 2339  # A4 at 200 dpi
TEMPLATE_NAME = "juminhyo-request"
TEMPLATE_TITLE = "住民票の写し等交付請求書"
# The procedures module's online form for the same request; zones map to its field keys.
PROCEDURE_SLUG = "juminhyo-utsushi"

FONT_FILES = {
    "ipaex-gothic": ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    "ipaex-mincho": ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf", 0),
    "noto-sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    "noto-serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
}
PRINT_FONTS = ("ipaex-gothic", "ipaex-mincho", "noto-sans", "noto-serif")


@dataclass(frozen=True)
class SampleZone:
    name: str
    label: str
    type: str
    box: tuple[int, int, int, int]
    validation: dict[str, Any] | None = None
    procedure_field: str = ""
    # For a checkbox or the seal: the answer when it is marked.
    procedure_value: Any = None


LEFT, LABEL_W, RIGHT = 120, 360, 1534
ROW_H = 112
TOP = 470


def _row_box(
    row: int, *, x0: int | None = None, x1: int | None = None
) -> tuple[int, int, int, int]:
    y = TOP + row * ROW_H
    left = (LEFT + LABEL_W) if x0 is None else x0
    right = RIGHT if x1 is None else x1
    return (left + 8, y + 8, right - left - 16, ROW_H - 16)


# (name, label, type, row or explicit box, validation, procedure field)
ZONES: tuple[SampleZone, ...] = (
    SampleZone(
        "request_date",
        "請求日",
        "date",
        _row_box(0),
        {"required": True, "not_future": True},
        "",
    ),
    SampleZone(
        "applicant_name",
        "請求者の氏名",
        "name",
        _row_box(1, x1=1300),
        {"required": True},
        "requester_name.name",
    ),
    SampleZone(
        "applicant_kana", "フリガナ", "kana", _row_box(2), {"required": True}, "requester_name.kana"
    ),
    SampleZone(
        "birth_date",
        "生年月日",
        "date",
        _row_box(3),
        {"required": True, "not_future": True},
        "requester_birth_date",
    ),
    SampleZone(
        "postal_code",
        "郵便番号",
        "postal_code",
        _row_box(4),
        {"required": True},
        "requester_postal_code",
    ),
    SampleZone("address", "住所", "address", _row_box(5), {"required": True}, "requester_address"),
    SampleZone("phone", "電話番号", "phone", _row_box(6), {"required": True}, "requester_phone"),
    SampleZone(
        "target_name",
        "必要な方の氏名",
        "name",
        _row_box(7),
        {"required": True},
        "subject_name.name",
    ),
    SampleZone(
        "copies",
        "必要通数",
        "digits",
        _row_box(8, x1=900),
        {"required": True, "min": 1, "max": 20},
        "copies",
    ),
    SampleZone(
        "kind_all",
        "住民票の写し（世帯全員）",
        "checkbox",
        (LEFT + LABEL_W + 24, TOP + 9 * ROW_H + 30, 52, 52),
        None,
        "scope",
        "whole_household",
    ),
    SampleZone(
        "kind_part",
        "住民票の写し（一部）",
        "checkbox",
        (LEFT + LABEL_W + 24 + 540, TOP + 9 * ROW_H + 30, 52, 52),
        None,
        "scope",
        "some_members",
    ),
    SampleZone(
        "with_honseki",
        "本籍・筆頭者を記載",
        "checkbox",
        (LEFT + LABEL_W + 24, TOP + 10 * ROW_H + 30, 52, 52),
        None,
        "include",
        "honseki",
    ),
    SampleZone(
        "with_relation",
        "続柄を記載",
        "checkbox",
        (LEFT + LABEL_W + 24 + 540, TOP + 10 * ROW_H + 30, 52, 52),
        None,
        "include",
        "head_relationship",
    ),
    # The seal stands for the paper form's declaration (請求者の押印).
    SampleZone(
        "seal", "押印", "seal", (1318, TOP + ROW_H + 4, 200, ROW_H - 8), None, "declaration", True
    ),
)
TEXT_ZONES = tuple(zone for zone in ZONES if zone.type not in ("checkbox", "seal"))
MARK = 60  # registration mark size (px)


def font(key: str, size: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[key]
    return ImageFont.truetype(path, size, index=index)


def available_fonts() -> tuple[str, ...]:
    return tuple(key for key in PRINT_FONTS if Path(FONT_FILES[key][0]).exists())


def _frame(title_text: str, rows: tuple[str, ...], notice: str) -> Image.Image:
    """The frame every generated Gifu City form shares: registration marks, the title, the
    addressee, the ruled table of labelled rows and the footer (what makes two forms alike)."""
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for x, y in (
        (70, 70),
        (WIDTH - 70 - MARK, 70),
        (70, HEIGHT - 70 - MARK),
        (WIDTH - 70 - MARK, HEIGHT - 70 - MARK),
    ):
        draw.rectangle((x, y, x + MARK, y + MARK), fill=0)
    title = font("ipaex-mincho", 64)
    draw.text((WIDTH // 2, 220), title_text, font=title, fill=0, anchor="mm")
    small = font("ipaex-gothic", 30)
    draw.text((LEFT, 330), "岐阜市長　あて", font=small, fill=0)
    draw.text((RIGHT, 330), notice, font=small, fill=0, anchor="ra")
    draw.text((LEFT, 400), "太枠の中に、黒のボールペンで記入してください。", font=small, fill=0)
    label_font = font("ipaex-gothic", 32)
    bottom = TOP + len(rows) * ROW_H
    draw.rectangle((LEFT, TOP, RIGHT, bottom), outline=0, width=5)
    draw.line((LEFT + LABEL_W, TOP, LEFT + LABEL_W, bottom), fill=0, width=3)
    for index, label in enumerate(rows):
        y = TOP + index * ROW_H
        if index:
            draw.line((LEFT, y, RIGHT, y), fill=0, width=3)
        draw.rectangle((LEFT + 3, y + 3, LEFT + LABEL_W - 2, y + ROW_H - 2), fill=232)
        draw.text((LEFT + 24, y + ROW_H // 2), label, font=label_font, fill=0, anchor="lm")
    footer = font("ipaex-gothic", 26)
    draw.text(
        (LEFT, bottom + 60),
        "窓口で本人確認書類（マイナンバーカード、運転免許証など）を提示してください。",
        font=footer,
        fill=0,
    )
    draw.text((LEFT, bottom + 110), "※職員記入欄", font=footer, fill=0)
    draw.rectangle((LEFT, bottom + 150, RIGHT, bottom + 330), outline=0, width=2)
    return image


ROWS = (
    "請求日",
    "請求者の氏名",
    "フリガナ",
    "生年月日",
    "郵便番号",
    "住所",
    "電話番号",
    "必要な方の氏名",
    "必要通数",
    "証明の種類",
    "記載事項",
)


def blank_form() -> Image.Image:
    """The blank 住民票の写し等交付請求書 as a grayscale image (A4, 200 dpi)."""
    image = _frame(TEMPLATE_TITLE, ROWS, "様式第1号（第3条関係）")
    draw = ImageDraw.Draw(image)
    small = font("ipaex-gothic", 30)
    label_font = font("ipaex-gothic", 32)
    # The seal cell beside the applicant's name, with the 印 guide.
    seal_left = 1310
    y1 = TOP + ROW_H
    draw.line((seal_left, y1, seal_left, y1 + ROW_H), fill=0, width=3)
    draw.ellipse((seal_left + 70, y1 + 26, seal_left + 130, y1 + 86), outline=160, width=2)
    draw.text((seal_left + 100, y1 + 56), "印", font=small, fill=160, anchor="mm")
    draw.text((910, TOP + 8 * ROW_H + ROW_H // 2), "通", font=label_font, fill=0, anchor="lm")
    for zone in ZONES:
        if zone.type == "checkbox":
            x, y, w, h = zone.box
            draw.rectangle((x + 6, y + 6, x + w - 6, y + h - 6), outline=0, width=3)
            draw.text((x + w + 16, y + h // 2), zone.label, font=label_font, fill=0, anchor="lm")
    return image


SURNAMES = (
    "髙橋",
    "渡邉",
    "齋藤",
    "吉田",
    "山田",
    "佐藤",
    "鈴木",
    "伊藤",
    "加藤",
    "後藤",
    "長谷川",
    "林",
    "森",
    "清水",
    "野村",
    "小川",
)
SURNAME_KANA = {
    "髙橋": "タカハシ",
    "渡邉": "ワタナベ",
    "齋藤": "サイトウ",
    "吉田": "ヨシダ",
    "山田": "ヤマダ",
    "佐藤": "サトウ",
    "鈴木": "スズキ",
    "伊藤": "イトウ",
    "加藤": "カトウ",
    "後藤": "ゴトウ",
    "長谷川": "ハセガワ",
    "林": "ハヤシ",
    "森": "モリ",
    "清水": "シミズ",
    "野村": "ノムラ",
    "小川": "オガワ",
}
GIVEN = {
    "太郎": "タロウ",
    "花子": "ハナコ",
    "翔太": "ショウタ",
    "美咲": "ミサキ",
    "健一": "ケンイチ",
    "裕子": "ユウコ",
    "大輔": "ダイスケ",
    "由美": "ユミ",
    "誠": "マコト",
    "陽菜": "ヒナ",
}
ADDRESSES = (
    ("500-8701", "岐阜県岐阜市司町40番地1"),
    ("500-8076", "岐阜県岐阜市司町1番地"),
    ("502-0071", "岐阜県岐阜市長良福光2600番地"),
    ("500-8833", "岐阜県岐阜市神田町9丁目23番地"),
    ("501-1161", "岐阜県岐阜市西改田川向246番地"),
    ("500-8856", "岐阜県岐阜市橋本町1丁目10番地11"),
    ("501-3134", "岐阜県岐阜市芥見南山3丁目5番8号"),
    ("502-0858", "岐阜県岐阜市下土居1丁目2番3号"),
)


def sample_values(rng: random.Random) -> dict[str, str]:
    """A filled form's values (as printed, the truth for evaluation)."""
    surname = rng.choice(SURNAMES)
    given = rng.choice(list(GIVEN))
    postal, address = rng.choice(ADDRESSES)
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 65))
    requested = date(2024, 4, 1) + timedelta(days=rng.randrange(0, 700))
    other_given = rng.choice(list(GIVEN))
    checks = [rng.random() < 0.5 for _ in range(4)]
    if not (checks[0] or checks[1]):
        checks[0] = True
    phone = rng.choice(("058-{:03d}-{:04d}", "090-{:04d}-{:04d}", "080-{:04d}-{:04d}"))
    phone_text = phone.format(
        rng.randrange(200, 400) if phone.startswith("058") else rng.randrange(1000, 9999),
        rng.randrange(0, 10000),
    )
    return {
        "request_date": wareki_format(requested),
        "applicant_name": f"{surname}　{given}",
        "applicant_kana": f"{SURNAME_KANA[surname]}　{GIVEN[given]}",
        "birth_date": wareki_format(birth),
        "postal_code": postal,
        "address": address,
        "phone": phone_text,
        "target_name": f"{surname}　{other_given}",
        "copies": str(rng.randrange(1, 6)),
        "kind_all": "1" if checks[0] else "0",
        "kind_part": "1" if checks[1] else "0",
        "with_honseki": "1" if checks[2] else "0",
        "with_relation": "1" if checks[3] else "0",
        "seal": "1" if rng.random() < 0.6 else "0",
    }


def fill_form(
    values: dict[str, str],
    *,
    font_key: str = "ipaex-gothic",
    rng: random.Random | None = None,
    blank: Image.Image | None = None,
    zones: tuple[SampleZone, ...] = ZONES,
) -> Image.Image:
    """The blank form with ``values`` printed into their zones (grayscale)."""
    rng = rng or random.Random(0)
    image = blank if blank is not None else blank_form()
    draw = ImageDraw.Draw(image)
    for zone in zones:
        value = values.get(zone.name, "")
        x, y, w, h = zone.box
        if zone.type == "checkbox":
            if value == "1":
                # A ✓ drawn as a pen stroke, not exactly centred.
                dx, dy = rng.randint(-4, 4), rng.randint(-4, 4)
                points = [
                    (x + 12 + dx, y + 26 + dy),
                    (x + 22 + dx, y + 40 + dy),
                    (x + 44 + dx, y + 10 + dy),
                ]
                draw.line(points, fill=20, width=6, joint="curve")
            continue
        if zone.type == "seal":
            if value == "1":
                cx, cy = x + w // 2 + rng.randint(-8, 8), y + h // 2 + rng.randint(-4, 4)
                draw.ellipse((cx - 38, cy - 38, cx + 38, cy + 38), outline=90, width=5)
                surname = values.get("applicant_name", "").split("　")[0][:2] or "印"
                seal_font = font("ipaex-mincho", 26)
                for index, char in enumerate(surname):
                    draw.text(
                        (cx, cy - 14 + index * 28), char, font=seal_font, fill=90, anchor="mm"
                    )
            continue
        if not value:
            continue
        size = rng.randint(34, 42)
        typeface = font(font_key, size)
        draw.text(
            (x + rng.randint(14, 40), y + h // 2 + rng.randint(-5, 5)),
            value,
            font=typeface,
            fill=rng.randint(0, 40),
            anchor="lm",
        )
    return image


@dataclass(frozen=True)
class ScanOptions:
    angle: float = 0.0  # degrees, counter-clockwise
    shift: tuple[int, int] = (0, 0)  # pixels at the template's resolution
    dpi: int = 200
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 0.0  # standard deviation of added noise (0–255)
    jpeg_quality: int = 90
    upside_down: bool = False

    @classmethod
    def random(cls, rng: random.Random, *, max_angle: float = 3.0) -> ScanOptions:
        return cls(
            angle=rng.uniform(-max_angle, max_angle),
            shift=(rng.randint(-40, 40), rng.randint(-40, 40)),
            dpi=rng.choice((200, 240, 300)),
            blur=rng.uniform(0.0, 1.0),
            noise=rng.uniform(0.0, 8.0),
            jpeg_quality=rng.randint(55, 90),
        )


def scan_simulate(page: Image.Image, options: ScanOptions, *, seed: int = 0) -> bytes:
    """What an office scanner makes of ``page``: a JPEG at ``options.dpi``."""
    gray = np.asarray(page.convert("L"), dtype=np.uint8)
    scale = options.dpi / DPI
    height, width = gray.shape
    center = (width / 2, height / 2)
    matrix = cv2.getRotationMatrix2D(center, options.angle, scale)
    matrix[0, 2] += options.shift[0] * scale + (width * scale - width) / 2
    matrix[1, 2] += options.shift[1] * scale + (height * scale - height) / 2
    out_size = (round(width * scale), round(height * scale))
    scanned = cv2.warpAffine(gray, matrix, out_size, flags=cv2.INTER_LINEAR, borderValue=(250,))
    if options.blur > 0.05:
        scanned = cv2.GaussianBlur(scanned, (0, 0), options.blur)
    if options.noise > 0:
        generator = np.random.default_rng(seed)
        noisy = scanned.astype(np.float32) + generator.normal(0, options.noise, scanned.shape)
        scanned = np.clip(noisy, 0, 255).astype(np.uint8)
    if options.upside_down:
        scanned = cv2.rotate(scanned, cv2.ROTATE_180)
    image = Image.fromarray(scanned)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=options.jpeg_quality, dpi=(options.dpi, options.dpi))
    return buffer.getvalue()


def template_definition(*, image_name: str = "blank.png") -> dict[str, Any]:
    """The template as the import format (``ocr_template_import``) describes it."""
    return {
        "name": TEMPLATE_NAME,
        "title": TEMPLATE_TITLE,
        "image": image_name,
        "dpi": DPI,
        "zones": [
            {
                "name": zone.name,
                "label": zone.label,
                "type": zone.type,
                "box": list(zone.box),
                **({"validation": zone.validation} if zone.validation else {}),
                **(
                    {
                        "mapping": {
                            "procedure": PROCEDURE_SLUG,
                            "field": zone.procedure_field,
                            **(
                                {"value": zone.procedure_value}
                                if zone.procedure_value is not None
                                else {}
                            ),
                        }
                    }
                    if zone.procedure_field
                    else {}
                ),
            }
            for zone in ZONES
        ],
        # What the paper request does not ask: it is the requester's own (self), by post, and
        # its purpose is written on the form's margin (read by staff, not by OCR).
        "procedure_defaults": {
            "relation": "self",
            "delivery": "post",
            "purpose": "other",
            "purpose_other": "書面による請求（用途は申請書の余白に記載）",
        },
    }


def template_write(folder: Path) -> Path:
    """Write the blank image and the template JSON into ``folder``; return the JSON's path."""
    folder.mkdir(parents=True, exist_ok=True)
    blank_form().save(folder / "blank.png", optimize=True, dpi=(DPI, DPI))
    path = folder / "template.json"
    path.write_text(
        json.dumps(template_definition(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path


def sample_scan(
    seed: int, *, options: ScanOptions | None = None, font_key: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """One filled, scanned form and its truth, reproducible from ``seed``."""
    rng = random.Random(seed)
    values = sample_values(rng)
    fonts = available_fonts()
    chosen = font_key or fonts[seed % len(fonts)]
    page = fill_form(values, font_key=chosen, rng=rng)
    return scan_simulate(page, options or ScanOptions.random(rng), seed=seed), values


def evaluation_set_write(folder: Path, *, count: int, seed: int = 1) -> Path:
    """Write ``count`` scans and ``truth.jsonl`` (the ``ocr_eval`` format) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for index in range(count):
        data, values = sample_scan(seed + index)
        name = f"scan-{index + 1:04d}.jpg"
        (folder / name).write_bytes(data)
        lines.append(json.dumps({"image": name, "fields": values}, ensure_ascii=False))
    truth = folder / "truth.jsonl"
    truth.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return truth


# --- a second form and an unknown one: automatic template matching (docs/adr/0089) -----------
# The 印鑑登録証明書交付申請書 shares the frame of the 住民票 request (marks, addressee, ruled
# table, footer): telling the two apart is the hard case of matching, not a different layout.

INKAN_NAME = "inkan-request"
INKAN_TITLE = "印鑑登録証明書交付申請書"
INKAN_ROWS = ("申請日", "申請者の氏名", "フリガナ", "生年月日", "住所", "登録番号", "必要通数")
INKAN_ZONES: tuple[SampleZone, ...] = (
    SampleZone(
        "request_date", "申請日", "date", _row_box(0), {"required": True, "not_future": True}
    ),
    SampleZone("applicant_name", "申請者の氏名", "name", _row_box(1), {"required": True}),
    SampleZone("applicant_kana", "フリガナ", "kana", _row_box(2), {"required": True}),
    SampleZone(
        "birth_date", "生年月日", "date", _row_box(3), {"required": True, "not_future": True}
    ),
    SampleZone("address", "住所", "address", _row_box(4), {"required": True}),
    SampleZone("registration_number", "登録番号", "digits", _row_box(5), {"required": True}),
    SampleZone(
        "copies", "必要通数", "digits", _row_box(6, x1=900), {"required": True, "min": 1, "max": 20}
    ),
)
# A form no template is made for (the same frame again): it must not be read as either.
UNKNOWN_TITLE = "児童手当認定請求書"
UNKNOWN_ROWS = (
    "請求日",
    "請求者の氏名",
    "個人番号",
    "生年月日",
    "住所",
    "振込先口座",
    "児童の氏名",
    "児童の生年月日",
)


def inkan_blank_form() -> Image.Image:
    """The blank 印鑑登録証明書交付申請書 (A4, 200 dpi)."""
    image = _frame(INKAN_TITLE, INKAN_ROWS, "様式第5号（第12条関係）")
    draw = ImageDraw.Draw(image)
    draw.text(
        (910, TOP + 6 * ROW_H + ROW_H // 2),
        "通",
        font=font("ipaex-gothic", 32),
        fill=0,
        anchor="lm",
    )
    return image


def inkan_values(rng: random.Random) -> dict[str, str]:
    base = sample_values(rng)
    values = {zone.name: base.get(zone.name, "") for zone in INKAN_ZONES}
    values["registration_number"] = str(rng.randrange(100000, 1000000))
    return values


def inkan_template_definition(*, image_name: str = "inkan.png") -> dict[str, Any]:
    return {
        "name": INKAN_NAME,
        "title": INKAN_TITLE,
        "image": image_name,
        "dpi": DPI,
        "zones": [
            {
                "name": zone.name,
                "label": zone.label,
                "type": zone.type,
                "box": list(zone.box),
                **({"validation": zone.validation} if zone.validation else {}),
            }
            for zone in INKAN_ZONES
        ],
    }


def inkan_template_write(folder: Path) -> Path:
    """Write the second form's blank image and template JSON into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    inkan_blank_form().save(folder / "inkan.png", optimize=True, dpi=(DPI, DPI))
    path = folder / "inkan.json"
    path.write_text(
        json.dumps(inkan_template_definition(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return path


def inkan_sample_scan(
    seed: int, *, options: ScanOptions | None = None
) -> tuple[bytes, dict[str, str]]:
    """One filled, scanned 印鑑登録証明書交付申請書 and its truth, reproducible from ``seed``."""
    rng = random.Random(seed)
    values = inkan_values(rng)
    fonts = available_fonts()
    page = fill_form(
        values,
        font_key=fonts[seed % len(fonts)],
        rng=rng,
        blank=inkan_blank_form(),
        zones=INKAN_ZONES,
    )
    return scan_simulate(page, options or ScanOptions.random(rng), seed=seed), values


def unknown_form_scan(seed: int, *, options: ScanOptions | None = None) -> bytes:
    """A filled scan of a form that has no template (same frame, other title and rows)."""
    rng = random.Random(seed)
    page = _frame(UNKNOWN_TITLE, UNKNOWN_ROWS, "様式第2号（第4条関係）")
    draw = ImageDraw.Draw(page)
    values = sample_values(rng)
    for row, key in enumerate(("request_date", "applicant_name", "phone", "birth_date", "address")):
        draw.text(
            (LEFT + LABEL_W + 30, TOP + row * ROW_H + ROW_H // 2),
            values[key],
            font=font("ipaex-gothic", 38),
            fill=20,
            anchor="lm",
        )
    return scan_simulate(page, options or ScanOptions.random(rng), seed=seed)


def sibling_blank_form(index: int) -> Image.Image:
    """A blank form of the same frame with its own title and rows (many templates alike)."""
    rows = tuple(f"記入欄{index}-{row + 1}" for row in range(4 + index % 6))
    return _frame(f"岐阜市申請書（第{index + 10}号）", rows, f"様式第{index + 10}号")
