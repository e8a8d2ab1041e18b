"""Ranked matching with reasons (core.toolkit.matching): DB1302 4.4.3, 6.4.4.1 a, 6.4.4.2 d, 6.4.2 b."""
import dataclasses

import pytest

from rongtong.core.toolkit.matching import Criterion, Verdict, flag, overlap, rank, scaled, within


@dataclasses.dataclass
class Inv:
    id: int
    name: str
    industries: list
    low: float | None
    high: float | None
    region: str = ""

    def get_id(self):
        return self.id

    def __str__(self):
        return self.name


def criteria(industry="manufacturing", amount=500, region="石家庄"):
    return [
        overlap("industry", 40, "Industry", wanted=[industry], values_of=lambda c: c.industries),
        within("ticket", 30, "Ticket size", value=amount, bounds_of=lambda c: (c.low, c.high)),
        flag("region", 30, "Region", test=lambda c: c.region == region, yes="same region", no="other region"),
    ]


def test_best_candidate_first_each_with_its_reasons():
    a = Inv(1, "A", ["software"], 100, 1000, "石家庄")
    b = Inv(2, "B", ["manufacturing", "energy"], 100, 1000, "石家庄")
    c = Inv(3, "C", ["manufacturing"], 1000, 5000, "保定")
    ranked = rank([a, b, c], criteria())
    assert [m.candidate.name for m in ranked] == ["B", "A", "C"]
    cand, score, reasons = ranked[0]
    assert cand is b and score == 100
    assert [r.criterion for r in reasons] == ["industry", "ticket", "region"]
    assert "manufacturing" in reasons[0].text and "500" in reasons[1].text
    # every point is explained: the score is the sum of the reasons' points
    for m in ranked:
        assert m.score == pytest.approx(sum(r.points for r in m.reasons))
        assert all(r.text.strip() for r in m.reasons)
    # A misses the industry and says why
    a_industry = ranked[1].reasons[0]
    assert a_industry.points == 0 and "software" in a_industry.text


def test_required_criterion_filters_and_order_does_not_depend_on_input_order():
    cands = [Inv(i, f"I{i}", ["manufacturing"], None, None) for i in (5, 3, 4)] + [Inv(9, "X", ["retail"], 1, 2)]
    crit = [overlap("industry", 10, "Industry", wanted=["manufacturing"], values_of=lambda c: c.industries,
                    required=True, any_means_all=False)]
    one = [m.candidate.id for m in rank(cands, crit)]
    two = [m.candidate.id for m in rank(list(reversed(cands)), crit)]
    assert one == two == [3, 4, 5]  # the retail one is filtered out; ties by id


def test_ticket_size_falls_off_with_distance_and_open_ranges_get_half():
    near = Inv(1, "near", [], 600, 1000)  # 500 is 1/6 below the floor
    far = Inv(2, "far", [], 5000, 9000)
    open_ = Inv(3, "open", [], None, None)
    crit = [within("ticket", 30, "Ticket", value=500, bounds_of=lambda c: (c.low, c.high))]
    scores = {m.candidate.name: m.score for m in rank([near, far, open_], crit)}
    assert scores["far"] == 0 and 0 < scores["near"] < 30 and scores["open"] == 15


def test_min_score_and_limit():
    cands = [Inv(i, str(i), ["manufacturing"] if i % 2 else [], 0, 10) for i in range(1, 7)]
    ranked = rank(cands, criteria(amount=5, region="nowhere"), min_score=60, limit=2)
    assert [m.candidate.id for m in ranked] == [1, 3]


def test_no_unexplained_scores_are_possible():
    with pytest.raises(ValueError):
        Verdict(1.0, "")
    with pytest.raises(ValueError):
        Verdict(1.5, "too much")
    with pytest.raises(ValueError):
        rank([1], [])
    bad = Criterion("x", 10, lambda c: Verdict(1.0, " "))
    with pytest.raises(ValueError):
        rank([1], [bad])


def test_scaled_criterion_and_as_dict():
    load = scaled("load", 20, "Load", measure=lambda c: (1 - c.id / 10, f"{c.id} jobs running"))
    m = rank([Inv(2, "two", [], 0, 1)], [load])[0]
    d = m.as_dict()
    assert d["candidate"] == {"id": 2, "name": "two"}
    assert d["score"] == 16.0
    assert d["reasons"] == [{"criterion": "load", "title": "Load", "points": 16.0, "max_points": 20.0,
                             "text": "2 jobs running"}]
