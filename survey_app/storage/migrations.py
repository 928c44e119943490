"""Schema changes, in order. Never edit an applied one: add the next."""

from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("what-matters")


@MIGRATIONS(name="0001_surveys_responses_answers_contacts")
def _initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE survey_versions (
            survey_id TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version > 0),
            definition TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            published_at TEXT NOT NULL,
            PRIMARY KEY (survey_id, version)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            survey_id TEXT NOT NULL,
            survey_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('self', 'assisted')),
            created_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            consent_given INTEGER NOT NULL CHECK (consent_given = 1),
            consent_version TEXT NOT NULL,
            quote_consent INTEGER NOT NULL CHECK (quote_consent IN (0, 1)),
            contact_consent INTEGER NOT NULL CHECK (contact_consent IN (0, 1)),
            content_hash TEXT NOT NULL,
            FOREIGN KEY (survey_id, survey_version)
                REFERENCES survey_versions (survey_id, version)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE answers (
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            value TEXT NOT NULL,
            gloss TEXT,
            PRIMARY KEY (response_id, question_id, position)
        )
        """
    )
    # Contact details sit apart from answers so that they can be erased, or
    # withheld from analysts, without touching what the person said.
    db.execute(
        """
        CREATE TABLE contacts (
            response_id TEXT PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,
            name TEXT,
            phone TEXT,
            email TEXT,
            created_at TEXT NOT NULL
        )
        """
    )


@MIGRATIONS(name="0002_indexes_for_reports")
def _indexes(db: Database) -> None:
    # Reports count answers per question and list responses by arrival.
    db.execute("CREATE INDEX answers_by_question ON answers (question_id, value)")
    db.execute("CREATE INDEX responses_by_received ON responses (survey_id, received_at)")


@MIGRATIONS(name="0003_users_and_devices")
def _users_and_devices(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('coordinator', 'volunteer', 'analyst')),
            languages TEXT NOT NULL DEFAULT '',
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        )
        """
    )
    # A device holds a token, never a password: it lets a tablet send what it
    # queued however long it was offline. Only the token's hash is kept here.
    db.execute(
        """
        CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            label TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            last_seen_at TEXT,
            revoked_at TEXT
        )
        """
    )
    db.execute("ALTER TABLE responses ADD COLUMN device_id TEXT REFERENCES devices (id)")


@MIGRATIONS(name="0004_events")
def _events(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('door_knocking', 'world_cafe', 'drop_in', 'online')),
            name TEXT NOT NULL,
            survey_id TEXT NOT NULL,
            starts_on TEXT,
            starts_at TEXT,
            area TEXT NOT NULL DEFAULT '',
            host TEXT NOT NULL DEFAULT '',
            tables INTEGER,
            languages TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute("ALTER TABLE responses ADD COLUMN event_id TEXT REFERENCES events (id)")
    db.execute("CREATE INDEX responses_by_event ON responses (event_id)")


@MIGRATIONS(name="0005_invites")
def _invites(db: Database) -> None:
    # A coordinator invites a person; the person sets their own password through
    # a link that works once and expires. Only the link's hash is kept.
    db.execute("ALTER TABLE users ADD COLUMN invite_hash TEXT")
    db.execute("ALTER TABLE users ADD COLUMN invite_expires_at TEXT")
    db.execute("CREATE UNIQUE INDEX users_by_invite ON users (invite_hash)")


@MIGRATIONS(name="0006_door_log")
def _door_log(db: Database) -> None:
    # One row per knock. The address is the least a round needs: a street and a door
    # label the coordinator chose to collect, which can be cleared once the round closes.
    db.execute(
        """
        CREATE TABLE doors (
            id TEXT PRIMARY KEY,
            event_id TEXT NOT NULL REFERENCES events (id),
            device_id TEXT REFERENCES devices (id),
            street TEXT NOT NULL,
            door TEXT,
            outcome TEXT NOT NULL CHECK (outcome IN ('no_answer', 'come_back', 'declined',
                'completed', 'online_later', 'needs_language', 'do_not_knock')),
            language TEXT,
            response_id TEXT,
            knocked_at TEXT NOT NULL,
            received_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            CHECK ((outcome = 'needs_language') = (language IS NOT NULL))
        )
        """
    )
    db.execute("CREATE INDEX doors_by_event ON doors (event_id, street)")


