"""Network measures by hand on the foster-care fixture, and the edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ecomap.measures import child_measures
from ecomap.model import EcomapDocument

MakeDoc = Callable[..., EcomapDocument]

T = date(2024, 12, 31)


def test_foster_care_network_by_hand(mia: EcomapDocument) -> None:
    n = child_measures(mia, T)["network"]
    # Active on 2024-12-31: gran and mum (started unknown), begum (carer, from 2024-02-12),
    # lind (social worker, from 2024-06-01), osei (teacher, from 2024-02-26), zoe (friend,
    # from 2024-04-15). harris, kai, patel ended 2024-02-12 and okafor 2024-06-01.
    assert n["size"] == 6
    assert n["by_category"] == {
        "family": 2,
        "carer": 1,
        "friend": 1,
        "community": 0,
        "volunteer": 0,
        "professional": 2,
    }
    # trusted by the combined view: gran and begum (child's later same-day answer), zoe
    # too but she is a friend (adult false) -> 2 adults; gran is unpaid, begum a paid carer
    assert (n["trusted_adults"], n["unpaid_trusted_adults"]) == (2, 1)
    assert (n["has_trusted_adult"], n["single_point_of_failure"]) == (True, False)
    # paid: begum, lind, osei -> 3 / 6
    assert n["paid_share"] == 0.5
    # emotional >= 2: gran 3, begum 3, zoe 3, osei 2; practical: gran 2, begum 3, osei 2;
    # informational: gran 2, begum 2, osei 3 (lind's child view and mum have no support)
    assert n["support_providers"] == {"emotional": 4, "practical": 3, "informational": 3}
    assert n["support_gaps"] == []
    # direction given on gran both, mum from_child, begum both, zoe both, osei to_child -> 3/5
    assert n["reciprocity"] == 0.6
    # critical given on gran 1, mum 2, begum 1, zoe 1 -> none at 3
    assert n["critical_share"] == 0.0
    # strengths (see test_child for each): 83.5 71.7 70.5 59.2 11.7 7.5
    # mean = 304.1 / 6 = 50.683 -> 50.7; top five = 296.6 / 5 = 59.32 -> 59.3
    assert (n["mean_strength"], n["network_strength"]) == (50.7, 59.3)
    # person-person ties among the 6: gran-begum (from 2024-03-01), mum-gran -> 2 / 15
    assert n["density"] == 0.133
    # tenure with a known start: lind 213, zoe 260, osei 309, begum 323 days -> (260+309)/2
    assert n["tenure_median_days"] == 284.5


def test_child_may_stand_second_in_between(make_doc: MakeDoc) -> None:
    first = make_doc(
        [{"id": "p", "category": "family"}],
        [{"id": "t", "between": ["c", "p"], "started": "2024-01-01"}],
        [{"tie": "t", "on": "2024-01-01", "by": "child", "closeness": 3}],
    )
    second = make_doc(
        [{"id": "p", "category": "family"}],
        [{"id": "t", "between": ["p", "c"], "started": "2024-01-01"}],
        [{"tie": "t", "on": "2024-01-01", "by": "child", "closeness": 3}],
    )
    a, b = child_measures(first, date(2024, 6, 1)), child_measures(second, date(2024, 6, 1))
    assert a == b
    assert a["network"]["size"] == 1 and a["ties"][0]["member"] == "p"


def test_non_adults_marked_trusted_are_not_trusted_adults(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [
            {"id": "kid", "category": "friend"},  # adult defaults to false for friends
            {"id": "teen", "category": "family", "adult": False},
            {"id": "pal", "category": "friend", "adult": True},
        ],
        [
            {"id": "t1", "between": ["c", "kid"]},
            {"id": "t2", "between": ["c", "teen"]},
            {"id": "t3", "between": ["c", "pal"]},
        ],
        [
            {"tie": t, "on": "2024-01-01", "by": "child", "trusted": True}
            for t in ("t1", "t2", "t3")
        ],
    )
    m = child_measures(doc, date(2024, 6, 1))
    assert (m["network"]["trusted_adults"], m["network"]["single_point_of_failure"]) == (1, True)
    assert m["concordance"]["unseen_trusted"] == ["pal"]
    assert {t["member"]: t["trusted"] for t in m["ties"]} == {
        "kid": True,
        "teen": True,
        "pal": True,
    }


def test_empty_network(make_doc: MakeDoc) -> None:
    m = child_measures(make_doc(), date(2024, 6, 1))
    n = m["network"]
    assert n["size"] == 0 and set(n["by_category"].values()) == {0}
    # nobody was asked: not "no"
    assert (n["trusted_adults"], n["trust_answered"], n["trust_answered_on"]) == (0, False, None)
    assert (n["has_trusted_adult"], n["single_point_of_failure"]) == (None, None)
    for name in (
        "paid_share",
        "reciprocity",
        "critical_share",
        "mean_strength",
        "density",
        "tenure_median_days",
    ):
        assert n[name] is None, name
    assert n["network_strength"] is None  # no rated tie: unknown, not 0
    assert (n["support_answered"], n["support_gaps"]) == (False, None)
    c = m["continuity"]
    assert (c["retention"], c["trusted_retention"], c["continuity"]) == (None, None, None)
    assert (c["retained"], c["lost"], c["gained"], c["social_workers"], c["placements"]) == (
        0,
        0,
        0,
        0,
        0,
    )
    assert m["concordance"] == {"trust_agreement": None, "unseen_trusted": []}
    assert m["ties"] == []


def test_unrated_ties_count_in_size_not_in_rated_measures(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}, {"id": "b", "category": "community"}],
        [{"id": "ta", "between": ["c", "a"]}, {"id": "tb", "between": ["c", "b"]}],
        # a: closeness 2 (C = 0.5), contact 2 (F = 0.5), direction to_child (R = 0.5):
        # 100 * (0.15 + 0.10 + 0.05) = 30.0; b has no observation
        [
            {
                "tie": "ta",
                "on": "2024-01-01",
                "by": "worker",
                "closeness": 2,
                "contact": 2,
                "direction": "to_child",
            }
        ],
    )
    m = child_measures(doc, date(2024, 6, 1))
    n = m["network"]
    assert n["size"] == 2
    assert (n["mean_strength"], n["network_strength"]) == (30.0, 6.0)  # 30 / 5, b counts 0
    assert (n["reciprocity"], n["critical_share"]) == (0.0, None)
    assert [(t["member"], t["strength"], t["line"]) for t in m["ties"]] == [
        ("a", 30.0, "normal"),
        ("b", None, "unrated"),
    ]


def test_unknown_start_dates(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}, {"id": "b", "category": "family"}],
        [
            {"id": "ta", "between": ["c", "a"]},
            {"id": "tb", "between": ["c", "b"], "started": "2024-05-01"},
        ],
        [{"tie": "ta", "on": "2024-01-01", "by": "child", "closeness": 1}],
    )
    m = child_measures(doc, date(2024, 6, 1))
    assert m["network"]["size"] == 2
    assert m["network"]["tenure_median_days"] == 31.0  # only b: May 1 -> June 1
    assert m["ties"][0]["components"]["D"] == 0.0


def test_tie_ending_on_the_date_is_not_active_and_one_starting_is(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}, {"id": "b", "category": "family"}],
        [
            {"id": "ta", "between": ["c", "a"], "ended": "2024-06-01"},
            {"id": "tb", "between": ["c", "b"], "started": "2024-06-01"},
        ],
    )
    assert [t["member"] for t in child_measures(doc, date(2024, 6, 1))["ties"]] == ["b"]
    assert [t["member"] for t in child_measures(doc, date(2024, 5, 31))["ties"]] == ["a"]


def test_a_member_with_two_active_ties_counts_once(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "carer"}],
        [{"id": "t1", "between": ["c", "a"]}, {"id": "t2", "between": ["a", "c"]}],
    )
    n = child_measures(doc, date(2024, 6, 1))["network"]
    assert (n["size"], n["by_category"]["carer"], n["paid_share"], n["density"]) == (
        1,
        2,
        1.0,
        None,
    )


def test_density_counts_only_active_ties_between_members(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": x, "category": "family"} for x in ("a", "b", "d", "out")],
        [
            {"id": "ta", "between": ["c", "a"]},
            {"id": "tb", "between": ["c", "b"]},
            {"id": "td", "between": ["c", "d"]},
            {"id": "ab", "between": ["a", "b"]},
            {"id": "ba", "between": ["b", "a"]},  # the same pair again counts once
            {"id": "ad", "between": ["a", "d"], "ended": "2024-06-01"},  # ended on t
            {"id": "ao", "between": ["a", "out"]},
        ],  # "out" is not a member
    )
    assert child_measures(doc, date(2024, 6, 1))["network"]["density"] == 0.333  # 1 / 3
