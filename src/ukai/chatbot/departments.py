"""Names of the departments (課) that own FAQ entries.

Entries store the core department code as a plain string; where the core has no
such department (the demo set holds only some 課), these names are shown.
"""

from __future__ import annotations

DEPARTMENT_NAMES: dict[str, str] = {
    "shimin": "市民課",
    "shiminzei": "市民税課",
    "shisanzei": "資産税課",
    "nozei": "納税課",
    "kokuho-nenkin": "国保・年金課",
    "kodomo-shien": "子ども支援課",
    "kodomo-hoiku": "子ども保育課",
    "gakko": "教育委員会 学校安全支援課",
    "shogai-fukushi": "障がい福祉課",
    "seikatsu-fukushi": "生活福祉課",
    "kaigo-hoken": "介護保険課",
    "kenko": "保健所 健康増進課",
    "kankyo-jigyo": "環境事業課",
    "kankyo-hozen": "環境保全課",
    "suido": "上下水道事業部 営業課",
    "doro": "道路維持課",
    "kotsu": "交通総合政策課",
    "jutaku": "住宅課",
    "bosai-seisaku": "防災政策課",
    "kanko": "観光コンベンション課",
    "bunka": "文化芸術課",
    "shisetsu": "市民協働推進課",
    "sangyo": "産業雇用課",
    "senkyo": "選挙管理委員会事務局",
    "kokusai": "国際課",
    "koho-kocho": "広報広聴課",
}


def department_name(code: str) -> str:
    """The display name of a department code (the code itself when unknown)."""
    return DEPARTMENT_NAMES.get(code, code)
