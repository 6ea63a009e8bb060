"""py3langid's language identification with its byte walk done by numpy, same answers.

py3langid counts the byte n-grams of a text by walking an Aho-Corasick automaton one byte at a
time in Python, then scores them against a float16 table (a slow cast): together a third of a
policy page's extraction. In such an automaton the state after a byte is the longest suffix of the
text read so far that is in the n-gram trie, so it depends only on the last ``WINDOW`` bytes
(``WINDOW`` ≥ the trie's depth, 6 in the model of py3langid 0.4). Here every position's state is
computed at once: each position reads its own last ``WINDOW`` bytes from the start state,
``WINDOW`` vectorised steps in all. The counts go, in the order py3langid finds them, through
py3langid's own arithmetic (the table rows used are cast to float32 once and kept), so the
language and the score are those of ``py3langid.classify`` bit for bit.
tests/test_extract_langid.py checks the model's depth and compares both on real and random texts;
if py3langid's identifier changes shape, :func:`classify` falls back to ``py3langid.classify``.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

WINDOW = 6          # bytes each position re-reads: must be ≥ the automaton's depth (tested)
_FLOOR = float(np.finfo(np.float32).min)     # py3langid's score of a class without features


class _Model:
    def __init__(self, ident):
        self.ident = ident
        self.classes = list(ident.nb_classes)
        self.alias_pairs = list(ident._alias_pairs)
        self.prior = ident.nb_pc
        self.table = ident.nb_ptc                  # features × classes, float16
        self.encode = ident._encode
        self.nextmove = np.asarray(ident.tk_nextmove)   # states × 256, a view of py3langid's array
        self.rowbase = np.asarray(ident._rowbase, dtype=np.intp)
        self.output = np.asarray(ident.tk_output, dtype=np.intp)
        # float32 rows of the table, cast when a text first uses them (np.empty: only the pages
        # of rows used take memory)
        self.table32 = np.empty(self.table.shape, dtype=np.float32)
        self.cast = np.zeros(self.table.shape[0], dtype=bool)

    def counts(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(features, counts) of UTF-8 ``data`` in order of first occurrence, as py3langid's walk."""
        b = np.frombuffer(data, dtype=np.uint8).astype(np.intp)
        n = len(b)
        state = np.zeros(n, dtype=np.intp)
        for k in range(WINDOW):
            # step k: position i reads byte i - back; a position with fewer bytes behind it than
            # WINDOW starts from the start state at byte 0 later, exactly as the real walk does
            back = WINDOW - 1 - k
            if back < n:
                state[back:] = self.nextmove[self.rowbase[state[back:]] + b[:n - back]]
        feats = self.output[state]
        feats = feats[feats >= 0]
        uniq, first_at, counts = np.unique(feats, return_index=True, return_counts=True)
        order = np.argsort(first_at, kind="stable")
        return uniq[order], counts[order]

    def scores(self, text: str) -> np.ndarray:
        feats, counts = self.counts(self.encode(text))
        if not len(feats):
            scores = np.full(len(self.classes), _FLOOR, dtype=np.float32)
        else:
            new = feats[~self.cast[feats]]
            if len(new):
                self.table32[new] = self.table[new]
                self.cast[new] = True
            # py3langid: np.log1p(counts as float32) @ table[features] + prior
            scores = np.log1p(counts.astype(np.float32)) @ self.table32[feats] + self.prior
        for i, j in self.alias_pairs:        # aliased labels (srl -> sr), folded as py3langid does
            scores[i] = max(scores[i], scores[j])
            scores[j] = _FLOOR
        return scores

    def classify(self, text: str) -> str | None:
        return self.classes[int(self.scores(text).argmax())] or None


_MODEL: _Model | None | bool = None      # False: py3langid's shape is not the one known here


def _cached_identifier(L):
    """py3langid's identifier built from an uncompressed, memory-mapped copy of its model.

    py3langid unpacks its xz model in every process (~0.6 s of CPU); the copy is made once per
    model file in the cache (``cache_dir("py3langid")/<sha256 of the model file>``) and then loads
    in milliseconds, its pages shared by every process on the machine."""
    import json
    import os
    import shutil
    import tempfile
    from array import array

    from py3langid.modelio import load_model

    from riskaudit.core.cache import cache_dir
    from riskaudit.core.hashing import sha256_hex

    model_file = L.MODEL_DIR / L.MODEL_FILE
    folder = cache_dir("py3langid") / sha256_hex(model_file.read_bytes())[:16]
    if not (folder / "complete").exists():
        ptc, pc, classes, nextmove, row, output = load_model(model_file)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
        try:
            for name, arr in (("ptc", ptc), ("pc", pc), ("nextmove", nextmove), ("row", row),
                              ("output", np.asarray(output, dtype=np.int32))):
                np.save(tmp / f"{name}.npy", np.asarray(arr), allow_pickle=False)
            (tmp / "classes.json").write_text(json.dumps(list(classes)), encoding="utf-8")
            (tmp / "complete").write_text("", encoding="utf-8")
            try:
                os.replace(tmp, folder)
            except OSError:          # another process made it meanwhile
                if not (folder / "complete").exists():
                    raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    load = {name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in ("ptc", "pc", "nextmove", "row", "output")}
    classes = json.loads((folder / "classes.json").read_text(encoding="utf-8"))
    row = load["row"]
    return L.LanguageIdentifier(load["ptc"], np.asarray(load["pc"]), classes, load["nextmove"],
                                load["output"].tolist(), tk_row=array("I", row.astype(np.uint32).tobytes()))


def _identifier():
    import py3langid.langid as L
    try:
        return _cached_identifier(L)
    except Exception as exc:  # noqa: BLE001 - a cache problem costs time, never an answer
        log.info("language model cache not used (%s); loading py3langid's own file", exc)
        return L._get_identifier()


def _model() -> _Model | None:
    global _MODEL
    if _MODEL is None:
        ident = _identifier()
        try:
            if ident._norm_probs or ident.min_confidence is not None:
                raise AttributeError("a normalised identifier")
            _MODEL = _Model(ident)
        except (AttributeError, TypeError, ValueError):
            _MODEL = False
    return _MODEL or None


def classify(text: str) -> str | None:
    """The language ``py3langid.classify(text)`` gives (None for an empty label)."""
    model = _model()
    if model is None:
        import py3langid
        return py3langid.classify(text)[0] or None
    return model.classify(text)
