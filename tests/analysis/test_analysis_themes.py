"""The theme engine: grouping, determinism, languages, noise, non-answers, codebook, editing."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from analysis import (
    AnalysisError,
    Codebook,
    CodebookTheme,
    Response,
    ThemeFinder,
    ThemeResult,
    find_themes,
    merge_themes,
    similar_responses,
    split_theme,
)
from analysis.metrics import ari
from analysis.theme_result import NON_ANSWER_ID, UNTHEMED_ID
from analysis.unthemed import UNTHEMED_REASONS


def concern_of_theme(theme, concerns: dict[str, str]) -> tuple[str, float]:
    counts = Counter(concerns[i] for i in theme.member_ids)
    concern, n = counts.most_common(1)[0]
    return concern, n / theme.size


def test_english_concerns_become_themes(english, english_concerns):
    result = find_themes(english, min_themes=2, max_themes=8)
    assert len(result.themes) == 4
    found = {}
    for theme in result.themes:
        concern, purity = concern_of_theme(theme, english_concerns)
        assert purity == 1.0, theme.label
        found[concern] = theme
    assert set(found) == {"housing", "doctor", "safety", "parks"}
    assert "park" in found["parks"].keywords
    assert "appointment" in found["doctor"].label or "gp" in found["doctor"].label


def test_theme_carries_quotes_members_and_breakdowns(english):
    result = find_themes(english, min_themes=2, max_themes=8)
    theme = result.themes[0]
    assert 3 <= len(theme.quotes) <= 5
    quote_ids = [q.response_id for q in theme.quotes]
    assert len(set(quote_ids)) == len(quote_ids)
    assert set(quote_ids) <= set(theme.member_ids)
    assert len({q.text for q in theme.quotes}) == len(theme.quotes)
    assert theme.size == len(theme.members) == sum(theme.by_language.values())
    assert theme.by_language == {"en": theme.size}
    assert sum(theme.by_attribute["area"].values()) == theme.size
    assert set(theme.by_attribute) == {"age", "area"}
    scores = [m.score for m in theme.members]
    assert scores == sorted(scores, reverse=True)
    assert all(-1.0 <= s <= 1.0 for s in scores)


def test_unquotable_answers_are_themed_but_never_quoted(english):
    muted = [
        Response(r.id, r.text, r.language, can_quote=not r.text.startswith("The")) for r in english
    ]
    result = find_themes(muted, min_themes=2, max_themes=8)
    quoted = {q.text for t in result.themes for q in t.quotes}
    assert quoted and not any(text.startswith("The") for text in quoted)
    themed = {i for t in result.themes for i in t.member_ids}
    assert {r.id for r in muted if not r.can_quote} <= themed
    assert result.not_quotable == sum(not r.can_quote for r in muted) > 0
    assert result.to_dict()["not_quotable"] == result.not_quotable


def test_an_answer_is_never_quoted_unless_its_resident_agreed(english):
    """Consent is never assumed: a Response made without can_quote is themed, not quoted,
    and its words appear in no quote of the JSON result."""
    unsaid = [Response(r.id, r.text, r.language) for r in english]
    result = find_themes(unsaid, min_themes=2, max_themes=8)
    assert result.themes and all(t.quotes == [] for t in result.themes)
    assert result.not_quotable == len(unsaid)
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    assert not any(r.text in dumped for r in unsaid)


def test_same_input_and_seed_give_same_output(english):
    first = find_themes(english, max_themes=8, random_state=3).to_dict()
    again = find_themes(english, max_themes=8, random_state=3).to_dict()
    shuffled = list(english)
    random.Random(1).shuffle(shuffled)
    reordered = find_themes(shuffled, max_themes=8, random_state=3).to_dict()
    assert first == again == reordered
    json.dumps(first)  # plain data all the way down


def test_three_concerns_in_four_languages_make_three_themes(multilingual, multilingual_concerns):
    result = find_themes(multilingual, min_themes=2, max_themes=8)
    assert len(result.themes) == 3
    assert result.unthemed.size <= 2
    concerns = set()
    for theme in result.themes:
        concern, purity = concern_of_theme(theme, multilingual_concerns)
        assert purity >= 0.9, (theme.label, theme.by_language)
        # A theme of one concern said in every language, not one language's answers.
        assert set(theme.by_language) == {"en", "bn", "so", "ur"}
        concerns.add(concern)
    assert concerns == {"housing", "doctor", "safety"}


def test_languages_with_nothing_to_join_them_are_flagged(multilingual):
    # Bengali answers have glosses; English, Somali and Urdu are three languages with no
    # gloss between them, and the confidence explanation says what would join them.
    note = "languages (en, so, ur) without a gloss to join them"
    assert note in find_themes(multilingual, max_themes=8).confidence.explanation
    # English answers and glossed Bengali ones are all clustered in English.
    glossed = [r for r in multilingual if r.language == "en" or r.gloss]
    assert {r.language for r in glossed} == {"en", "bn"}
    assert "without a gloss" not in find_themes(glossed, max_themes=8).confidence.explanation
    vectors = {r.id: [float(r.language == "so"), 1.0] for r in multilingual}
    result = find_themes(multilingual, max_themes=8, embeddings=vectors)
    assert "without a gloss" not in result.confidence.explanation


def test_bengali_quotes_keep_original_text_and_gloss(multilingual):
    result = find_themes(multilingual, min_themes=2, max_themes=8)
    bengali = [q for t in result.themes for q in t.quotes if q.language == "bn"]
    assert bengali
    for quote in bengali:
        original = next(r for r in multilingual if r.id == quote.response_id)
        assert quote.text == original.text and quote.gloss == original.gloss


def test_noise_goes_to_not_yet_themed(english):
    noise = [
        Response("x1", "My cat enjoys jazz records on Sundays"),
        Response("x2", "qwerty zxcvb"),
        Response("x3", "Blue whales sing in the deep ocean"),
    ]
    result = find_themes(english + noise, min_themes=2, max_themes=8)
    assert {"x1", "x2", "x3"} <= set(result.unthemed.member_ids)
    assert result.unthemed.id == UNTHEMED_ID
    themed = {i for t in result.themes for i in t.member_ids}
    assert not themed & {"x1", "x2", "x3"}
    assert len(result.themes) == 4
    # Each answer left out says why, in words a team can read; the reason survives a
    # rebuild from the stored result (as the workspace does).
    reasons = {m.response_id: m.reason for m in result.unthemed.members}
    assert all(reasons[i] in UNTHEMED_REASONS for i in ("x1", "x2", "x3"))
    again = ThemeFinder.from_result(english + noise, result).result_
    assert {m.response_id: m.reason for m in again.unthemed.members} == reasons


def test_non_answers_are_set_aside(english):
    extra = [
        Response("n1", "Don't know", "en"),
        Response("n2", "Nothing really.", "en"),
        Response("n3", "no comment", "en"),
        Response("n4", "জানি না", "bn"),
        Response("n5", "Ma garanayo", "so"),
        Response("n6", "کچھ نہیں", "ur"),
        Response("n7", "   ", "en"),
        Response("n8", "Nothing, it's fine", "en", gloss=None),
    ]
    result = find_themes(english + extra, min_themes=2, max_themes=8)
    assert set(result.non_answers.member_ids) >= {f"n{i}" for i in range(1, 8)}
    assert result.non_answers.id == NON_ANSWER_ID
    themed = {i for t in result.themes for i in t.member_ids}
    assert not themed & {f"n{i}" for i in range(1, 8)}
    assert result.non_answers.by_language["en"] >= 4
    assert all("non-answer" in (m.reason or "") for m in result.non_answers.members)


def test_a_gloss_that_says_nothing_makes_a_non_answer():
    responses = [Response(f"r{i}", "কিছু বলার নেই", "bn", gloss="Nothing to say") for i in range(3)]
    result = find_themes(responses)
    assert result.themes == [] and result.non_answers.size == 3


def test_confidence_is_explained(english):
    result = find_themes(english, min_themes=2, max_themes=8)
    conf = result.confidence
    assert conf.level in {"high", "medium", "low"}
    assert 0.0 <= conf.stability <= 1.0
    assert set(conf.k_scores) == set(range(2, 9))
    assert str(result.chosen_k) in conf.explanation
    assert result.chosen_k == len(result.themes)
    # In sentences: how many were tried, and which other numbers came close.
    assert "Tried 7 numbers of themes from 2 to 8." in conf.explanation
    close = [
        k
        for k, q in conf.k_scores.items()
        if k != result.chosen_k and q >= 0.95 * max(conf.k_scores.values())
    ]
    if close:
        assert str(close[-1]) in conf.explanation and "nearly as good" in conf.explanation
    else:
        assert "No other number came close." in conf.explanation


def test_one_number_allowed_is_said_in_a_sentence(english):
    explanation = find_themes(english, min_themes=3, max_themes=3).confidence.explanation
    assert explanation.startswith("3 themes: the only number the bounds allowed (3 to 3)")
    assert "Tried 1 numbers" not in explanation


def test_a_choice_held_by_a_bound_says_which_way_to_move_it(english):
    # Four concerns: a maximum of 3 holds the choice down, a minimum of 6 holds it up.
    capped = find_themes(english, min_themes=2, max_themes=3).confidence.explanation
    assert "3 is the most themes allowed here" in capped and "higher maximum" in capped
    floored = find_themes(english, min_themes=6, max_themes=8).confidence.explanation
    assert "6 is the fewest themes allowed here" in floored and "lower minimum" in floored
    free = find_themes(english, min_themes=2, max_themes=8).confidence.explanation
    assert "allowed here" not in free


def test_bounds_on_the_number_of_themes_are_kept(english):
    assert len(find_themes(english, min_themes=2, max_themes=2).themes) <= 2
    assert len(find_themes(english, min_themes=6, max_themes=6, min_theme_size=1).themes) == 6
    with pytest.raises(AnalysisError, match="min_themes"):
        find_themes(english, min_themes=5, max_themes=3)


# ---------------------------------------------------------------- bad or small input


def test_no_responses_is_a_clear_error():
    with pytest.raises(AnalysisError, match="no responses"):
        find_themes([])


def test_duplicate_ids_are_a_clear_error():
    with pytest.raises(AnalysisError, match="more than once"):
        find_themes([Response("1", "rent"), Response("1", "parks")])


def test_one_response_is_one_theme():
    result = find_themes([Response("only", "The rent is too high", can_quote=True)])
    assert [t.member_ids for t in result.themes] == [["only"]]
    assert result.themes[0].quotes[0].text == "The rent is too high"


def test_identical_responses_are_one_theme():
    text = "Fix the lifts in our block, the entry phone and the broken lights"
    result = find_themes([Response(str(i), text) for i in range(60)])
    assert len(result.themes) == 1
    assert result.themes[0].size == 60
    assert result.unthemed.size == 0
    assert "lifts" in result.themes[0].keywords


def test_answers_that_share_no_word_are_still_themed_or_set_aside():
    # Sixty answers, each a word nobody else used (names, places, codes): leaving out words
    # used once left no word at all, and the run ended in scikit-learn's ValueError.
    names = [f"Q{i}x{i * 7 % 11}z" for i in range(60)]
    result = find_themes([Response(str(i), name) for i, name in enumerate(names)])
    themed = sum(t.size for t in result.themes) + result.unthemed.size
    assert themed + result.non_answers.size == 60


def test_all_empty_texts_give_no_themes_and_no_error():
    result = find_themes([Response(str(i), t) for i, t in enumerate(["", "  ", "...", "?"])])
    assert result.themes == []
    assert result.non_answers.size == 4
    # Said as it is: no codebook was given, so none "placed" anything.
    assert result.confidence.explanation.startswith("There was nothing to theme")


# ---------------------------------------------------------------- codebook


def test_codebook_is_kept_across_runs(english, english_concerns):
    first = find_themes(english, min_themes=2, max_themes=8)
    by_concern = {concern_of_theme(t, english_concerns)[0]: t for t in first.themes}
    housing, doctor = by_concern["housing"], by_concern["doctor"]
    moved = by_concern["safety"].member_ids[0]  # a person moved this one into housing
    codebook = Codebook(
        themes=[
            CodebookTheme(
                id=housing.id,
                name="Housing conditions and rent",
                description="rent, repairs, damp, overcrowding",
                pinned_response_ids=[moved],
            ),
            CodebookTheme(
                id=doctor.id,
                name="Getting to see a GP",
                pinned_response_ids=doctor.member_ids[:2],
                locked=True,
            ),
        ],
        excluded_ids=[by_concern["parks"].member_ids[0]],
    )
    new = [
        Response("new-rent", "The rent on our flat went up again, the landlord ignores us"),
        Response("new-gp", "Could not get a GP appointment for my son"),
        Response("new-bin1", "Rubbish and fly tipping everywhere, the bins overflow"),
        Response("new-bin2", "Fly tipping in the alley and bins never emptied"),
        Response("new-bin3", "Overflowing bins and rubbish on the pavement"),
        Response("new-bin4", "Rats because of the rubbish and fly tipping"),
    ]
    second = find_themes(english + new, min_themes=2, max_themes=8, codebook=codebook)
    kept = {t.id: t for t in second.themes}
    assert second.themes[0].id == housing.id and second.themes[1].id == doctor.id
    assert kept[housing.id].name == "Housing conditions and rent"
    assert kept[housing.id].label == "Housing conditions and rent"
    assert kept[housing.id].from_codebook
    # The hand placement holds even though the words say safety.
    member = next(m for m in kept[housing.id].members if m.response_id == moved)
    assert member.placed_by == "codebook"
    # New answers join existing themes where they fit ...
    assert "new-rent" in kept[housing.id].member_ids
    # ... but a locked theme takes only its pinned answers.
    assert sorted(kept[doctor.id].member_ids) == sorted(doctor.member_ids[:2])
    assert kept[doctor.id].locked
    # New themes come only from what is left: the rubbish answers make one.
    new_themes = [t for t in second.themes if not t.from_codebook]
    rubbish = [t for t in new_themes if "new-bin1" in t.member_ids]
    assert rubbish and {"new-bin2", "new-bin3", "new-bin4"} <= set(rubbish[0].member_ids)
    # Excluded answers appear nowhere but in the excluded list.
    excluded = codebook.excluded_ids[0]
    assert excluded in second.excluded_ids
    assert excluded not in second.assignments()


def test_a_codebook_from_a_run_keeps_its_answers_where_they_were(english, english_concerns):
    """A run kept as a codebook, no answer pinned: each answer finds its theme again, and a
    new one joins the theme it belongs to."""
    first = find_themes(english, min_themes=2, max_themes=8)
    book = Codebook.from_dict(json.loads(json.dumps(Codebook.from_result(first).to_dict())))
    assert not any(t.pinned_response_ids for t in book.themes)
    new = Response("new-rent", "The rent on our flat went up again, the landlord ignores us")
    second = find_themes(english + [new], min_themes=2, max_themes=8, codebook=book)
    before, after = first.assignments(), second.assignments()
    assert [t.id for t in second.themes] == [t.id for t in first.themes]
    assert sum(after[rid] == before[rid] for rid in before) >= 0.95 * len(before)
    housing = {t.id: concern_of_theme(t, english_concerns)[0] for t in first.themes}
    assert housing[after["new-rent"]] == "housing"


def test_a_themes_earlier_members_find_it_again_without_being_held(english, english_concerns):
    by_concern: dict[str, list[str]] = {}
    for response in english:
        by_concern.setdefault(english_concerns[response.id], []).append(response.id)
    book = Codebook(
        themes=[
            CodebookTheme("h", "Housing", earlier_member_ids=by_concern["housing"]),
            CodebookTheme("d", "Doctors", earlier_member_ids=by_concern["doctor"]),
        ]
    )
    result = find_themes(english, min_themes=2, max_themes=8, codebook=book)
    kept = {t.id: set(t.member_ids) for t in result.themes}
    assert kept["h"] >= set(by_concern["housing"]) and kept["d"] >= set(by_concern["doctor"])
    assert all(m.placed_by == "engine" for t in result.themes for m in t.members)


def test_answers_no_codebook_theme_takes_are_told_when_no_new_theme_is_allowed(english):
    locked = [CodebookTheme(f"t{n}", f"Theme {n}", locked=True) for n in (1, 2)]
    result = find_themes(english, min_themes=2, max_themes=2, codebook=Codebook(locked))
    assert result.unthemed.size == len(english)
    assert result.confidence.explanation.startswith(
        f"{len(english)} answers fit none of the codebook's themes, and the most themes "
        "allowed (2) leaves no room for new ones"
    )


def test_codebook_round_trips_through_json(english):
    result = find_themes(english, min_themes=2, max_themes=8)
    codebook = Codebook.from_result(result, pin_members=True)
    again = Codebook.from_dict(json.loads(json.dumps(codebook.to_dict())))
    assert again == codebook
    rerun = find_themes(english, min_themes=2, max_themes=8, codebook=again)
    assert {t.id: sorted(t.member_ids) for t in rerun.themes} == {
        t.id: sorted(t.member_ids) for t in result.themes
    }


def test_bad_codebook_is_a_clear_error(english):
    twice = Codebook(
        themes=[
            CodebookTheme("a", "A", pinned_response_ids=["e00"]),
            CodebookTheme("b", "B", pinned_response_ids=["e00"]),
        ]
    )
    with pytest.raises(AnalysisError, match="pinned to both"):
        find_themes(english, codebook=twice)
    with pytest.raises(AnalysisError, match="unknown fields: colour"):
        Codebook.from_dict({"themes": [{"id": "a", "name": "A", "colour": "red"}]})


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ([], "a codebook is a JSON object"),
        (None, "a codebook is a JSON object"),
        ({"themes": 5}, "'themes' must be a list of objects"),
        ({"themes": [{"name": "A"}]}, "needs 'id'"),
        ({"themes": [{"id": "a"}]}, "needs 'name'"),
        # Read letter by letter, "12" would pin answers 1 and 2.
        ({"themes": [{"id": "a", "name": "A", "pinned_response_ids": "12"}]}, "must be a list"),
        ({"themes": [{"id": "a", "name": "A", "locked": "yes"}]}, "true or false"),
        ({"excluded_ids": 7}, "'excluded_ids' must be a list"),
        ({"excluded": ["1"]}, "unknown fields: excluded"),
    ],
)
def test_a_codebook_written_wrong_by_hand_is_refused_plainly(written, message):
    with pytest.raises(AnalysisError, match=message):
        Codebook.from_dict(written)


def test_a_codebook_from_a_spreadsheet_may_number_its_answers():
    book = Codebook.from_dict(
        {
            "themes": [{"id": 1, "name": "Police", "pinned_response_ids": [7, "8"]}],
            "excluded_ids": [9],
        }
    )
    assert book.themes[0].id == "1" and book.themes[0].pinned_response_ids == ["7", "8"]
    assert book.excluded_ids == ["9"]


# ---------------------------------------------------------------- split, merge, search


def test_merge_then_split(english, english_concerns):
    result = find_themes(english, min_themes=2, max_themes=8)
    by_concern = {concern_of_theme(t, english_concerns)[0]: t for t in result.themes}
    housing, parks = by_concern["housing"], by_concern["parks"]
    merged = merge_themes(english, result, [housing.id, parks.id], name="Home and park")
    assert len(merged.themes) == len(result.themes) - 1
    combined = merged.theme(housing.id)
    assert combined.name == "Home and park"
    assert sorted(combined.member_ids) == sorted(housing.member_ids + parks.member_ids)
    untouched = merged.theme(by_concern["safety"].id)
    assert sorted(untouched.member_ids) == sorted(by_concern["safety"].member_ids)

    split = split_theme(english, merged, housing.id, n_subthemes=2)
    assert len(split.themes) == len(result.themes)
    parts = [t for t in split.themes if set(t.member_ids) & set(combined.member_ids)]
    assert len(parts) == 2
    assert sorted(parts[0].member_ids + parts[1].member_ids) == sorted(combined.member_ids)
    assert {frozenset(p.member_ids) for p in parts} == {
        frozenset(housing.member_ids),
        frozenset(parks.member_ids),
    }


def test_split_and_merge_refuse_what_cannot_be_done(english):
    result = find_themes(english, min_themes=2, max_themes=8)
    with pytest.raises(AnalysisError, match="no theme"):
        split_theme(english, result, "theme-nope")
    with pytest.raises(AnalysisError, match="at least two"):
        merge_themes(english, result, [result.themes[0].id])
    tiny = find_themes(english[:2])
    with pytest.raises(AnalysisError, match="too few"):
        split_theme(english[:2], tiny, tiny.themes[0].id)


def test_split_without_a_count_chooses_one(english, english_concerns):
    result = find_themes(english, min_themes=1, max_themes=1)
    parts = split_theme(english, result, result.themes[0].id)
    assert 2 <= len(parts.themes) <= 6
    assert sum(t.size for t in parts.themes) == result.themes[0].size


def test_similar_responses_by_text_and_by_ids(english, english_concerns):
    hits = similar_responses(english, "no GP appointment for weeks", k=4)
    assert len(hits) == 4
    assert all(english_concerns[rid] == "doctor" for rid, _ in hits)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    seeds = [rid for rid, c in english_concerns.items() if c == "parks"][:2]
    like = similar_responses(english, seeds, k=3)
    assert all(english_concerns[rid] == "parks" for rid, _ in like)
    assert not set(seeds) & {rid for rid, _ in like}
    with pytest.raises(AnalysisError, match="unknown response"):
        similar_responses(english, ["nope"])


def test_a_search_among_only_non_answers_finds_nothing():
    said_nothing = [Response(str(i), t) for i, t in enumerate(["nothing", "don't know", "N/A"])]
    assert similar_responses(said_nothing, "more police") == []


def test_finder_object_shapes_like_an_estimator(english):
    finder = ThemeFinder(2, 8, random_state=0)
    assert finder.fit(english) is finder
    assert finder.result_.settings == {
        **finder.get_params(),
        "remove_shared_direction": False,  # what was done (the parameter is None: decide)
        "stored_vector_dimensions": 0,
    }
    assert len(finder.labels_) == len(english)
    similar = finder.similar("knives and gangs", k=2)
    assert len(similar) == 2


def test_labels_come_back_in_the_order_the_answers_were_given(english, english_concerns):
    # Ids that do not sort in the order given ("9" after "10"), as a team's row numbers.
    renamed = [replace(r, id=str(n)) for n, r in enumerate(reversed(english))]
    concern = [english_concerns[r.id] for r in reversed(english)]
    finder = ThemeFinder(4, 4, random_state=0).fit(renamed)
    labels = finder.nearest_theme_labels()
    theme_of = {m.response_id: t.id for t in finder.result_.themes for m in t.members}
    for response, label in zip(renamed, labels, strict=True):
        if response.id in theme_of:
            assert finder.specs_[label].id == theme_of[response.id]
    assert ari(concern, labels) == 1.0


def test_stored_embeddings_join_and_language_does_not_decide():
    # Two "languages" with no word in common, as Bengali and Somali answers would be; their
    # embeddings carry the concern plus a strong language offset, as multilingual sentence
    # embeddings do. Removing each language's mean lets the concern decide.
    rng = np.random.default_rng(0)
    concern_axes = {"rent": 0, "gp": 1, "knife": 2}
    language_axis = {"xa": 3, "yb": 4}
    responses, vectors, truth = [], {}, {}
    for lang in language_axis:
        for concern, axis in concern_axes.items():
            for i in range(6):
                rid = f"{lang}-{concern}-{i}"
                words = " ".join(f"{lang}{concern}{j}{i}" for j in range(3))
                responses.append(Response(rid, words, language=lang))
                vector = rng.normal(0, 0.05, 8)
                vector[axis] += 1.0
                vector[language_axis[lang]] += 3.0
                vectors[rid] = vector.tolist()
                truth[rid] = concern
    result = find_themes(responses, min_themes=2, max_themes=6, embeddings=vectors)
    assert len(result.themes) == 3
    for theme in result.themes:
        assert len({truth[i] for i in theme.member_ids}) == 1
        assert set(theme.by_language) == {"xa", "yb"}
    # Search text has no embedding; it is compared on words alone and still works.
    assert similar_responses(responses, "xarent00", k=1)[0][0] == "xa-rent-0"


def test_glossed_answers_are_centred_with_the_language_of_their_gloss():
    """A glossed answer's vector is its English gloss's: centring Bengali answers apart from
    the English ones, when Bengali residents raised one concern more than the others, would
    take that concern out of their vectors and split it by language."""
    rng = np.random.default_rng(0)
    responses, vectors, truth = [], {}, {}
    # English: 10 on rent, 10 on the GP; Bengali (all glossed): 19 on rent, 1 on the GP.
    for lang, counts in (("en", {"rent": 10, "gp": 10}), ("bn", {"rent": 19, "gp": 1})):
        for concern, count in counts.items():
            for i in range(count):
                rid = f"{lang}-{concern}-{i}"
                # The words say nothing apart (the same for all): the vectors decide.
                gloss = "community feedback" if lang == "bn" else None
                said = "মতামত" if gloss else "community feedback"
                responses.append(Response(rid, said, lang, gloss))
                vector = rng.normal(0, 0.05, 16)
                vector[0] += 2.0  # what every English sentence shares, to the model
                vector[1 if concern == "rent" else 2] += 1.0
                vectors[rid], truth[rid] = vector.tolist(), concern
    result = find_themes(responses, min_themes=2, max_themes=2, embeddings=vectors)
    placed = [i for t in result.themes for i in t.member_ids]
    assert len(placed) == len(responses)
    for theme in result.themes:
        assert len({truth[i] for i in theme.member_ids}) == 1


def test_word_vectors_group_one_topic_across_languages_without_glosses(
    tmp_path: Path, topics: list[Response], topic_of: dict[str, str]
):
    from analysis.embed import text_key, word_vector_embeddings

    responses, truth = topics, topic_of

    def one_topic_in_both_languages(result: ThemeResult) -> list[bool]:
        return [
            len({truth[i] for i in t.member_ids}) == 1 and set(t.by_language) == {"en", "bn"}
            for t in result.themes
        ]

    # Words alone have nothing to link the languages by (and no grouping beats chance,
    # which once failed with a traceback): no theme is one topic in both languages.
    words_only = find_themes(responses, min_themes=2, max_themes=6)
    assert not any(one_topic_in_both_languages(words_only))

    store = tmp_path / "words.npz"
    vectors = word_vector_embeddings(responses, store)
    # Three themes asked for: in 24 answers the number chosen freely moves between 3 and 4
    # with the seed (weather in two), which is not what this test is about.
    result = find_themes(responses, min_themes=3, max_themes=3, embeddings=vectors)
    assert len(result.themes) == 3 and all(one_topic_in_both_languages(result))
    assert {truth[t.member_ids[0]] for t in result.themes} == {"sport", "weather", "food"}
    assert result.unthemed.size <= 6
    # The themes' answers share hardly a word, yet each has a label made of its words.
    assert all(t.label != "(no distinctive words)" for t in result.themes)
    # Search text is placed with the same word vectors: an English search finds the
    # Bengali answers on the topic, which share no word with it.
    query = "a goal in the football match"
    bengali_sport = {r.id for r in responses if truth[r.id] == "sport" and r.language == "bn"}
    found = [i for i, _ in similar_responses(responses, query, k=5, embeddings=vectors)]
    assert all(truth[i] == "sport" for i in found) and bengali_sport & set(found)
    words_alone = [i for i, s in similar_responses(responses, query, k=5) if s > 0.1]
    assert not bengali_sport & set(words_alone)
    # The result says vectors were used, and editing it asks for the same ones again.
    assert result.settings["stored_vector_dimensions"] == 384
    biggest = max(result.themes, key=lambda t: t.size)
    with pytest.raises(AnalysisError, match="pass the same ones again"):
        split_theme(responses, result, biggest.id)
    split = split_theme(responses, result, biggest.id, n_subthemes=2, embeddings=vectors)
    assert len(split.themes) == 4
    assert {t.id for t in split.themes} > {t.id for t in result.themes if t.id != biggest.id}
    # One vector per content word, kept by hash: no stop word, no answer's text.
    with np.load(store) as stored:
        keys = set(stored["keys"].tolist())
    assert text_key("football") in keys and text_key("বৃষ্টি") in keys
    assert text_key("the") not in keys and text_key(topics[0].text) not in keys
    assert "football".encode("utf-32-le") not in store.read_bytes()


def test_word_vectors_of_answers_without_content_words(tmp_path: Path, english):
    from analysis.embed import WordVectors

    # Answers made only of stop words and numbers have no word to embed: their vector is
    # zero, the other answers are themed as usual, and nothing is embedded for them.
    bare = [Response("z1", "It is what it is"), Response("z2", "and the 2 of them")]
    vectors = WordVectors(tmp_path / "words.npz").fit([*english, *bare])
    assert not np.any(vectors["z1"]) and not np.any(vectors["z2"])
    result = find_themes([*english, *bare], max_themes=8, embeddings=vectors)
    assert len(result.themes) >= 2
    placed = {i for t in result.themes for i in t.member_ids}
    assert {"z1", "z2"} <= placed | set(result.unthemed.member_ids) | set(
        result.non_answers.member_ids
    )
    # Only stop words: nothing to embed at all, and no file is needed.
    empty = WordVectors(tmp_path / "none.npz").fit(bare)
    assert not (tmp_path / "none.npz").exists() and not np.any(empty["z1"])


def test_embedding_helper_gives_unit_vectors_for_any_language():
    from analysis import embed

    vectors = embed.embed_texts(["The rent is too high", "Kirada waa qaali", "ভাড়া খুব বেশি"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # The same concern in Somali is nearer the English than an unrelated sentence is.
    other = embed.embed_texts(["The football match was won in extra time"])[0]
    assert vectors[1] @ vectors[0] > vectors[1] @ other


def test_a_turkish_bin_is_not_an_english_bin():
    """Turkish answers about prices ("bin lira", a thousand lira) beside English answers
    about bins: no Turkish answer joins the bins, and no theme is labelled with a concept
    name ("rubbish", "money") that no answer used."""
    english = [
        "The bins are never emptied",
        "Overflowing bins and litter everywhere",
        "Rubbish bins smell in summer",
        "Nobody collects the bins on our street",
        "Bus fares went up again",
        "The bus is always late",
        "More buses in the evening please",
        "The bus stop has no shelter",
    ]
    turkish = [
        "Kira bin lira arttı",
        "Faturalar bin liradan fazla",
        "Market fiyatları çok yüksek, bin lira yetmiyor",
        "Elektrik faturası bin lira geldi",
    ]
    responses = [Response(f"e{i}", t, "en") for i, t in enumerate(english)]
    responses += [Response(f"t{i}", t, "tr") for i, t in enumerate(turkish)]
    result = find_themes(responses, min_themes=3, max_themes=3)
    bins = next(t for t in result.themes if "e0" in t.member_ids)
    assert not any(i.startswith("t") for i in bins.member_ids)
    used = set(re.findall(r"\w+", " ".join(english + turkish).casefold()))
    for theme in result.themes:
        for word in re.findall(r"\w+", " ".join([theme.label, *theme.keywords]).casefold()):
            assert word in used, (word, theme.label)


def test_new_answers_are_placed_into_existing_themes(english, english_concerns):
    """Later answers go to the theme of their concern without clustering again, each on its
    own (order changes nothing); one about nothing in the themes fits none; a non-answer is
    set apart; the themes themselves do not move."""
    finder = ThemeFinder(4, 4).fit(english)
    before = finder.result_.to_dict()
    theme_of = {}
    for theme in finder.result_.themes:
        concern, _ = concern_of_theme(theme, english_concerns)
        theme_of[concern] = theme.id
    new = [
        Response("n-rent", "The landlord put the rent up and the flat is still damp", "en"),
        Response("n-gp", "Waited two weeks for a GP appointment at the surgery", "en"),
        Response("n-park", "The playground in the park needs fixing", "en"),
        Response("n-none", "Quantum chromodynamics lectures on Tuesdays", "en"),
        Response("n-na", "Don't know", "en"),
    ]
    placed = {p.response_id: p for p in finder.place(new)}
    assert placed["n-rent"].theme_id == theme_of["housing"]
    assert placed["n-gp"].theme_id == theme_of["doctor"]
    assert placed["n-park"].theme_id == theme_of["parks"]
    assert placed["n-none"].theme_id is None and placed["n-none"].reason == "fits none"
    assert placed["n-na"].theme_id is None and placed["n-na"].reason == "non-answer"
    for p in (placed["n-rent"], placed["n-gp"], placed["n-park"]):
        assert 0 <= p.typical <= 1 and p.margin > 0 and p.runner_up not in (None, p.theme_id)
    reordered = finder.place(list(reversed(new)))
    assert {p.response_id: p for p in reordered} == placed
    assert finder.result_.to_dict() == before


def test_a_theme_holding_only_a_pinned_non_answer_takes_no_new_answer():
    """A team pinned a non-answer to its own theme, and the collection has nothing else:
    a later answer has no words to be compared with, so it fits none (and nothing fails)."""
    said_nothing = [Response("1", "nothing"), Response("2", "don't know")]
    codebook = Codebook(themes=[CodebookTheme("kept", "Kept", pinned_response_ids=["1"])])
    finder = ThemeFinder().fit(said_nothing, codebook)
    assert [t.size for t in finder.result_.themes] == [1]
    [placement] = finder.place([Response("3", "More police on the estate at night")])
    assert placement.theme_id is None and placement.reason == "fits none"


def test_placing_needs_the_same_kind_of_vectors(multilingual, multilingual_concerns):
    """Themes found with stored sentence embeddings compare new answers in that space: the
    new answers' vectors are needed, and with them a Bengali answer finds its theme."""
    from analysis import embed

    vectors = embed.embed_texts([r.text for r in multilingual])
    stored = {r.id: v for r, v in zip(multilingual, vectors, strict=True)}
    finder = ThemeFinder(3, 3).fit(multilingual, embeddings=stored)
    new = [Response("n-bn", "ডাক্তার দেখাতে অনেক দিন অপেক্ষা করতে হয়", "bn")]
    with pytest.raises(AnalysisError, match="pass the new answers' vectors"):
        finder.place(new)
    with pytest.raises(AnalysisError, match="no stored vector"):
        finder.place(new, embeddings={})
    [placement] = finder.place(new, embeddings={"n-bn": embed.embed_texts([new[0].text])[0]})
    theme = finder.result_.theme(placement.theme_id)
    assert concern_of_theme(theme, multilingual_concerns)[0] == "doctor"


