"""Full-page OCR (OCRmyPDF + Tesseract jpn): seconds per page and character accuracy.

    .venv/bin/python bench/ocr_searchable_pdf.py [--pages 4]

Each page is an image-only A4 PDF at 200 dpi (what a scanner writes) with 14 lines of
Japanese municipal text (kanji, kana, digits, full-width punctuation) in IPAex Gothic or
Mincho. ``service.searchable_pdf`` adds the text layer; the text is read back with pdfium
and compared with what was printed (whitespace removed; character accuracy = 1 − edit
distance ÷ length). Configurations: ``jpn`` with one OCR process, with two, and
``jpn+jpn_vert``.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ukai.config.settings.test")

import django

django.setup()

from django.test import override_settings  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from harness import Result, print_results, write_json  # noqa: E402
from ukai.ocr import samples  # noqa: E402
from ukai.ocr.evaluation import edit_distance  # noqa: E402
from ukai.ocr.fullpage import pdf_text, searchable_pdf  # noqa: E402

TEXT = (
    "岐阜市役所市民課からのお知らせ",
    "住民票の写しの交付請求は郵送でも受け付けています。",
    "請求書に必要事項を記入し、本人確認書類の写しを同封してください。",
    "手数料は一通につき三百円です。定額小為替でお支払いください。",
    "返信用封筒には切手を貼り、宛先を記入してください。",
    "令和6年4月1日から受付時間を変更しました。",
    "平日の午前8時45分から午後5時30分までです。",
    "お問い合わせは電話058-265-4141までお願いします。",
    "〒500-8701岐阜県岐阜市司町40番地1",
    "マイナンバーカードをお持ちの方は、コンビニでも取得できます。",
    "戸籍証明書は本籍地の市区町村で請求してください。",
    "代理人が請求する場合は委任状が必要です。",
    "個人情報は請求の目的以外には使用しません。",
    "岐阜市長柴橋正直",
)


def scanned_pdf(pages: int) -> bytes:
    images = []
    for number in range(pages):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        font = samples.font("ipaex-gothic" if number % 2 == 0 else "ipaex-mincho", 44)
        for index, line in enumerate(TEXT):
            draw.text((140, 180 + index * 120), line, font=font, fill=0)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, format="PDF", resolution=200, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def measure(name: str, data: bytes, pages: int, *, languages: list[str], jobs: int) -> Result:
    with override_settings(UKAI_OCR_PDF_LANGUAGES=languages):
        started = time.perf_counter()
        result = searchable_pdf(data, jobs=jobs)
        seconds = time.perf_counter() - started
    truth = plain("".join(TEXT))
    errors = 0
    for text in pdf_text(result):
        errors += edit_distance(plain(text), truth)
    accuracy = 1 - errors / (len(truth) * pages)
    return Result(
        name=name,
        params={"pages": pages, "languages": "+".join(languages), "jobs": jobs},
        figures={
            "s_per_page": round(seconds / pages, 2),
            "pages_per_hour": round(3600 * pages / seconds),
            "character_accuracy_pct": round(100 * accuracy, 2),
            "total_s": round(seconds, 1),
        },
        unit="s/page",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=4)
    args = parser.parse_args()
    data = scanned_pdf(args.pages)
    results = [
        measure("searchable_pdf_jpn_1job", data, args.pages, languages=["jpn"], jobs=1),
        measure("searchable_pdf_jpn_2jobs", data, args.pages, languages=["jpn"], jobs=2),
        measure(
            "searchable_pdf_jpn_vert_1job", data, args.pages, languages=["jpn", "jpn_vert"], jobs=1
        ),
    ]
    print_results(
        results,
        title="full-page OCR (OCRmyPDF + Tesseract)",
        figures=["s_per_page", "pages_per_hour", "character_accuracy_pct", "total_s"],
    )
    path = write_json(results, "ocr_searchable_pdf", extra={"pages": args.pages})
    print(f"written to {path}")


if __name__ == "__main__":
    main()
