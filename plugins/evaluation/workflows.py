"""The complaint workflow and catalog entry (DB1302 5.4.2).

receive → verify → rectify (with a deadline when the complaint was substantiated) → respond → the
complainant's verdict, or a recorded explanation → close. A verdict "not accepted" goes to the
review (复核) by the evaluation committee (DB1302 7.1) and only there: the verdict's reaction
refuses any other branch (steps.verdict), hands the case to a reviewer who did not handle it and
tells them (review.py); the review then goes to closing. The published limit is the sum of the
steps' limits, so it covers the longest path (through the review).
"""
from __future__ import annotations

from rongtong.core.plugin import ADVANCE, PAUSE, REJECT, RETURN, ServiceEntry, Step, Workflow

from . import schemas

COMPLAINT = "complaint"

COMPLAINT_WORKFLOW = Workflow(
    COMPLAINT, "投诉处理", "Complaint handling", version=1, withdrawable=True,
    intake_schema=schemas.ComplaintIntakeSchema,
    description="DB1302 5.4.2",
    steps=(
        Step("receive", "受理投诉", "Receive", roles=("staff",), schema=schemas.ReceiveSchema, time_limit_days=1,
             outcomes=(ADVANCE, REJECT), example={"note": "已登记，转服务监督岗核实"}),
        Step("verify", "核实", "Verify", roles=("staff",), schema=schemas.VerifySchema, time_limit_days=3,
             example={"substantiated": True, "findings": "经核实，办理超时 2 个工作日"}),
        Step("rectify", "整改", "Rectify", roles=("staff",), schema=schemas.RectifySchema, time_limit_days=10,
             outcomes=(ADVANCE, RETURN, PAUSE), example={"measures": "调整受理岗位人员并加强时限提醒", "deadline": "2030-06-30"}),
        Step("respond", "答复", "Respond", roles=("staff",), schema=schemas.RespondSchema, time_limit_days=2,
             outcomes=(ADVANCE, RETURN), example={"response": "已完成整改，感谢监督"}),
        Step("verdict", "投诉人评价", "Complainant's verdict", roles=("enterprise", "staff"),
             schema=schemas.VerdictSchema, time_limit_days=5, outcomes=(ADVANCE,), next_steps=("close", "appeal"),
             example={"verdict": "accepted", "explanation": ""},
             branch_examples={"appeal": {"verdict": "not_accepted", "explanation": ""}}),
        # DB1302 5.4.2, 7.1: the review is an evaluator's of the evaluation committee, handed the
        # case on entry (review.py); as an evaluator it acts only on the cases assigned to it.
        Step("appeal", "评价委员会复核", "Review by the evaluation committee", roles=("evaluator",),
             schema=schemas.AppealSchema, time_limit_days=10, outcomes=(ADVANCE,), next_steps=("close",),
             example={"decision": "维持原处理意见", "upheld": False}),
        Step("close", "办结", "Close", roles=("staff",), schema=schemas.CloseSchema, time_limit_days=1,
             outcomes=(ADVANCE,), example={"summary": "投诉已办结"}),
    ),
)

COMPLAINT_SERVICE = ServiceEntry(
    COMPLAINT, "投诉受理", "Complaints", workflow=COMPLAINT, fee_type="free",
    description="对平台服务的投诉：受理、核实、整改、答复、评价、办结（DB1302 5.4.2）",
    description_en="Complaints about the platform's services: receive, verify, rectify, respond, verdict, close "
                   "(DB1302 5.4.2)",
    category="supervision",
)