SOMALI_GLOSSES = {
    "Kirada guriga aad bay u qaali tahay": "The rent for the house is very expensive",
    "Guriga waa yar yahay, qoyskayguna waa weyn yahay": "The house is small and my family big",
    "Gurigu wuu qoyan yahay, caaryaa ayaa ku jirta": "The house is damp, there is mould in it",
    "Sanado ayaan sugayay guri dowladda": "I have waited years for a council house",
    "Ballanta dhakhtarka lama helo": "You cannot get a doctor's appointment",
    "Dhakhtarka GP-ga ballan ma heli karo": "I cannot get a GP appointment",
    "Dhakhtarku ima dhageysto": "The doctor does not listen to me",
    "Saddex toddobaad ayaan sugaa si aan u arko dhakhtarka": "I wait three weeks to see the doctor",
    "Habeenkii waddada ammaan ma aha": "The street is not safe at night",
    "Mindiyo iyo dambiyo ayaa ka dhaca xaafadda": "Knives and crime happen in the area",
    "Daroogo ayaa lagu iibiyaa dhismaha, booliis badan ayaan u baahanahay": (
        "Drugs are sold in the building, we need more police"
    ),
    "Ammaan ma dareemo marka aan habeenkii socdo": "I do not feel safe walking at night",
}