@MIGRATIONS(name="0007_round_volunteers")
def _round_volunteers(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE event_volunteers (
            event_id TEXT NOT NULL REFERENCES events (id),
            user_id INTEGER NOT NULL REFERENCES users (id),
            PRIMARY KEY (event_id, user_id)
        )
        """
    )


@MIGRATIONS(name="0008_survey_authoring_and_reviews")
def _survey_authoring(db: Database) -> None:
    # One row per survey: the working copy a coordinator edits, and whether residents
    # see it. Published versions stay in survey_versions, every one ever answered.
    db.execute(
        """
        CREATE TABLE surveys (
            id TEXT PRIMARY KEY,
            draft TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'unpublished')),
            source TEXT NOT NULL CHECK (source IN ('bundled', 'xlsform')),
            source_hash TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        INSERT INTO surveys (id, draft, status, source, source_hash, updated_at)
        SELECT v.survey_id, v.definition, 'published', 'bundled', v.content_hash, v.published_at
        FROM survey_versions v
        WHERE v.version = (SELECT max(version) FROM survey_versions w
                           WHERE w.survey_id = v.survey_id)
        """
    )
    # A bilingual volunteer's verdict on one text in one language: approved as it is
    # (text NULL) or corrected. Shown over the shipped catalogues and survey files.
    db.execute(
        """
        CREATE TABLE text_reviews (
            language TEXT NOT NULL,
            domain TEXT NOT NULL,
            key TEXT NOT NULL,
            text TEXT,
            reviewed_by INTEGER REFERENCES users (id),
            reviewed_at TEXT NOT NULL,
            PRIMARY KEY (language, domain, key)
        )
        """
    )


@MIGRATIONS(name="0009_answer_language")
def _answer_language(db: Database) -> None:
    # The language of the words in an answer, which may differ from the screen's: a
    # resident who speaks Sylheti while the volunteer's tablet shows English. Earlier
    # answers were given in the screen language of their response.
    db.execute("ALTER TABLE answers ADD COLUMN language TEXT")
    db.execute(
        "UPDATE answers SET language ="
        " (SELECT r.language FROM responses r WHERE r.id = answers.response_id)"
    )


@MIGRATIONS(name="0010_door_undo")
def _door_undo(db: Database) -> None:
    # A volunteer may undo a mistaken door for a few minutes. The knock stays, marked
    # with who undid it and when, so that the round's record shows the correction.
    db.execute("ALTER TABLE doors ADD COLUMN logged_by INTEGER REFERENCES users (id)")
    db.execute("ALTER TABLE doors ADD COLUMN undone_at TEXT")
    db.execute("ALTER TABLE doors ADD COLUMN undone_by INTEGER REFERENCES users (id)")
    db.execute(
        "UPDATE doors SET logged_by ="
        " (SELECT v.user_id FROM devices v WHERE v.id = doors.device_id)"
    )
    # The knocks that count, for every count and list of a round.
    db.execute("CREATE VIEW counted_doors AS SELECT * FROM doors WHERE undone_at IS NULL")


@MIGRATIONS(name="0011_staff_log")
def _staff_log(db: Database) -> None:
    # What coordinators did to accounts: who, to whom, what and when (UTC). Names and
    # emails are not copied here; the ids lead to them while the accounts exist.
    db.execute(
        """
        CREATE TABLE staff_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users (id),
            action TEXT NOT NULL,
            subject_id INTEGER REFERENCES users (id),
            detail TEXT NOT NULL DEFAULT ''
        )
        """
    )


@MIGRATIONS(name="0012_event_version_and_cancel")
def _event_version_and_cancel(db: Database) -> None:
    # The survey version an event collects: NULL follows whatever is published when a
    # person answers; a number keeps the event on that version (a round mid-way through
    # is not switched to a changed survey).
    db.execute("ALTER TABLE events ADD COLUMN survey_version INTEGER")
    db.execute("ALTER TABLE events ADD COLUMN cancelled_at TEXT")


@MIGRATIONS(name="0013_answer_vectors")
def _answer_vectors(db: Database) -> None:
    # Each free-text answer's sentence embedding, made once (on first use) and kept for
    # every later analysis. A vector says much about the words it was made from, so it
    # lives and dies with the answer: deleting the response deletes its vectors.
    # ``text_hash`` is the SHA-256 of the text embedded (the gloss, or the answer): a
    # corrected gloss is embedded again instead of keeping a stale vector.
    db.execute(
        """
        CREATE TABLE answer_vectors (
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            model TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (response_id, question_id, model)
        )
        """
    )


@MIGRATIONS(name="0014_review_workspace")
def _review_workspace(db: Database) -> None:
    # Who wrote an answer's English gloss (NULL: the volunteer at the door, with the
    # answer) and who checked it. A gloss is used by the analysis as soon as it is saved.
    db.execute("ALTER TABLE answers ADD COLUMN gloss_by INTEGER REFERENCES users (id)")
    db.execute("ALTER TABLE answers ADD COLUMN gloss_at TEXT")
    db.execute("ALTER TABLE answers ADD COLUMN gloss_checked_by INTEGER REFERENCES users (id)")
    db.execute("ALTER TABLE answers ADD COLUMN gloss_checked_at TEXT")
    # The survey beside each answer, so that the analysis pages count and list one
    # question's answers from an index alone, without visiting every response: at
    # 100,000 answers that join cost more than the whole page may take.
    db.execute("ALTER TABLE answers ADD COLUMN survey_id TEXT")
    db.execute(
        "UPDATE answers SET survey_id ="
        " (SELECT r.survey_id FROM responses r WHERE r.id = answers.response_id)"
    )
    # With the gloss in it, counting answers and glosses per language reads the index only.
    db.execute(
        "CREATE INDEX answers_by_survey_question"
        " ON answers (survey_id, question_id, position, language, gloss)"
    )
    # One analysis at a time per question: the partial unique index refuses a second
    # waiting or running row in the same transaction that would start it.
    db.execute(
        """
        CREATE TABLE analysis_runs (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('find', 'place')),
            status TEXT NOT NULL CHECK (status IN ('waiting', 'running', 'done', 'failed')),
            progress REAL NOT NULL DEFAULT 0,
            stage TEXT NOT NULL DEFAULT '',
            scope TEXT NOT NULL DEFAULT '{}',
            themes_wanted INTEGER,
            started_by INTEGER REFERENCES users (id),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            error TEXT,
            settings TEXT,
            confidence TEXT,
            changes TEXT
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX one_run_at_a_time ON analysis_runs (survey_id, question_id)"
        " WHERE status IN ('waiting', 'running')"
    )
    # The review state of one question's themes. ``version`` grows with every change, so
    # a change made from a page that shows an older state is refused, never applied.
    db.execute(
        """
        CREATE TABLE themes (
            id TEXT PRIMARY KEY,
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            label TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            keywords TEXT NOT NULL DEFAULT '[]',
            locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
            reviewed INTEGER NOT NULL DEFAULT 0 CHECK (reviewed IN (0, 1)),
            position INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            run_id INTEGER REFERENCES analysis_runs (id),
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX themes_by_question ON themes (survey_id, question_id)")
    # An answer may speak to several themes. ``placed_by`` 'person' is a decision a new
    # run keeps; 'engine' is the draft's.
    db.execute(
        """
        CREATE TABLE theme_members (
            theme_id TEXT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            placed_by TEXT NOT NULL CHECK (placed_by IN ('engine', 'person')),
            score REAL,
            PRIMARY KEY (theme_id, response_id)
        )
        """
    )
    db.execute("CREATE INDEX members_by_response ON theme_members (response_id)")
    # A theme's most typical answers first, without sorting all of them.
    db.execute("CREATE INDEX members_by_score ON theme_members (theme_id, score DESC)")
    # Every answer an analysis has seen, and why an answer in no theme is there. An answer
    # with no row here is new since the last run. 'set_aside' is a person's decision.
    db.execute(
        """
        CREATE TABLE reviewed_answers (
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            state TEXT NOT NULL CHECK (state IN ('themed', 'unthemed', 'non_answer', 'set_aside')),
            reason TEXT NOT NULL DEFAULT '',
            run_id INTEGER REFERENCES analysis_runs (id),
            PRIMARY KEY (survey_id, question_id, response_id)
        )
        """
    )
    db.execute(
        "CREATE INDEX reviewed_answers_by_state ON reviewed_answers (survey_id, question_id, state)"
    )
    # Quotes the team chose for the report; only from residents who agreed to be quoted.
    db.execute(
        """
        CREATE TABLE pinned_quotes (
            theme_id TEXT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            pinned_by INTEGER REFERENCES users (id),
            pinned_at TEXT NOT NULL,
            PRIMARY KEY (theme_id, response_id)
        )
        """
    )
    # Every review decision: who, when, what (in words' ingredients), and the state it
    # replaced, so that it can be undone. ``after`` holds the versions the change left.
    db.execute(
        """
        CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users (id),
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            before TEXT NOT NULL DEFAULT '{}',
            after TEXT NOT NULL DEFAULT '{}',
            undone_at TEXT,
            undone_by INTEGER REFERENCES users (id)
        )
        """
    )
    db.execute("CREATE INDEX review_log_by_question ON review_log (survey_id, question_id, id)")
    # Independent coding: a sample of answers that several people each place in a theme
    # on their own, to see where they agree. A code's theme is kept as text (no foreign
    # key): a theme merged away later still names what the person chose.
    db.execute(
        """
        CREATE TABLE coding_rounds (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE coding_items (
            round_id INTEGER NOT NULL REFERENCES coding_rounds (id) ON DELETE CASCADE,
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            settled_theme TEXT,
            settled_by INTEGER REFERENCES users (id),
            settled_at TEXT,
            PRIMARY KEY (round_id, response_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE codes (
            round_id INTEGER NOT NULL,
            response_id TEXT NOT NULL,
            coder_id INTEGER NOT NULL REFERENCES users (id),
            theme_id TEXT NOT NULL,
            coded_at TEXT NOT NULL,
            PRIMARY KEY (round_id, response_id, coder_id),
            FOREIGN KEY (round_id, response_id)
                REFERENCES coding_items (round_id, response_id) ON DELETE CASCADE
        )
        """
    )


@MIGRATIONS(name="0015_reports_exports_actions")
def _reports_exports_actions(db: Database) -> None:
    # Who took which file out of the app, and when: residents' answers leave only on
    # the record. No file content is kept, only what it held.
    db.execute(
        """
        CREATE TABLE export_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER REFERENCES users (id),
            survey_id TEXT,
            what TEXT NOT NULL,
            format TEXT NOT NULL,
            rows INTEGER NOT NULL
        )
        """
    )
    # A saved report is a dated version that stays as it was: its content is kept as
    # it was gathered (themes, counts, consented quotes), not worked out again.
    db.execute(
        """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL REFERENCES surveys (id),
            title TEXT NOT NULL,
            introduction TEXT NOT NULL,
            language TEXT NOT NULL,
            sections TEXT NOT NULL,
            content TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            -- The form's own id: a double click or a re-sent form saves one version.
            request_id TEXT UNIQUE
        )
        """
    )
    db.execute("CREATE INDEX reports_by_survey ON reports (survey_id, created_at)")
    # "You said, we did": what the team and partners are doing about a theme, as dated
    # updates. A theme's plain-words summary for the public page is kept with it.
    db.execute(
        """
        CREATE TABLE theme_actions (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL REFERENCES surveys (id),
            -- No foreign key: undoing a review decision puts a theme back by deleting and
            -- re-inserting it (storage/review_log.py), which must not take its updates too.
            theme_id TEXT NOT NULL,
            text TEXT NOT NULL,
            happened_on TEXT NOT NULL,
            language TEXT,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            request_id TEXT UNIQUE
        )
        """
    )
    db.execute("CREATE INDEX theme_actions_by_theme ON theme_actions (theme_id, happened_on)")
    # The public page in residents' languages: a theme's name and description and each
    # action, translated by the team or a volunteer who speaks the language. ``item`` is
    # 'theme:<id>:name', 'theme:<id>:description' or 'action:<id>'.
    db.execute(
        """
        CREATE TABLE public_texts (
            survey_id TEXT NOT NULL REFERENCES surveys (id),
            item TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT NOT NULL,
            updated_by INTEGER REFERENCES users (id),
            updated_at TEXT NOT NULL,
            PRIMARY KEY (survey_id, language, item)
        )
        """
    )
    db.execute("ALTER TABLE themes ADD COLUMN public INTEGER NOT NULL DEFAULT 0")
    # The language a person named the theme in (the page's language then), so the public
    # page can mark it for screen readers where it shows untranslated.
    db.execute("ALTER TABLE themes ADD COLUMN name_language TEXT")


@MIGRATIONS(name="0016_answers_one_index_fewer")
def _answers_one_index_fewer(db: Database) -> None:
    # Every query that looked answers up by question now names the survey too, so
    # answers_by_survey_question serves it; keeping a second index of every answer's
    # full text cost each stored batch a third of its write time.
    db.execute("DROP INDEX IF EXISTS answers_by_question")


@MIGRATIONS(name="0017_response_started_at")
def _response_started_at(db: Database) -> None:
    # When the person began (ODK's "start"); created_at is when they finished ("end").
    db.execute("ALTER TABLE responses ADD COLUMN started_at TEXT")


@MIGRATIONS(name="0018_recordings")
def _recordings(db: Database) -> None:
    # A voice answer: declared by its response (so the server knows what to wait for),
    # its bytes arriving later in chunks. The file lives outside the database under a
    # name the server makes; stored_name is set in the same transaction that says it
    # arrived, so a row without it is still waiting.
    db.execute(
        """
        CREATE TABLE recordings (
            id TEXT PRIMARY KEY,
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            survey_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size > 0),
            seconds INTEGER NOT NULL,
            sha256 TEXT,
            language TEXT NOT NULL,
            stored_name TEXT UNIQUE,
            arrived_at TEXT,
            transcript TEXT,
            transcript_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
            transcript_at TEXT,
            transcript_machine INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX recordings_by_response ON recordings (response_id)")
    db.execute("CREATE INDEX recordings_by_question ON recordings (survey_id, question_id)")
    # The resident's own consent to keeping their voice, apart from quoting and contact.
    db.execute("ALTER TABLE responses ADD COLUMN voice_consent INTEGER")


@MIGRATIONS(name="0019_staff_sessions")
def _staff_sessions(db: Database) -> None:
    # A signed-in person's session lives here as well as in the signed cookie, so that
    # signing out (or being deactivated) ends it on the server: a copy of the cookie
    # taken before is worth nothing after. Only the token's SHA-256 is kept.
    db.execute(
        """
        CREATE TABLE staff_sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            ended_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX staff_sessions_by_user ON staff_sessions (user_id)")
    # Failed sign-ins by account (the address typed, hashed), whatever address they came
    # from: an account is held for a while after too many, the right password included.
    db.execute(
        """
        CREATE TABLE sign_in_failures (
            account_hash TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX sign_in_failures_by_account ON sign_in_failures (account_hash, at)")


@MIGRATIONS(name="0020_residents_rights")
def _residents_rights(db: Database) -> None:
    # A resident's short reference is made from their response's id (storage/references.py),
    # so it needs no column: a look-up reads the id's prefix from the primary key.
    # Who collected the consents when a volunteer helped (NULL: the resident alone).
    db.execute("ALTER TABLE responses ADD COLUMN collected_by INTEGER REFERENCES users (id)")
    db.execute(
        "UPDATE responses SET collected_by = (SELECT d.user_id FROM devices d"
        " WHERE d.id = responses.device_id) WHERE mode = 'assisted'"
    )
    # A consent withdrawn later: when and by whose hand (the resident asked a coordinator).
    db.execute(
        """
        CREATE TABLE consent_withdrawals (
            response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('take_part', 'quote', 'contact', 'voice')),
            at TEXT NOT NULL,
            by INTEGER REFERENCES users (id) ON DELETE SET NULL,
            PRIMARY KEY (response_id, kind)
        )
        """
    )
    # Each consent a resident gave or refused: when, in which language, which wording, who
    # collected it, and when withdrawn. A view over the response's own row: storing four
    # more rows with every response cost a fifth of the ingest rate (docs/benchmarks.md).
    db.execute(
        """
        CREATE VIEW consents AS
        SELECT r.id AS response_id, k.kind AS kind,
            -- A withdrawn consent was given: the response's column holds what stands now.
            CASE WHEN w.at IS NOT NULL THEN 1 WHEN k.kind = 'take_part' THEN r.consent_given
                WHEN k.kind = 'quote' THEN r.quote_consent
                WHEN k.kind = 'contact' THEN r.contact_consent ELSE r.voice_consent END AS given,
            r.created_at AS at, r.language AS language, r.consent_version AS wording,
            r.collected_by AS collected_by, w.at AS withdrawn_at, w.by AS withdrawn_by
        FROM responses r
        JOIN (SELECT 'take_part' AS kind UNION ALL SELECT 'quote' UNION ALL SELECT 'contact'
              UNION ALL SELECT 'voice') k ON k.kind != 'voice' OR r.voice_consent IS NOT NULL
        LEFT JOIN consent_withdrawals w ON w.response_id = r.id AND w.kind = k.kind
        """
    )
    # What happened to accounts, devices and residents' data, for coordinators to read:
    # sign-ins (and failures), device registrations and revocations, erasures, withdrawals
    # and purges. ``detail`` holds counts and ids, never what a resident said or gave.
    # (Role changes stay in staff_log and exports in export_log; the audit page reads all.)
    db.execute(
        """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}'
        )
        """
    )
    db.execute("CREATE INDEX audit_log_by_time ON audit_log (at)")
    # How long a survey's answers and its residents' contact details are kept (days from
    # the response; NULL: until someone erases them).
    db.execute("ALTER TABLE surveys ADD COLUMN keep_answers_days INTEGER")
    db.execute("ALTER TABLE surveys ADD COLUMN keep_contacts_days INTEGER")


@MIGRATIONS(name="0021_erased_responses")
def _erased_responses(db: Database) -> None:
    # Erased responses, by the SHA-256 of their random id: a tablet that still holds one
    # (offline, or a saved file) cannot send it back, and a restored backup has it erased
    # again. The hash names no one: the id was random and nothing else is kept.
    db.execute(
        """
        CREATE TABLE erased_responses (
            id_hash TEXT PRIMARY KEY,
            at TEXT NOT NULL
        )
        """
    )
