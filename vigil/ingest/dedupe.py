"""Near-duplicate detection with MinHash signatures and LSH bands.

A signature is 128 datasketch MinHash values over word 3-shingles of the
normalised text. It is cut into bands; two articles that share a band are
candidates, and a candidate whose estimated Jaccard similarity reaches the
threshold is a near duplicate. Band keys live in the store, so lookups are
index queries and memory does not grow with the corpus.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from vigil.models import normalise_text

if TYPE_CHECKING:
    from datasketch import MinHash

__all__ = ["NUM_PERM", "Signature", "jaccard", "signature"]

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: candidates from about 0.4 Jaccard; verified against the threshold
ROWS = NUM_PERM // BANDS
SHINGLE = 3


@cache
def _template() -> MinHash:
    # Imported on first use: datasketch pulls in scipy (about 0.3 s), which commands that read the
    # store never need.
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


@dataclass(frozen=True, slots=True)
class Signature:
    values: np.ndarray  # uint32[NUM_PERM]

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u4"))

    def band_keys(self) -> list[str]:
        raw = self.values.astype("<u4")
        return [
            f"{b}:{hashlib.blake2b(raw[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).hexdigest()}"
            for b in range(BANDS)
        ]


def signature(text: str) -> Signature:
    """The MinHash signature of ``text`` (word 3-shingles of its normalised form)."""
    words = normalise_text(text).split()
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:
        shingles = {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}
    template = _template()
    mh = type(template)(num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return Signature(mh.hashvalues.astype(np.uint32))


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.count_nonzero(a.values == b.values)) / NUM_PERM
