"""Repeats: the cost of asking a part of the survey once per person.

    python bench/bench_repeats.py [--instances 50] [--questions 20] [--repeat 7]

A household survey whose repeat has ``--questions`` questions (skip logic, constraints and
a label naming the same person's answer) is answered for ``--instances`` people. Prints the
median time of the no-JavaScript page that checks and shows all of them (a POST of the
repeat's page, in process, through the whole app), beside the baseline: the same page of
a survey with the same number of questions written out one by one, no repeat. Also the
time ``Survey.expanded`` takes alone for that many people.
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_ms  # noqa: E402
from survey_app import create_app, storage  # noqa: E402
from survey_app.surveys.model import instance_key, parse_survey  # noqa: E402

CONSENT = {
    "id": "welcome",
    "title": "Welcome",
    "questions": [
        {
            "id": "consent",
            "type": "consent",
            "records": "consent",
            "required": True,
            "label": "I agree.",
        }
    ],
}


def _questions(count: int, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"id": name, "type": "short_text", "label": "First name"}]
    for i in range(1, count):
        found.append(
            {
                "id": f"{name}_q{i}",
                "type": "integer",
                "label": f"Question {i} about ${{{name}}}",
                "constraint": ". < 200",
                "relevant": f"${{{name}}} != 'nobody'",
            }
        )
    return found


def repeated(questions: int) -> dict[str, Any]:
    return {
        "id": "household",
        "version": 1,
        "default_language": "en",
        "consent_version": "h-1",
        "title": "Household",
        "steps": [
            CONSENT,
            {
                "id": "members",
                "title": "Person",
                "repeat": {},
                "questions": _questions(questions, "name"),
            },
        ],
    }


def written_out(questions: int, instances: int) -> dict[str, Any]:
    """The same questions, one copy per person written into the form by hand."""
    every: list[dict[str, Any]] = []
    for n in range(1, instances + 1):
        every += _questions(questions, f"p{n}")
    return {
        "id": "flat",
        "version": 1,
        "default_language": "en",
        "consent_version": "f-1",
        "title": "Household",
        "steps": [CONSENT, {"id": "members", "title": "People", "questions": every}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "DATABASE": str(Path(folder) / "bench.sqlite"),
                "SECRET_KEY": "bench",
                "TESTING": True,
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "EMBED_ON_ARRIVAL": False,
            }
        )
        home = repeated(args.questions)
        flat = written_out(args.questions, args.instances)
        with app.app_context():
            db = storage.get_db()
            for definition in (home, flat):
                storage.surveys.save_draft(db, copy.deepcopy(definition))
                storage.surveys.publish_draft(db, definition["id"])
        base = {
            "response_id": "6f1c1c1e-0d1a-4c1b-9d6e-1a2b3c4d5e6f",
            "survey_version": "1",
            "mode": "self",
            "step": "members",
            "consent": "yes",
            "action": "next",
        }
        people: dict[str, str] = {"members": str(args.instances)}
        written: dict[str, str] = {}
        for n in range(1, args.instances + 1):
            people[instance_key("members", n, "name")] = f"Person {n}"
            written[f"p{n}"] = f"Person {n}"
            for i in range(1, args.questions):
                people[instance_key("members", n, f"name_q{i}")] = str(i)
                written[f"p{n}_q{i}"] = str(i)
        client = app.test_client()

        def shown(survey_id: str, answers: dict[str, str]) -> None:
            # The page shown again (a language chosen): every answer gathered and laid out.
            data = {**base, **answers, "action": "language", "switch_to": "en"}
            reply = client.post(f"/en/s/{survey_id}/", data=data)
            assert reply.status_code == 200, reply.status_code

        def stored(survey_id: str, answers: dict[str, str]) -> None:
            # The last page's "Send": every answer checked, then stored (a new id each time).
            data = {**base, **answers, "response_id": str(uuid.uuid4())}
            reply = client.post(f"/en/s/{survey_id}/", data=data)
            assert reply.status_code == 303, reply.status_code

        survey = parse_survey(home)
        raw = {k: [v] for k, v in people.items()}
        expand = median_ms(lambda: survey.expanded(raw), args.repeat)
        answers = {"flat": written, "household": people}

        def timed(what: Callable[[str, dict[str, str]], None], survey_id: str) -> float:
            return median_ms(lambda: what(survey_id, answers[survey_id]), args.repeat)

        timings = {
            (what.__name__, survey_id): timed(what, survey_id)
            for what in (shown, stored)
            for survey_id in ("flat", "household")
        }
    total = args.instances * args.questions
    print(f"{args.instances} people x {args.questions} questions = {total} answers on one page")
    print(f"  Survey.expanded alone:            {expand:8.1f} ms (median of {args.repeat})")
    for what, label in (("shown", "page shown"), ("stored", "page checked and stored")):
        flat_ms, repeat_ms = timings[(what, "flat")], timings[(what, "household")]
        print(f"  {label}, written out (baseline): {flat_ms:8.1f} ms")
        ratio = repeat_ms / flat_ms
        print(f"  {label}, as a repeat:            {repeat_ms:8.1f} ms  ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
