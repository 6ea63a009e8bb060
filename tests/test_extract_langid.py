"""riskaudit.extract.langid gives py3langid's language and score bit for bit, faster."""
from __future__ import annotations

import random

import numpy as np
import py3langid
import py3langid.langid as L
import pytest

from riskaudit.extract import detect_language, langid

SAMPLES = [
    "You may not share intimate images of another person without their consent. Report it to us.",
    "Die Veröffentlichung intimer Bilder ohne Einwilligung ist verboten. Melden Sie solche Inhalte.",
    "Il est interdit de publier des images intimes d’une personne sans son consentement.",
    "Está prohibido compartir imágenes íntimas sin consentimiento; puedes denunciarlo aquí.",
    "未经同意，禁止发布他人的私密图像。我们会在收到举报后尽快删除。",
    "同意なく他人の性的な画像を投稿することは禁止されています。報告はこちらから。",
    "Запрещено публиковать интимные изображения без согласия изображённого человека.",
    "يُحظر نشر الصور الحميمة دون موافقة الشخص. يمكنك الإبلاغ عن ذلك.",
    "ΑΠΑΓΟΡΕΥΕΤΑΙ Η ΔΗΜΟΣΙΕΥΣΗ ΠΡΟΣΩΠΙΚΩΝ ΕΙΚΟΝΩΝ ΧΩΡΙΣ ΣΥΓΚΑΤΑΘΕΣΗ",   # upper case: lowered
    "# Terms\n\n- [report form](https://example.org/r)\n- e-mail: safety@example.org\n\n| a | b |",
    "", " ", "a", "ab", "\u200b\u00a0\ufeff", "e\u0301te\u0301",                  # NFC folding
]


def _random_texts(n: int) -> list[str]:
    rnd = random.Random(20261204)
    out = []
    for _ in range(n):
        size = rnd.randrange(0, 300)
        out.append("".join(chr(rnd.choice((rnd.randrange(32, 127), rnd.randrange(160, 0x2FFF),
                                           rnd.randrange(0x4E00, 0x9FFF), rnd.randrange(0x1F300, 0x1F6FF))))
                           for _ in range(size)))
        out.append(bytes(rnd.randrange(256) for _ in range(size)).decode("latin-1"))
    return out


@pytest.mark.parametrize("text", SAMPLES + _random_texts(300) + [" ".join(SAMPLES) * 20])
def test_same_scores_and_language_as_py3langid(text):
    model = langid._model()
    assert model is not None, "py3langid's identifier no longer has the shape this module reads"
    expected = L._get_identifier()._decide(text)
    assert model.scores(text).tobytes() == expected.tobytes()
    assert langid.classify(text) == (py3langid.classify(text)[0] or None)


def test_the_window_covers_the_automatons_depth():
    # Breadth-first from the start state: the depth of the deepest state is the longest n-gram
    # prefix the automaton remembers; a state depends on no more bytes than that.
    model = langid._model()
    moves = model.nextmove.reshape(-1, 256)
    rows = model.rowbase >> 8
    seen = np.zeros(len(rows), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while True:
        reached = np.unique(moves[rows[frontier]].ravel())
        frontier = reached[~seen[reached]]
        if not len(frontier):
            break
        seen[frontier] = True
        depth += 1
    assert seen.all()
    assert 3 <= depth <= langid.WINDOW


def test_counts_are_in_first_occurrence_order():
    model = langid._model()
    data = "abc abc xyz".encode()
    feats, counts = model.counts(data)
    ident = L._get_identifier()
    walk = L.visit_counts(ident.tk_nextmove, ident._rowbase, ident.tk_output, data)
    assert list(zip(feats.tolist(), counts.tolist())) == list(walk.items())


def test_falls_back_to_py3langid_when_its_shape_is_unknown(monkeypatch):
    monkeypatch.setattr(langid, "_MODEL", False)
    assert langid._model() is None
    assert langid.classify(SAMPLES[1]) == "de"
    assert detect_language(SAMPLES[0] * 2) == "en"


def test_the_cached_model_is_made_once_then_mapped(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = langid._identifier()
    folders = list((tmp_path / "riskaudit" / "py3langid").iterdir())
    assert [f.name for f in folders if not f.name.startswith(".tmp-")] == [folders[0].name]
    assert (folders[0] / "complete").exists() and (folders[0] / "nextmove.npy").stat().st_size > 1_000_000
    second = langid._identifier()
    assert isinstance(second.nb_ptc, np.memmap)
    expected = L._get_identifier()._decide(SAMPLES[2])
    for ident in (first, second):
        assert langid._Model(ident).scores(SAMPLES[2]).tobytes() == expected.tobytes()


def test_an_unusable_cache_costs_time_not_answers(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))      # cannot be created
    ident = langid._identifier()
    assert ident is L._get_identifier()
    assert langid._Model(ident).classify(SAMPLES[1]) == "de"
