"""Optional sentence-embedding similarity for matching.

If `KESHER_EMBEDDING_MODEL` names a local folder holding a sentence-transformers model, its
cosine similarity is blended into the matcher's scores. sentence-transformers is not a
dependency of Kesher: it is imported only when a model is configured, and nothing is ever
downloaded (the Hugging Face hub is switched to offline mode before loading).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

ENVIRONMENT_VARIABLE = "KESHER_EMBEDDING_MODEL"


class EmbeddingModel(Protocol):
    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit-length vector per text."""
        ...


class SentenceTransformerModel:
    """A sentence-transformers model loaded from a local folder, on CPU or GPU."""

    def __init__(self, path: str | os.PathLike[str], *, device: str | None = None) -> None:
        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"{ENVIRONMENT_VARIABLE} points to {folder}, which is not a folder: set it to the "
                "local folder of a sentence-transformers model, or unset it to match without one."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            module: Any = importlib.import_module("sentence_transformers")
        except ImportError as error:
            raise RuntimeError(
                f"{ENVIRONMENT_VARIABLE} is set but sentence-transformers is not installed: "
                "install it, or unset the variable to match without a model."
            ) from error
        self._model = module.SentenceTransformer(str(folder), device=device)

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(
            list(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


def model_from_environment(
    environ: Mapping[str, str] = os.environ,
) -> SentenceTransformerModel | None:
    """The configured model, or None when `KESHER_EMBEDDING_MODEL` is unset or empty."""
    path = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    return SentenceTransformerModel(path) if path else None
