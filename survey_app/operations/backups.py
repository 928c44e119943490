"""Encrypted backups of the database and the voice recordings, made while the app runs,
and their restore.

A backup is one ``.tar`` file holding:

- ``data.tar.age``: a tar of ``manifest.json``, ``database.sqlite`` and
  ``recordings/<file>``, encrypted in the age format (age-encryption.org, through pyrage)
  to a new random age identity, streamed, never whole in memory;
- ``key.json``: that identity, encrypted with AES-256-GCM (cryptography) under a key
  derived from the passphrase with scrypt (N=2^17, 128 MiB: age's own passphrase mode
  asks for 1 GiB here, more than a small server has to spare).

The database is copied with SQLite's online backup, then exactly the recordings that
copy names: the two agree, whatever arrives or is erased meanwhile.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pyrage
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pyrage import x25519

from .. import storage
from ..storage import audio

FORMAT = "what-matters-backup/1"
README = """What Matters backup ({format}).
data.tar.age holds manifest.json, database.sqlite and recordings/, encrypted (age format)
to an age identity; key.json holds that identity, encrypted with AES-256-GCM under
scrypt(passphrase, salt, n, r, p) with the additional data "{format}".
Restore with: flask --app survey_app restore <this file>
"""
CHUNK = 1024 * 1024
SCRYPT = {"n": 2**17, "r": 8, "p": 1}


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class Made:
    path: Path
    recordings: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _add_text(archive: tarfile.TarFile, name: str, text: str) -> None:
    data = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def make(database: Path, recordings: Path, output: Path, secret: str) -> Made:
    """Write an encrypted backup to ``output`` (replaced whole, or left as it was)."""
    if not secret:
        raise BackupError("A backup needs a passphrase.")
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        folder = Path(work)
        copy = folder / "database.sqlite"
        storage.snapshot(database, copy)
        db = storage.connect(copy)
        try:
            names = sorted(storage.recordings.stored_names(db))
        finally:
            db.close()
        files: dict[str, dict[str, object]] = {
            "database.sqlite": {"sha256": _sha256(copy), "size": copy.stat().st_size}
        }
        inner = folder / "data.tar"
        with tarfile.open(inner, "w") as archive:
            archive.add(copy, "database.sqlite")
            for name in names:
                path = audio.path_of(recordings, name)
                try:
                    archive.add(path, f"recordings/{path.name}")
                except FileNotFoundError:  # erased since the copy was taken
                    continue
                files[f"recordings/{path.name}"] = {
                    "sha256": _sha256(path),
                    "size": path.stat().st_size,
                }
            manifest = {
                "format": FORMAT,
                "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": files,
            }
            _add_text(archive, "manifest.json", json.dumps(manifest, indent=1))
        identity = x25519.Identity.generate()
        sealed = folder / "data.tar.age"
        pyrage.encrypt_file(str(inner), str(sealed), [identity.to_public()])
        inner.unlink()
        copy.unlink()
        key = _seal_key(str(identity), secret)
        partial = folder / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            _add_text(archive, "README.txt", README.format(format=FORMAT))
            info = tarfile.TarInfo("key.json")
            info.size, info.mode = len(key), 0o600
            archive.addfile(info, io.BytesIO(key))
            archive.add(sealed, "data.tar.age")
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, output)
    return Made(output, len(files) - 1, output.stat().st_size)


def _passphrase_key(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=2 * 128 * r * n, dklen=32
    )


def _seal_key(identity: str, secret: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_passphrase_key(secret, salt, **SCRYPT)).encrypt(
        nonce, identity.encode("ascii"), FORMAT.encode("ascii")
    )
    return json.dumps(
        {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": salt.hex(),
            "cipher": "AES-256-GCM",
            "nonce": nonce.hex(),
            "sealed": sealed.hex(),
        },
        indent=1,
    ).encode("ascii")


def _open_key(data: bytes, secret: str) -> str:
    try:
        found = json.loads(data)
        # Bounded work: a forged file must not make a restore take all the memory there is.
        n, r, p = int(found["n"]), int(found["r"]), int(found["p"])
        if not (2**14 <= n <= 2**20 and 1 <= r <= 16 and p == 1):
            raise ValueError("work factor")
        key = _passphrase_key(secret, bytes.fromhex(found["salt"]), n, r, p)
        opened = AESGCM(key).decrypt(
            bytes.fromhex(found["nonce"]), bytes.fromhex(found["sealed"]), FORMAT.encode("ascii")
        )
    except InvalidTag:
        raise BackupError(
            "The passphrase does not open this backup. Nothing was changed."
        ) from None
    except (ValueError, KeyError, TypeError):
        raise BackupError("This backup is damaged: its key cannot be read.") from None
    return opened.decode("ascii")


def _member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"This is not a What Matters backup: {name} is missing.") from None
    if not member.isfile():
        raise BackupError(f"This is not a What Matters backup: {name} is not a file.")
    return member


def _open(backup: Path, secret: str, work: Path) -> tuple[Path, dict[str, dict[str, object]]]:
    """Decrypt and check the backup into ``work``; its manifest's files."""
    try:
        outer = tarfile.open(backup, "r")
    except (OSError, tarfile.TarError):
        raise BackupError("This file cannot be read as a What Matters backup.") from None
    with outer:
        key_file = outer.extractfile(_member(outer, "key.json"))
        assert key_file is not None
        key = _open_key(key_file.read(1 << 16), secret)
        sealed = outer.extractfile(_member(outer, "data.tar.age"))
        assert sealed is not None
        with (work / "data.tar.age").open("wb") as handle:
            shutil.copyfileobj(sealed, handle, CHUNK)
    inner = work / "data.tar"
    try:
        pyrage.decrypt_file(str(work / "data.tar.age"), str(inner), [x25519.Identity.from_str(key)])
    except (pyrage.DecryptError, pyrage.IdentityError, OSError):
        raise BackupError("This backup is damaged: it cannot be decrypted.") from None
    (work / "data.tar.age").unlink()
    with tarfile.open(inner, "r") as archive:
        manifest_file = archive.extractfile(_member(archive, "manifest.json"))
        assert manifest_file is not None
        manifest = json.loads(manifest_file.read())
        if manifest.get("format") != FORMAT:
            raise BackupError("This backup was made in a format this version cannot read.")
        files: dict[str, dict[str, object]] = manifest["files"]
        for name in files:
            # Only the names a backup makes: nothing may be written outside the folders.
            parts = PurePosixPath(name).parts
            if not (
                parts == ("database.sqlite",)
                or (len(parts) == 2 and parts[0] == "recordings" and parts[1] not in ("..", "."))
            ):
                raise BackupError(f"This backup names a file it may not hold: {name}")
            source = archive.extractfile(_member(archive, name))
            assert source is not None
            target = work / name
            target.parent.mkdir(exist_ok=True)
            with target.open("wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
            if _sha256(target) != files[name]["sha256"]:
                raise BackupError(f"This backup is damaged: {name} does not match its checksum.")
    inner.unlink()
    return work, files


def _holds_data(database: Path) -> bool:
    """Whether the database has accounts or responses (a new, empty one may be replaced)."""
    if not database.exists():
        return False
    db = storage.connect(database)
    try:
        return bool(storage.accounts.count_users(db) or storage.responses.count(db))
    finally:
        db.close()


@dataclass(frozen=True)
class Restored:
    recordings: int
    erased_again: int  # responses erased after the backup was made, erased again


def _erased(database: Path) -> set[str]:
    """The erased responses a database remembers (none if it has no such table yet)."""
    if not database.exists():
        return set()
    db = storage.connect(database)
    try:
        if not db["erased_responses"].exists():
            return set()
        return {str(h) for (h,) in db.execute("SELECT id_hash FROM erased_responses")}
    finally:
        db.close()


def restore(backup: Path, secret: str, database: Path, recordings: Path, replace: bool) -> Restored:
    """Put the backup's database and recordings in place.

    Everything is decrypted and checked first; an existing database is replaced only
    when ``replace`` is given (the app must be stopped), and then with a rename. Responses
    the replaced database remembers as erased are erased again in the restored one: a
    backup must not bring back what a resident asked to have erased.
    """
    if not replace and _holds_data(database):
        raise BackupError(
            f"{database} holds data. Stop the app and give --replace to put the backup in "
            "its place."
        )
    erased = _erased(database)
    database.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".restore-") as work:
        folder, files = _open(backup, secret, Path(work))
        recordings.mkdir(parents=True, exist_ok=True)
        kept = {PurePosixPath(n).name for n in files if n.startswith("recordings/")}
        # Files first, then the database, then what no row names: a crash at any point
        # leaves a database whose recordings are all there (extras are swept at start).
        for name in kept:
            os.replace(folder / "recordings" / name, recordings / name)
        for suffix in ("-wal", "-shm"):
            Path(str(database) + suffix).unlink(missing_ok=True)
        os.replace(folder / "database.sqlite", database)
        for path in recordings.iterdir():
            if path.is_file() and path.name not in kept:
                path.unlink()
    storage.initialise(database)  # a backup made before an upgrade is brought up to date
    db = storage.connect(database)
    try:
        again = storage.residents.erased_since(db, erased, recordings)
    finally:
        db.close()
    return Restored(len(kept), again)
