"""Encrypted backups made while the app takes answers, restored to the same rows and
files; a wrong passphrase or a damaged file changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from flask import Flask

from survey_app import create_app
from survey_app.operations import backups
from tests.test_rights import _app, _item, _send
from tests.voice.helpers import declared, recording_bytes, upload, voice_response


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def _files(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()
    }


def _with_answers(tmp_path: Path) -> Flask:
    app = _app(tmp_path)
    for _ in range(3):
        data = recording_bytes(120_000)
        spoken = declared("what_matters", data)
        _send(app, voice_response(spoken))
        assert upload(app.test_client(), spoken["id"], data).status_code == 204
    _send(app, _item())
    return app


def _restored_app(tmp_path: Path) -> Flask:
    return create_app({"DATABASE": str(tmp_path / "restored" / "r.sqlite"), "SECRET_KEY": "r"})


def test_a_backup_restores_to_the_same_rows_and_files(tmp_path: Path) -> None:
    app = _with_answers(tmp_path)
    secret = tmp_path / "passphrase"
    secret.write_text("correct horse battery staple\n")
    out = tmp_path / "out" / "backup.tar"
    made = app.test_cli_runner().invoke(args=["backup", str(out), "--passphrase-file", str(secret)])
    assert made.exit_code == 0, made.output
    assert "3 voice recordings" in made.output
    # Nothing readable inside: a resident's words are not in the file as written.
    assert b"Hodan" not in out.read_bytes() and b"SQLite format" not in out.read_bytes()
    with tarfile.open(out) as archive:
        assert set(archive.getnames()) == {"README.txt", "key.json", "data.tar.age"}

    target = _restored_app(tmp_path)
    restored = target.test_cli_runner().invoke(
        args=["restore", str(out), "--passphrase-file", str(secret)]
    )
    assert restored.exit_code == 0, restored.output
    assert _dump(Path(target.config["DATABASE"])) == _dump(Path(app.config["DATABASE"]))
    assert _files(Path(target.config["RECORDINGS_FOLDER"])) == _files(
        Path(app.config["RECORDINGS_FOLDER"])
    )
    # A database with data in it is not replaced without --replace.
    again = target.test_cli_runner().invoke(
        args=["restore", str(out), "--passphrase-file", str(secret)]
    )
    assert again.exit_code != 0 and "--replace" in again.output


def test_a_wrong_passphrase_or_a_damaged_file_changes_nothing(tmp_path: Path) -> None:
    app = _with_answers(tmp_path)
    out = tmp_path / "backup.tar"
    backups.make(
        Path(app.config["DATABASE"]), Path(app.config["RECORDINGS_FOLDER"]), out, "right one"
    )
    target = _restored_app(tmp_path)
    database = Path(target.config["DATABASE"])
    before = _dump(database)
    folder = Path(target.config["RECORDINGS_FOLDER"])
    with pytest.raises(backups.BackupError, match="passphrase does not open"):
        backups.restore(out, "wrong one", database, folder, replace=True)
    damaged = tmp_path / "damaged.tar"
    data = bytearray(out.read_bytes())
    data[-20_000] ^= 0xFF  # a flipped byte inside the encrypted data
    damaged.write_bytes(bytes(data))
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore(damaged, "right one", database, folder, replace=True)
    assert _dump(database) == before
    assert not folder.exists() or not _files(folder)
    not_a_backup = tmp_path / "photo.tar"
    not_a_backup.write_bytes(b"not a tar file at all")
    with pytest.raises(backups.BackupError, match="cannot be read"):
        backups.restore(not_a_backup, "right one", database, folder, replace=True)


def test_a_backup_taken_while_answers_arrive_is_consistent(tmp_path: Path) -> None:
    app = _with_answers(tmp_path)
    stop = threading.Event()

    def keep_sending() -> None:
        while not stop.is_set():
            _send(app, _item(id=str(uuid.uuid4())))

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        out = tmp_path / "busy.tar"
        backups.make(Path(app.config["DATABASE"]), Path(app.config["RECORDINGS_FOLDER"]), out, "pw")
    finally:
        stop.set()
        sender.join()
    database = tmp_path / "busy" / "b.sqlite"
    folder = tmp_path / "busy" / "rec"
    backups.restore(out, "pw", database, folder, replace=False)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        named = {r[0] for r in conn.execute("SELECT stored_name FROM recordings")}
        copied = conn.execute("SELECT count(*) FROM responses").fetchone()[0]
    assert named == set(_files(folder)) and len(named) == 3
    assert copied >= 4
