"""The queue's errors, each with a stable code and a Japanese and an English message."""

from __future__ import annotations

from ukai.core.errors import UkaiError


def ticket_not_found(ticket_id: object) -> UkaiError:
    return UkaiError(
        code="ticket_not_found",
        message_ja=f"受付番号（ID {ticket_id}）が見つかりません。",
        message_en=f"Ticket {ticket_id} was not found.",
        status=404,
    )


def desk_not_found(desk_id: object) -> UkaiError:
    return UkaiError(
        code="desk_not_found",
        message_ja=f"窓口（ID {desk_id}）が見つかりません。",
        message_en=f"Desk {desk_id} was not found.",
        status=404,
    )


def desk_inactive(label: str) -> UkaiError:
    return UkaiError(
        code="desk_inactive",
        message_ja=f"「{label}」は現在使われていない窓口のため、呼び出しや受付はできません。",
        message_en=f"The desk “{label}” is not in use; it cannot call or serve tickets.",
        status=409,
    )


def desk_busy(label: str, number: str) -> UkaiError:
    return UkaiError(
        code="desk_busy",
        message_ja=(
            f"「{label}」では {number} 番の方を呼出中または対応中です。"
            "先に「終了」または「不在」を押してください。"
        ),
        message_en=(
            f"The desk “{label}” is still calling or serving ticket {number}. "
            "Press “End” or “Absent” first."
        ),
        status=409,
    )


def no_desk_for_department(department_code: str) -> UkaiError:
    return UkaiError(
        code="no_desk_for_department",
        message_ja=f"所属コード「{department_code}」には使用中の窓口がありません。",
        message_en=f"No desk is in use for the department “{department_code}”.",
        status=422,
        field="department_code",
    )


def wrong_department(number: str, label: str) -> UkaiError:
    return UkaiError(
        code="wrong_department",
        message_ja=f"{number} 番は「{label}」の担当課の順番待ちではありません。",
        message_en=f"Ticket {number} is not waiting for the department of “{label}”.",
        status=409,
    )


def same_department(number: str) -> UkaiError:
    return UkaiError(
        code="same_department",
        message_ja=f"{number} 番はすでにこの担当課の窓口にいます。別の担当課を選んでください。",
        message_en=f"Ticket {number} is already with this department; choose another one.",
        status=422,
        field="department_code",
    )


# What each action needs, for the message when the ticket is in another state.
_ACTIONS = {
    "recall": ("呼出し直し", "recall", "呼出中か不在", "called or absent"),
    "start": ("受付開始", "start service for", "お待ちか呼出中", "waiting or called"),
    "end": ("終了", "end service for", "対応中", "being served"),
    "absent": ("不在", "mark as absent", "呼出中", "called"),
    "route": ("他の窓口へ案内", "route", "呼出中・対応中・終了", "called, being served or done"),
    "cancel": ("取消", "cancel", "お待ち・呼出中・不在", "waiting, called or absent"),
}


def invalid_transition(*, number: str, action: str, status_ja: str, status_en: str) -> UkaiError:
    action_ja, action_en, needs_ja, needs_en = _ACTIONS[action]
    return UkaiError(
        code="invalid_transition",
        message_ja=(
            f"{number} 番は「{status_ja}」のため「{action_ja}」はできません"
            f"（{needs_ja}の番号だけが対象です）。"
        ),
        message_en=(
            f"Cannot {action_en} ticket {number}: it is {status_en} "
            f"(only tickets {needs_en} can be)."
        ),
        status=409,
        extra={"action": action},
    )


def ticket_changed(number: str) -> UkaiError:
    return UkaiError(
        code="ticket_changed",
        message_ja=f"{number} 番は別の職員が先に操作しました。画面を更新して確認してください。",
        message_en=f"Another member of staff changed ticket {number} first. Reload and check.",
        status=409,
    )


def queue_busy() -> UkaiError:
    return UkaiError(
        code="queue_busy",
        message_ja="他の窓口の呼び出しと重なりました。もう一度「次の方を呼ぶ」を押してください。",
        message_en="Other desks were calling at the same moment. Press “Call the next person” again.",
        status=409,
    )


def invalid_text(field: str, label_ja: str, label_en: str, max_length: int) -> UkaiError:
    return UkaiError(
        code="invalid_text",
        message_ja=f"{label_ja}は1〜{max_length}文字で、制御文字を含めずに入力してください。",
        message_en=f"{label_en} must be 1 to {max_length} characters without control characters.",
        status=422,
        field=field,
    )
