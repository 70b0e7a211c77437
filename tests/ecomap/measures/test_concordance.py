"""Concordance: the child's trusted adults against the adult view's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from ecomap.measures import child_measures
from ecomap.model import EcomapDocument

MakeDoc = Callable[..., EcomapDocument]


def test_foster_care_concordance_by_hand(mia: EcomapDocument) -> None:
    # child view on 2024-12-31: gran and begum trusted (zoe is not an adult);
    # adult view: begum (worker) only - gran's latest adult observation is the carer's of
    # 2024-09-20, which does not say trusted -> Jaccard 1 / 2, gran unseen
    for perspective in ("combined", "child", "worker"):
        m = child_measures(mia, date(2024, 12, 31), perspective)
        assert m["concordance"] == {"trust_agreement": 0.5, "unseen_trusted": ["p-mia-gran"]}


def test_worker_view_changes_the_network(mia: EcomapDocument) -> None:
    n = child_measures(mia, date(2024, 12, 31), "worker")["network"]
    assert (n["trusted_adults"], n["single_point_of_failure"]) == (1, True)


def test_agreement_is_null_when_nobody_is_trusted(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}],
        [{"id": "t", "between": ["c", "a"]}],
        [{"tie": "t", "on": "2024-01-01", "by": "child", "trusted": False}],
    )
    assert child_measures(doc, date(2024, 6, 1))["concordance"] == {
        "trust_agreement": None,
        "unseen_trusted": [],
    }


def test_full_agreement_and_adult_only_trust(make_doc: MakeDoc) -> None:
    doc = make_doc(
        [{"id": "a", "category": "family"}, {"id": "b", "category": "community"}],
        [{"id": "ta", "between": ["c", "a"]}, {"id": "tb", "between": ["c", "b"]}],
        [
            {"tie": "ta", "on": "2024-01-01", "by": "child", "trusted": True},
            {"tie": "ta", "on": "2024-01-01", "by": "worker", "trusted": True},
            {"tie": "tb", "on": "2024-01-01", "by": "worker", "trusted": True},
        ],
    )
    # child {a}, adults {a, b}: 1 / 2, nothing unseen by the adults
    assert child_measures(doc, date(2024, 6, 1))["concordance"] == {
        "trust_agreement": 0.5,
        "unseen_trusted": [],
    }