def test_unglossed_answers_in_a_language_the_model_knows_less_are_told(multilingual):
    """Twelve of 48 answers in Somali with no gloss, themed on the model's vectors: the
    result says how many (the team can gloss them); glossed, or themed on words alone,
    nothing is said."""
    from dataclasses import replace

    from analysis import embed

    def vectors(responses: list[Response]) -> dict[str, np.ndarray]:
        made = embed.embed_texts([embed.embedding_text(r) for r in responses])
        return {r.id: v for r, v in zip(responses, made, strict=True)}

    result = find_themes(multilingual, embeddings=vectors(multilingual))
    assert result.confidence.unglossed_less_known == {"so": 12}
    assert "12 answers are in Somali with no English gloss" in result.confidence.explanation
    glossed = [replace(r, gloss=SOMALI_GLOSSES.get(r.text, r.gloss)) for r in multilingual]
    again = find_themes(glossed, embeddings=vectors(glossed))
    assert again.confidence.unglossed_less_known == {}
    assert "Somali" not in again.confidence.explanation
    assert find_themes(multilingual).confidence.unglossed_less_known == {}
    # A handful among many is not worth a warning.
    few = [r for r in multilingual if r.language != "so"] + [
        r for r in multilingual if r.language == "so"
    ][:4]
    assert find_themes(few, embeddings=vectors(few)).confidence.unglossed_less_known == {}


