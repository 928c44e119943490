"""Agreement between coders, against worked examples done by hand."""

from __future__ import annotations

import pytest

from analysis.agreement import NONE, agreement


def test_two_coders_match_cohens_kappa_worked_by_hand() -> None:
    # 10 answers, two coders, themes H(ousing) and G(P):
    #            coder B: H   G
    # coder A: H         4   1
    #          G         1   4
    # observed agreement po = 8/10; chance pe = (5/10*5/10) + (5/10*5/10) = 0.5
    # kappa = (0.8 - 0.5) / (1 - 0.5) = 0.6
    a = ["H", "H", "H", "H", "H", "G", "G", "G", "G", "G"]
    b = ["H", "H", "H", "H", "G", "H", "G", "G", "G", "G"]
    result = agreement(
        {"A": {str(i): x for i, x in enumerate(a)}, "B": {str(i): x for i, x in enumerate(b)}}
    )
    assert result.kappa == pytest.approx(0.6)
    # Per theme, "in H or not" is the same table here: 0.6 each.
    assert result.by_theme == {"G": pytest.approx(0.6), "H": pytest.approx(0.6)}
    assert result.disagreements == ("4", "5")


def test_a_theme_kappa_by_hand_with_three_labels() -> None:
    # Items 0-5; labels H, G, P(arks).  A: H H G G P P ; B: H G G G P H
    # Overall: po = 4/6 (items 0, 2, 3, 4).  Marginals A: H2 G2 P2; B: H2 G3 P1.
    # pe = (2*2 + 2*3 + 2*1) / 36 = 12/36 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    # Theme H, in or not: A = 1 1 0 0 0 0, B = 1 0 0 0 0 1 -> agree on 0, 2, 3, 4: po = 4/6;
    # pe = (2/6*2/6) + (4/6*4/6) = 4/36 + 16/36 = 20/36; kappa = (24/36 - 20/36)/(16/36) = 0.25
    a = dict(enumerate("HHGGPP"))
    b = dict(enumerate("HGGGPH"))
    result = agreement(
        {"A": {str(k): v for k, v in a.items()}, "B": {str(k): v for k, v in b.items()}}
    )
    assert result.kappa == pytest.approx(0.5)
    assert result.by_theme["H"] == pytest.approx(0.25)


def test_krippendorffs_alpha_matches_his_worked_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the nominal
    # example with four coders, twelve units and missing values: alpha = 0.743.
    rows = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    codes = {
        coder: {f"u{i}": str(v) for i, v in enumerate(values) if v is not None}
        for coder, values in rows.items()
    }
    assert agreement(codes).alpha == pytest.approx(0.743, abs=0.0005)


def test_kappa_is_none_when_chance_explains_everything() -> None:
    same = {"1": "H", "2": "H"}
    result = agreement({"A": same, "B": same})
    assert result.kappa is None and result.disagreements == ()
    one = {"A": {"1": "H", "2": NONE}, "B": {"1": "H", "2": NONE}}
    assert agreement(one).kappa == pytest.approx(1.0)
