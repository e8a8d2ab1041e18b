"""What each step of the workflow writes into the request's case. The case is created when the
request is filed; each handler runs when its step is advanced (the last one: completed), inside the
transition's transaction -- raise ``ValidationFailed`` to refuse the step."""
from rongtong.core.plugin import StepRecord

from .models import Case
from .workflows import KEY

CASE = StepRecord(Case, workflow=KEY, create=lambda request: {"subject": request.title})


@CASE.on("accept")
def accept(case, data, event):
    case.need = data["need"]


@CASE.on("advise")
def advise(case, data, event):
    case.advice = data["advice"]


@CASE.on("confirm")
def confirm(case, data, event):
    case.satisfied = data["satisfied"]
