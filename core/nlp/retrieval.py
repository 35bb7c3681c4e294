"""FAQ retrieval: every FAQ question and phrasing is a vector; a query's score for a FAQ is its
best cosine similarity with any of that FAQ's texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Encode = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class FaqDoc:
    faq_id: int
    question: str
    answer: str
    texts: tuple[str, ...]  # question first, then phrasings


@dataclass(frozen=True)
class Match:
    faq_id: int
    question: str
    answer: str
    score: float


@dataclass(frozen=True)
class FaqIndex:
    docs: tuple[FaqDoc, ...]
    vectors: np.ndarray  # (n_texts, dim), rows L2-normalised
    starts: np.ndarray  # row of each doc's first text; a doc's texts are contiguous

    def __len__(self) -> int:
        return len(self.docs)


def build_index(docs: Sequence[FaqDoc], vectors_for: Callable[[list[str]], np.ndarray]) -> FaqIndex:
    """`vectors_for` embeds a list of texts (it may serve them from a cache)."""
    docs = [doc for doc in docs if doc.texts]
    texts: list[str] = []
    starts: list[int] = []
    for doc in docs:
        starts.append(len(texts))
        texts.extend(doc.texts)
    vectors = vectors_for(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    return FaqIndex(tuple(docs), vectors, np.asarray(starts, dtype=np.int64))


def search(index: FaqIndex, queries: np.ndarray, k: int = 3) -> list[list[Match]]:
    """Top-k distinct FAQs per query vector, best first."""
    if len(index) == 0 or queries.shape[0] == 0:
        return [[] for _ in range(queries.shape[0])]
    sims = queries @ index.vectors.T  # (n_queries, n_texts)
    per_doc = np.maximum.reduceat(sims, index.starts, axis=1)  # (n_queries, n_docs)
    k = min(k, len(index))
    top = np.argsort(-per_doc, axis=1)[:, :k]
    results = []
    for row, ids in zip(per_doc, top, strict=True):
        results.append(
            [
                Match(
                    index.docs[i].faq_id,
                    index.docs[i].question,
                    index.docs[i].answer,
                    float(row[i]),
                )
                for i in ids
            ]
        )
    return results
