"""How the number of themes was chosen, told to the team in their language from the run's
recorded figures, including when finer groups than modularity's number were found."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey_app import create_app
from survey_app.workspace import explain
from survey_app.workspace.explain import how_many_themes

SCORES = {"2": 0.31, "4": 0.52, "8": 0.60, "16": 0.63, "32": 0.64, "64": 0.62}


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app({"DATABASE": str(tmp_path / "explain.sqlite"), "SECRET_KEY": "x"})


def test_modularitys_choice_is_told_with_the_numbers_that_came_close(tmp_path: Path) -> None:
    app = _app(tmp_path)
    figures = {"chosen_k": 16, "modularity_k": 16, "spectral_k": 20, "k_scores": SCORES}
    with app.test_request_context("/en/"):
        lines = how_many_themes(figures, None)
    assert lines[0].startswith("The analysis tried 6 numbers of themes from 2 to 64")
    assert "suggests 16: with more themes" in lines[0]
    assert "32 and 64 themes would do nearly as well." in lines[1]


def test_finer_groups_are_told_when_they_set_the_number(tmp_path: Path) -> None:
    app = _app(tmp_path)
    figures = {"chosen_k": 61, "modularity_k": 16, "spectral_k": 61, "k_scores": SCORES}
    with app.test_request_context("/en/"):
        lines = how_many_themes(figures, None)
    assert "With 16, answers that are alike already fall together" in lines[0]
    assert "split most clearly into 61 smaller groups, so it suggests 61" in lines[0]
    # "Nearly as good" compares with modularity's own number, 16, not with 61.
    assert "32 and 64 themes would do nearly as well." in lines[1]
    with app.test_request_context("/ar/"):
        app.preprocess_request()  # the language comes from the address, as on the page
        arabic = " ".join(how_many_themes(figures, None))
    assert "61" in arabic and "16" in arabic and "split most clearly" not in arabic


def test_a_run_recorded_before_finer_groups_existed_still_reads(tmp_path: Path) -> None:
    app = _app(tmp_path)
    with app.test_request_context("/en/"):
        lines = how_many_themes({"chosen_k": 16, "k_scores": SCORES}, None)
    assert "suggests 16: with more themes" in lines[0]


def test_answers_left_out_as_repeats_are_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _app(tmp_path)
    figures = {"chosen_k": 16, "modularity_k": 16, "k_scores": SCORES, "repeats_left_out": 412}
    with app.test_request_context("/en/"):
        lines = how_many_themes(figures, None)
        assert lines[-1].startswith("412 answers were left out of this comparison")
        assert "They are themed like every other answer." in lines[-1]
        assert "counted 3 times" in lines[-1]
        # The team is told the engine's own limit, not a number written into the sentence.
        monkeypatch.setattr(explain, "COPIES", 4)
        assert "counted 4 times" in how_many_themes(figures, None)[-1]
        monkeypatch.undo()
        assert not any(
            "left out" in line for line in how_many_themes({**figures, "repeats_left_out": 0}, None)
        )
    with app.test_request_context("/so/"):
        app.preprocess_request()
        somali = how_many_themes(figures, None)
    assert "412" in somali[-1] and "left out" not in somali[-1]


def test_finer_groups_set_aside_as_ways_of_asking_are_told(tmp_path: Path) -> None:
    app = _app(tmp_path)
    figures = {"chosen_k": 16, "modularity_k": 16, "spectral_k": 61, "k_scores": SCORES}
    with app.test_request_context("/en/"):
        lines = how_many_themes({**figures, "rephrasings": 61}, None)
        assert "suggests 16: with more themes" in lines[0]
        assert lines[2].startswith("The answers also split into 61 smaller groups")
        assert "ways of saying the same thing" in lines[2]
        # A run that set nothing aside says nothing of it.
        assert not any("smaller groups" in line for line in how_many_themes(figures, None))
    with app.test_request_context("/ur/"):
        app.preprocess_request()
        urdu = how_many_themes({**figures, "rephrasings": 61}, None)
    assert "61" in urdu[2] and "smaller groups" not in urdu[2]
