"""办件状态 — the life of a case as a pure transition table (CASE-4).

consulted → (supplement_requested ⇄ materials_received) → accepted → in_progress → (extended)
→ decided (approved / refused / forwarded) → delivered → closed; side exits returned,
transferred, withdrawn; suspended for a special procedure (CASE-12). The service layer stores
every transition with who and when; this module only says which ones are allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.rules.errors import N_, RuleViolation

# --- States -----------------------------------------------------------------------------
CONSULTED = "consulted"  # 咨询 (logged in the consultation register, 001 限时办结 三.1)
SUPPLEMENT_REQUESTED = "supplement_requested"  # 补正/补充材料 (one-time notice issued, NOTICE-1)
MATERIALS_RECEIVED = "materials_received"  # 材料已补齐 (to be checked again before acceptance)
ACCEPTED = "accepted"  # 已受理 (the clock starts, CASE-3)
IN_PROGRESS = "in_progress"  # 办理中
EXTENDED = "extended"  # 已延期 (延期办结, CASE-5; the new deadline is binding)
SUSPENDED = "suspended"  # 特别程序中止 (CASE-12: time not counted in the limit)
DECIDED_APPROVED = "decided_approved"  # 准予/批准 (许可决定)
DECIDED_REFUSED = "decided_refused"  # 不予许可
# 已上报: 上报件 are done locally once the initial review is forwarded to the higher
# authority within the promised limit (004 办件细则 一(三), ITEM-2), so forwarding is a decision.
DECIDED_FORWARDED = "decided_forwarded"
DELIVERED = "delivered"  # 已送达 (送达凭证 signed)
CLOSED = "closed"  # 办结归档 (read-only: annotations only)
RETURNED = "returned"  # 退回 (main material missing, written return notice with reason)
TRANSFERRED = "transferred"  # 转办 (not this center's: guided to the competent unit)
WITHDRAWN = "withdrawn"  # 撤回 (by the applicant)

STATES = (
    CONSULTED, SUPPLEMENT_REQUESTED, MATERIALS_RECEIVED, ACCEPTED, IN_PROGRESS, EXTENDED,
    SUSPENDED, DECIDED_APPROVED, DECIDED_REFUSED, DECIDED_FORWARDED, DELIVERED, CLOSED,
    RETURNED, TRANSFERRED, WITHDRAWN,
)

STATE_LABELS = {
    CONSULTED: N_("Consulted"),  # 咨询
    SUPPLEMENT_REQUESTED: N_("Supplement requested"),  # 补正/补充材料
    MATERIALS_RECEIVED: N_("Materials received"),  # 材料已补齐
    ACCEPTED: N_("Accepted"),  # 已受理
    IN_PROGRESS: N_("In progress"),  # 办理中
    EXTENDED: N_("Extended"),  # 已延期
    SUSPENDED: N_("Suspended (special procedure)"),  # 特别程序中止
    DECIDED_APPROVED: N_("Approved"),  # 准予许可
    DECIDED_REFUSED: N_("Refused"),  # 不予许可
    DECIDED_FORWARDED: N_("Forwarded to higher authority"),  # 已上报
    DELIVERED: N_("Delivered"),  # 已送达
    CLOSED: N_("Closed"),  # 办结归档
    RETURNED: N_("Returned"),  # 退回
    TRANSFERRED: N_("Transferred"),  # 转办
    WITHDRAWN: N_("Withdrawn"),  # 撤回
}

_PRE_ACCEPTANCE = frozenset({CONSULTED, SUPPLEMENT_REQUESTED, MATERIALS_RECEIVED})
_HANDLING = frozenset({ACCEPTED, IN_PROGRESS, EXTENDED, SUSPENDED})
_CAN_DECIDE = frozenset({ACCEPTED, IN_PROGRESS, EXTENDED})  # 即办件 decide straight from accepted

# --- Actions ----------------------------------------------------------------------------
REQUEST_SUPPLEMENT = "request_supplement"  # 一次性告知补正
RECEIVE_MATERIALS = "receive_materials"  # 收取补正材料
ACCEPT = "accept"  # 受理
START = "start"  # 开始办理
EXTEND = "extend"  # 延期办结
SUSPEND = "suspend"  # 特别程序中止
RESUME = "resume"  # 恢复办理
APPROVE = "approve"  # 准予许可
REFUSE = "refuse"  # 不予许可
FORWARD = "forward"  # 上报
DELIVER = "deliver"  # 送达
CLOSE = "close"  # 办结归档
RETURN_CASE = "return_case"  # 退回
TRANSFER = "transfer"  # 转办
WITHDRAW = "withdraw"  # 撤回

# The order buttons are shown in: the way forward first, then the side exits.
ACTIONS = (
    REQUEST_SUPPLEMENT, RECEIVE_MATERIALS, ACCEPT, START, EXTEND, SUSPEND, RESUME, APPROVE,
    REFUSE, FORWARD, DELIVER, CLOSE, RETURN_CASE, TRANSFER, WITHDRAW,
)

# CASE-4: every transition is stored with who, when and a note. These actions record a text
# of their own (the extension or return reason, the collector…); every other one takes the
# clerk's free note, in the page and in the API alike.
ACTIONS_WITH_OWN_TEXT = frozenset({DELIVER, EXTEND, SUSPEND, RETURN_CASE, TRANSFER})

ACTION_LABELS = {
    REQUEST_SUPPLEMENT: N_("Request supplement"),  # 一次性告知补正
    RECEIVE_MATERIALS: N_("Receive materials"),  # 收取补正材料
    ACCEPT: N_("Accept"),  # 受理
    START: N_("Start handling"),  # 开始办理
    EXTEND: N_("Extend"),  # 延期办结
    SUSPEND: N_("Suspend for special procedure"),  # 特别程序中止
    RESUME: N_("Resume"),  # 恢复办理
    APPROVE: N_("Approve"),  # 准予许可
    REFUSE: N_("Refuse"),  # 不予许可
    FORWARD: N_("Forward to higher authority"),  # 上报
    DELIVER: N_("Deliver"),  # 送达
    CLOSE: N_("Close"),  # 办结归档
    RETURN_CASE: N_("Return"),  # 退回
    TRANSFER: N_("Transfer"),  # 转办
    WITHDRAW: N_("Withdraw"),  # 撤回
}


@dataclass(frozen=True)
class Transition:
    """One action: the states it may start from and the state it leads to.

    `target_if_extended` is set only for `resume`: a suspension (CASE-12) returns the case
    to where it was, and after an extension (CASE-5) that is `extended`, not `in_progress`.
    """

    action: str
    sources: frozenset[str]
    target: str
    target_if_extended: str | None = None


def _t(action, sources, target, target_if_extended=None):
    return Transition(action, frozenset(sources), target, target_if_extended)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    _t(REQUEST_SUPPLEMENT, {CONSULTED, MATERIALS_RECEIVED}, SUPPLEMENT_REQUESTED),
    _t(RECEIVE_MATERIALS, {SUPPLEMENT_REQUESTED}, MATERIALS_RECEIVED),
    _t(ACCEPT, {CONSULTED, MATERIALS_RECEIVED}, ACCEPTED),
    _t(START, {ACCEPTED}, IN_PROGRESS),
    _t(EXTEND, {IN_PROGRESS}, EXTENDED),
    # Special procedures happen while the case is being handled (行政许可法 第四十五条).
    _t(SUSPEND, {IN_PROGRESS, EXTENDED}, SUSPENDED),
    _t(RESUME, {SUSPENDED}, IN_PROGRESS, target_if_extended=EXTENDED),
    _t(APPROVE, _CAN_DECIDE, DECIDED_APPROVED),
    _t(REFUSE, _CAN_DECIDE, DECIDED_REFUSED),
    # Forwarding needs the initial review (初审) done, so the case must have been started.
    _t(FORWARD, {IN_PROGRESS, EXTENDED}, DECIDED_FORWARDED),
    # 送达 of a 上报件 is the window handing over the higher authority's reply (004: 一包到底).
    _t(DELIVER, {DECIDED_APPROVED, DECIDED_REFUSED, DECIDED_FORWARDED}, DELIVERED),
    # Approvals and refusals close only once delivered (送达凭证, 004 办件细则); a forwarded
    # case is already done locally (004 一(三)); side exits are simply archived.
    _t(CLOSE, {CONSULTED, DELIVERED, DECIDED_FORWARDED, RETURNED, TRANSFERRED, WITHDRAWN},
       CLOSED),
    _t(RETURN_CASE, _PRE_ACCEPTANCE, RETURNED),
    _t(TRANSFER, _PRE_ACCEPTANCE, TRANSFERRED),
    # A consultation has nothing to withdraw; after a decision the applicant can no longer
    # withdraw (the decision is delivered instead).
    _t(WITHDRAW, (_PRE_ACCEPTANCE - {CONSULTED}) | _HANDLING, WITHDRAWN),
)}


def _check_state(state: str, action: str | None = None) -> None:
    if state not in STATE_LABELS:
        raise RuleViolation("CASE-4", N_("Unknown case state %(state)s."), state=state,
                            action=action)


def allowed_actions(state: str, *, extended: bool = False) -> list[str]:
    """CASE-4: the actions allowed in `state`, in button order (none once closed).

    `extended` says the case was already extended once: `extend` is then not offered (CASE-5).
    """
    _check_state(state)
    return [a for a in ACTIONS
            if state in TRANSITIONS[a].sources and not (a == EXTEND and extended)]


def next_state(state: str, action: str, *, extended: bool = False) -> str:
    """CASE-4: the state `action` leads to from `state`, or RuleViolation if not allowed.

    `extended` (the case was extended before) decides where `resume` returns to (CASE-12)
    and forbids a second extension (CASE-5: at most once).
    """
    _check_state(state, action)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise RuleViolation("CASE-4", N_("Unknown case action %(action)s."), state=state,
                            action=action)
    if state not in transition.sources:
        raise RuleViolation("CASE-4", N_("Action %(action)s is not allowed in state %(state)s."),
                            state=state, action=action)
    if action == EXTEND and extended:
        raise RuleViolation("CASE-5", N_("A case can be extended only once."), state=state,
                            action=action)
    if extended and transition.target_if_extended:
        return transition.target_if_extended
    return transition.target


def is_open(state: str) -> bool:
    """Still waiting for the window: intake not finished, or accepted and not yet decided."""
    return state in _PRE_ACCEPTANCE or state in _HANDLING


def clock_running(state: str) -> bool:
    """CASE-3/CASE-12: the limit runs from acceptance until the decision, except while
    suspended for a special procedure; time waiting for materials is before acceptance."""
    return state in _CAN_DECIDE


def is_editable(state: str) -> bool:
    """CASE-4: a closed case cannot be edited, only annotated."""
    return state in STATE_LABELS and state != CLOSED


# --- Intake classes (CASE-2, 001 限时办结 三) ---------------------------------------------
CLASS_CONSULTATION = "consultation"  # 咨询件
CLASS_SUPPLEMENT = "supplement"  # 补充件
CLASS_RETURNED = "returned"  # 退回件
CLASS_ACCEPTED = "accepted"  # 受理件 (即办/承诺/上报 by the item's kind, ITEM-2)
CLASS_TRANSFERRED = "transferred"  # 转办件
CLASS_JOINT = "joint"  # 联办件 (CASE-7: the lead window accepts, sub-tasks follow)

INTAKE_CLASSES = (CLASS_CONSULTATION, CLASS_SUPPLEMENT, CLASS_RETURNED, CLASS_ACCEPTED,
                  CLASS_TRANSFERRED, CLASS_JOINT)

# "… case", not the bare word: "Accepted", "Returned", "Transferred" are also states, and
# one msgid has one translation (受理件 is a class, 已受理 a state).
INTAKE_CLASS_LABELS = {
    CLASS_CONSULTATION: N_("Consultation case"),  # 咨询件
    CLASS_SUPPLEMENT: N_("Supplement case"),  # 补充件
    CLASS_RETURNED: N_("Returned case"),  # 退回件
    CLASS_ACCEPTED: N_("Accepted case"),  # 受理件
    CLASS_TRANSFERRED: N_("Transferred case"),  # 转办件
    CLASS_JOINT: N_("Joint case"),  # 联办件
}

_INITIAL_STATE = {
    CLASS_CONSULTATION: CONSULTED,
    CLASS_SUPPLEMENT: SUPPLEMENT_REQUESTED,
    CLASS_RETURNED: RETURNED,
    CLASS_ACCEPTED: ACCEPTED,
    CLASS_TRANSFERRED: TRANSFERRED,
    CLASS_JOINT: ACCEPTED,
}


def initial_state_for_class(case_class: str) -> str:
    """CASE-2: the first state of a case registered at intake as `case_class`."""
    try:
        return _INITIAL_STATE[case_class]
    except KeyError:
        raise RuleViolation("CASE-2", N_("Unknown case class %(case_class)s."),
                            field="case_class", case_class=case_class) from None


# --- Stages of the case page (issue #19) -------------------------------------------------
# CASE-4 read as the four steps an applicant knows — 受理 → 办理 → 办结 → 送达 — then 归档.
STAGE_ACCEPT, STAGE_HANDLE, STAGE_DECIDE, STAGE_DELIVER, STAGE_CLOSE = range(5)
STAGE_LABELS = (
    N_("Acceptance stage"),  # 受理
    N_("Handling stage"),  # 办理
    N_("Decision stage"),  # 办结
    N_("Delivery stage"),  # 送达
    N_("Archive stage"),  # 归档
)
_STAGE_OF_STATE = {
    **{s: STAGE_ACCEPT for s in _PRE_ACCEPTANCE},
    **{s: STAGE_HANDLE for s in _HANDLING},
    DECIDED_APPROVED: STAGE_DECIDE, DECIDED_REFUSED: STAGE_DECIDE,
    DECIDED_FORWARDED: STAGE_DECIDE, DELIVERED: STAGE_DELIVER,
}
# The side exits (CASE-2/4): the case leaves the way at the stage it had reached.
SIDE_EXITS = frozenset({RETURNED, TRANSFERRED, WITHDRAWN})


@dataclass(frozen=True)
class Stage:
    """Where a case stands on 受理 → 办理 → 办结 → 送达 → 归档: the current step's index and,
    for a case that left the way (returned, transferred, withdrawn, or closed after one of
    those), True in `left_the_way` — the page then ends the steps at `index` with the state."""

    index: int
    left_the_way: bool = False


def case_stage(state: str, *, accepted: bool, decided: bool, delivered: bool) -> Stage:
    """CASE-4: the stage of a case in `state`; `accepted`, `decided` and `delivered` (the
    stored acceptance, decision and delivery times) tell where a closed or withdrawn case
    had got to."""
    _check_state(state)
    if state in _STAGE_OF_STATE:
        return Stage(_STAGE_OF_STATE[state])
    reached = STAGE_HANDLE if accepted else STAGE_ACCEPT
    if state == CLOSED and (decided or delivered):
        return Stage(STAGE_CLOSE)
    return Stage(reached, left_the_way=True)


# The actions that go forward on the way; the others (extend, suspend, return, transfer,
# withdraw) step aside and are offered after them, less prominently.
SIDE_ACTIONS = frozenset({EXTEND, SUSPEND, RETURN_CASE, TRANSFER, WITHDRAW})


def split_actions(actions: list[str]) -> tuple[list[str], list[str]]:
    """CASE-4: `actions` (as `allowed_actions` gives them) as (forward, aside), order kept."""
    return ([a for a in actions if a not in SIDE_ACTIONS], [a for a in actions if a in SIDE_ACTIONS])
