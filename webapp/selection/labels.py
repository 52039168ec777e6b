"""Words for the states of jobs, members and calls, in the page's language."""

from __future__ import annotations

from webapp.i18n import lazy_gettext as _l
from webapp.models import CallOutcome, JobKind, JobStatus, MemberStatus

JOB_LABELS = {
    JobStatus.QUEUED: _l("Waiting for the worker"),
    JobStatus.RUNNING: _l("Running"),
    JobStatus.DONE: _l("Done"),
    JobStatus.FAILED: _l("Failed"),
    JobStatus.CANCELLED: _l("Cancelled"),
}
KIND_LABELS = {
    JobKind.SELECTION: _l("The selection of the members"),
    JobKind.REPLACEMENT: _l("The replacement draw"),
}
STATUS_LABELS = {
    MemberStatus.SELECTED: _l("Selected, not yet confirmed"),
    MemberStatus.CONFIRMED: _l("Confirmed"),
    MemberStatus.DECLINED: _l("Declined"),
    MemberStatus.WITHDRAWN: _l("Withdrawn"),
    MemberStatus.ALTERNATE: _l("Alternate"),
}
CALL_LABELS = {
    CallOutcome.CONFIRMED: _l("Confirmed: will serve"),
    CallOutcome.DECLINED: _l("Declined: will not serve"),
    CallOutcome.NO_ANSWER: _l("No answer"),
    CallOutcome.CALL_BACK: _l("Call back later"),
    CallOutcome.WRONG_NUMBER: _l("Wrong number"),
}


def labels() -> dict[str, object]:
    return {
        "job_labels": JOB_LABELS,
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "call_labels": CALL_LABELS,
    }