def test_answers_are_judged_far_against_their_own_language():
    """A language whose answers sit further from every centre (one the model knows less)
    is not left unthemed for that alone, while an answer that fits no theme still is."""
    from analysis.unthemed import FAR, UNTHEMED, set_aside

    rng = np.random.default_rng(0)
    dims, k = 3000, 2
    axes = np.eye(dims)[:k]

    def rows(closeness: float, count: int, theme: int) -> np.ndarray:
        noise = rng.normal(size=(count, dims))
        noise -= np.outer(noise @ axes[theme], axes[theme])
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        return closeness * axes[theme] + np.sqrt(1 - closeness**2) * noise

    parts, labels, languages = [], [], []
    for theme in range(k):
        for language, closeness, count in (("en", 0.26, 100), ("so", 0.1, 40), ("so", 0.0, 1)):
            parts.append(rows(closeness, count, theme))
            labels += [theme] * count
            languages += [language] * count
    z = np.vstack(parts)
    labels_arr = np.array(labels)
    fits_none = np.flatnonzero(np.linalg.norm(z[:, :k], axis=1) < 1e-9)
    options = {"min_similarity": 0.15, "min_theme_size": 3}
    coverage = np.ones(len(z))

    # Judged against all answers together, the Somali answers would all be set aside.
    alone, _ = set_aside(z, labels_arr, k, coverage, **options)
    somali = np.array(languages) == "so"
    assert np.mean(alone[somali] == UNTHEMED) > 0.9

    kept, cause = set_aside(z, labels_arr, k, coverage, groups=np.array(languages), **options)
    assert np.mean(kept[somali] == UNTHEMED) < 0.1
    assert np.all(kept[fits_none] == UNTHEMED) and np.all(cause[fits_none] == FAR)
    assert np.mean(kept[~somali] == UNTHEMED) < 0.1


