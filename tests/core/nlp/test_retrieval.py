"""FAQ retrieval on hand-made vectors: what ranks first and why."""

from __future__ import annotations

import numpy as np
import pytest

from core.nlp.retrieval import FaqDoc, build_index, search

VECTORS = {
    "opening hours": [1.0, 0.0, 0.0],
    "when are you open": [0.8, 0.6, 0.0],
    "refund policy": [0.0, 1.0, 0.0],
    "shipping": [0.0, 0.0, 1.0],
}


def vectors_for(texts: list[str]) -> np.ndarray:
    return np.asarray([VECTORS[t] for t in texts], dtype=np.float32)


@pytest.fixture
def index():  # type: ignore[no-untyped-def]
    docs = [
        FaqDoc(10, "opening hours", "9 to 5", ("opening hours", "when are you open")),
        FaqDoc(20, "refund policy", "30 days", ("refund policy",)),
        FaqDoc(30, "shipping", "2 days", ("shipping",)),
    ]
    return build_index(docs, vectors_for)


def test_a_faq_scores_by_its_closest_phrasing(index) -> None:  # type: ignore[no-untyped-def]
    query = np.asarray([[0.6, 0.8, 0.0]], dtype=np.float32)  # nearest to "when are you open"
    [matches] = search(index, query, k=3)
    assert [m.faq_id for m in matches] == [10, 20, 30]
    assert matches[0].score == pytest.approx(0.96)
    assert matches[0].answer == "9 to 5"


def test_results_are_distinct_faqs_best_first_per_query(index) -> None:  # type: ignore[no-untyped-def]
    queries = np.asarray([[0, 0, 1], [0, 1, 0]], dtype=np.float32)
    results = search(index, queries, k=2)
    assert [m.faq_id for m in results[0]] == [30, 10]
    assert [m.faq_id for m in results[1]][0] == 20
    assert all(len({m.faq_id for m in r}) == len(r) for r in results)


def test_empty_knowledge_base_gives_no_matches() -> None:
    empty = build_index([], vectors_for)
    assert search(empty, np.ones((2, 3), dtype=np.float32)) == [[], []]