def test_a_few_answers_in_other_languages_do_not_change_how_the_rest_are_themed():
    """240 answers in one language, ten of them marked Portuguese or French (as a guess can
    take a web snippet or a name): the other 230 keep the themes they have without them.
    Removing each language's whole mean had made the collection 'mixed' and let the stored
    vectors outweigh the words for everyone (SearchSnippets: 76 -> 60 % matched)."""
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import normalize

    def collection(marked: bool) -> tuple[list[Response], dict[str, list[float]]]:
        rng = np.random.default_rng(0)
        words = [
            "rent landlord damp mould flat repairs".split(),
            "doctor appointment surgery nurse waiting pharmacy".split(),
            "park playground benches trees grass football".split(),
        ]
        axes = normalize(rng.normal(size=(3, 32)) * np.r_[0, np.ones(31)])
        responses, vectors = [], {}
        for i in range(240):
            # The words and the stored vectors split the answers differently: which one
            # decides shows how the collection was treated.
            said, seen = i % 3, (i // 3) % 3
            language = "en"
            if marked and i % 24 == 5:
                language = "pt" if i % 48 == 5 else "fr"
            vector = rng.normal(0, 0.02, 32) + 0.25 * axes[seen]
            vector[0] += 1.0  # what every sentence of one collection shares, to the model
            responses.append(Response(f"r{i:03d}", " ".join(rng.choice(words[said], 4)), language))
            vectors[f"r{i:03d}"] = vector.tolist()
        return responses, vectors

    def themes_of(responses, vectors) -> dict[str, str]:
        result = find_themes(responses, min_themes=3, max_themes=3, embeddings=vectors)
        return {i: t.id for t in result.themes for i in t.member_ids}

    alone = themes_of(*collection(False))
    marked, vectors = collection(True)
    assert {r.language for r in marked} == {"en", "pt", "fr"}
    with_others = themes_of(marked, vectors)
    english = [r.id for r in marked if r.language == "en"]
    agreement = adjusted_rand_score(
        [alone.get(i, "-") for i in english], [with_others.get(i, "-") for i in english]
    )
    assert agreement > 0.95


def _fine_concerns(n_concerns: int, per: int = 8, seed: int = 0):
    """One-language answers whose words say nothing apart (drawn from one shared pool) and
    whose stored vectors carry the concern beside a strong direction every answer shares,
    as sentence embeddings of one collection do."""
    rng = np.random.default_rng(seed)
    pool = "estate street neighbours council flats lift stairs door window corner".split()
    dims = 64
    concerns = rng.normal(size=(n_concerns, dims))
    concerns[:, 0] = 0
    concerns /= np.linalg.norm(concerns, axis=1, keepdims=True)

    def vector(concern: int) -> list[float]:
        v = rng.normal(0, 0.15, dims) + concerns[concern]
        v[0] += 4.0  # what every answer shares, to the model
        return v.tolist()

    responses, vectors, truth = [], {}, {}
    for c in range(n_concerns):
        for i in range(per):
            rid = f"c{c:02d}-{i}"
            responses.append(Response(rid, " ".join(rng.choice(pool, 5)), "en"))
            vectors[rid], truth[rid] = vector(c), c
    return responses, vectors, truth, vector


def _agreement(result: ThemeResult, truth: dict[str, int]) -> float:
    from sklearn.metrics import adjusted_rand_score

    found = {i: t.id for t in result.themes for i in t.member_ids}
    ids = sorted(truth)
    return adjusted_rand_score([truth[i] for i in ids], [found.get(i, "-") for i in ids])


def test_fine_themes_are_found_without_the_direction_every_answer_shares():
    """With 20 themes or more, the direction all of a collection's stored vectors share is
    removed before grouping (it hid what tells fine concerns apart), the result records it,
    and a rebuild or a new answer is centred the same way; with fewer it is kept."""
    responses, vectors, truth, vector = _fine_concerns(24)
    finder = ThemeFinder(24, 24).fit(responses, embeddings=vectors)
    assert finder.result_.settings["remove_shared_direction"] is True
    assert _agreement(finder.result_, truth) > 0.8  # 0.87-0.90 over three seeds
    kept = ThemeFinder(24, 24, remove_shared_direction=False).fit(responses, embeddings=vectors)
    assert kept.result_.settings["remove_shared_direction"] is False
    assert _agreement(kept.result_, truth) < 0.4  # 0.23-0.29: the words decide

    rebuilt = ThemeFinder.from_result(responses, finder.result_, vectors)
    assert np.allclose(rebuilt.embedding_, finder.embedding_)
    theme_of: dict[int, str] = {}
    for theme in finder.result_.themes:
        concerns = Counter(truth[i] for i in theme.member_ids)
        theme_of[concerns.most_common(1)[0][0]] = theme.id
    new = [Response(f"new-{c}", "estate street door", "en") for c in (3, 17)]
    placed = finder.place(new, {f"new-{c}": vector(c) for c in (3, 17)})
    assert [p.theme_id for p in placed] == [theme_of[3], theme_of[17]]
    # An answer arriving again, word for word and vector for vector, sits where it sat.
    first = responses[0]
    again = Response("again", first.text, "en")
    (placement,) = finder.place([again], {"again": vectors[first.id]})
    member = next(m for t in finder.result_.themes for m in t.members if m.response_id == first.id)
    assert placement.theme_id == theme_of[truth[first.id]]
    assert placement.similarity == pytest.approx(member.score, abs=1e-3)

    few, few_vectors, few_truth, _ = _fine_concerns(4, per=20)
    broad = ThemeFinder(4, 4).fit(few, embeddings=few_vectors)
    assert broad.result_.settings["remove_shared_direction"] is False
    assert broad.space_.stored_direction_ is None


def test_the_number_of_themes_is_chosen_on_what_the_stored_vectors_tell_apart():
    """Six concerns in the stored vectors, beside a direction every answer shares, and 40
    small clumps of words across them (as near-identical snippets are): seen with the
    shared direction the words decide and 36 themes are suggested; the number is chosen
    without it: six."""
    rng = np.random.default_rng(0)
    dims, n_concerns = 64, 6
    concerns = rng.normal(size=(n_concerns, dims))
    concerns[:, 0] = 0
    concerns /= np.linalg.norm(concerns, axis=1, keepdims=True)
    responses, vectors = [], {}
    for clump in range(40):
        own = [f"{word}{clump}" for word in ("lift", "stair", "door", "bin")]
        for i in range(12):
            concern = int(rng.integers(n_concerns))
            vector = rng.normal(0, 0.15, dims) + concerns[concern]
            vector[0] += 6.0  # what every answer shares, to the model
            rid = f"k{clump:02d}-{i}"
            responses.append(Response(rid, " ".join(rng.choice(own, 3)), "en"))
            vectors[rid] = vector.tolist()

    finder = ThemeFinder(2, 60).fit(responses, embeddings=vectors)
    assert finder.chosen_k_ == n_concerns
    # Chosen so, not merged back to six after grouping into more.
    assert finder.confidence_.modularity_k == n_concerns
    assert f"With {n_concerns}, answers that are alike" in finder.confidence_.explanation
    seen_as_given = ThemeFinder(2, 60, remove_shared_direction=False)
    assert seen_as_given.fit(responses, embeddings=vectors).chosen_k_ > 30
