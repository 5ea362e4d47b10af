"""The SQLite store: applicants keyed by file hash, profiles and scores keyed by versions.

One file, WAL mode, `synchronous=FULL`, schema migrations numbered with
`PRAGMA user_version`. Every finished file is committed in its own
transaction, so a crash loses only the file in flight.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..records import candidate_id

# Each entry upgrades the schema by one version; never edit a released one, append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE applicants (
        sha256      TEXT PRIMARY KEY,
        first_seen  TEXT NOT NULL,
        first_run   INTEGER NOT NULL
    );
    CREATE TABLE file_names (
        sha256      TEXT NOT NULL REFERENCES applicants(sha256) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        first_seen  TEXT NOT NULL,
        PRIMARY KEY (sha256, name)
    );
    CREATE TABLE profiles (
        sha256          TEXT NOT NULL REFERENCES applicants(sha256) ON DELETE CASCADE,
        parser_version  TEXT NOT NULL,
        lexicon_version TEXT NOT NULL,
        model_version   TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('in_flight', 'scored', 'failed')),
        reason          TEXT,
        profile         TEXT,
        attempts        INTEGER NOT NULL DEFAULT 0,
        updated         TEXT NOT NULL,
        PRIMARY KEY (sha256, parser_version, lexicon_version, model_version)
    );
    CREATE TABLE scores (
        sha256          TEXT NOT NULL REFERENCES applicants(sha256) ON DELETE CASCADE,
        parser_version  TEXT NOT NULL,
        lexicon_version TEXT NOT NULL,
        model_version   TEXT NOT NULL,
        job_sha256      TEXT NOT NULL,
        score           REAL NOT NULL,
        disqualified    INTEGER NOT NULL,
        met             TEXT NOT NULL,
        partial         TEXT NOT NULL,
        missing         TEXT NOT NULL,
        entry           TEXT NOT NULL,
        PRIMARY KEY (sha256, parser_version, lexicon_version, model_version, job_sha256)
    );
    CREATE TABLE file_cache (
        path        TEXT PRIMARY KEY,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        inode       INTEGER NOT NULL,
        sha256      TEXT NOT NULL
    );
    CREATE INDEX file_cache_sha ON file_cache(sha256);
    CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started     TEXT NOT NULL,
        finished    TEXT,
        job_sha256  TEXT NOT NULL,
        job         TEXT NOT NULL,
        out_dir     TEXT NOT NULL,
        top         INTEGER NOT NULL,
        report      TEXT
    );
    """,
    # 2 (release 0.2.0): the folder as the last run saw it, one row per entry, so the shortlist
    # shows each entry once and a run can tell updated and removed files; whether a run wrote
    # its outputs, so the applicants of a run whose outputs failed stay "new".
    """
    CREATE TABLE folder (
        name        TEXT PRIMARY KEY,
        sha256      TEXT,
        reason      TEXT,
        first_seen  TEXT NOT NULL,
        run         INTEGER NOT NULL
    );
    CREATE INDEX folder_sha ON folder(sha256);
    ALTER TABLE runs ADD COLUMN outputs_written INTEGER NOT NULL DEFAULT 0;
    UPDATE runs SET outputs_written = 1 WHERE finished IS NOT NULL;
    """,
    # 3 (issue 12): each scored profile's contacts and text signature, small enough to be read
    # for every applicant of the folder every night (the same applicant in several files).
    """
    CREATE TABLE identities (
        sha256          TEXT NOT NULL REFERENCES applicants(sha256) ON DELETE CASCADE,
        parser_version  TEXT NOT NULL,
        emails          TEXT NOT NULL,
        phones          TEXT NOT NULL,
        signature       BLOB NOT NULL,
        PRIMARY KEY (sha256, parser_version)
    );
    """,
)


@dataclass(frozen=True, slots=True)
class Versions:
    parser: str
    lexicon: str
    model: str

    def key(self) -> tuple[str, str, str]:
        return (self.parser, self.lexicon, self.model)


class Store:
    """Thin typed access to the SQLite file; callers own transactions via `transaction()`."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.db = sqlite3.connect(self.path, isolation_level=None)  # explicit BEGIN/COMMIT
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not just unlinked
        self._migrate()
        with suppress(OSError):
            os.chmod(self.path, 0o600)  # applicants' data: owner only

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        current = self.db.execute("PRAGMA user_version").fetchone()[0]
        if current > len(MIGRATIONS):
            raise RuntimeError(
                f"{self.path}: schema version {current} is newer than this program "
                f"({len(MIGRATIONS)}); upgrade the package"
            )
        for version in range(current, len(MIGRATIONS)):
            # One script, one transaction: the schema change and its number land together.
            self.db.executescript(
                f"BEGIN IMMEDIATE;{MIGRATIONS[version]};PRAGMA user_version={version + 1};COMMIT;"
            )

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # ------------------------------------------------------------------ reads

    def cached_hash(self, path: str, size: int, mtime_ns: int, inode: int) -> str | None:
        row = self.db.execute(
            "SELECT sha256 FROM file_cache WHERE path=? AND size=? AND mtime_ns=? AND inode=?",
            (path, size, mtime_ns, inode),
        ).fetchone()
        return row[0] if row else None

    def profile_state(self, sha256: str, versions: Versions) -> tuple[str, str | None, int] | None:
        """(status, reason, attempts) of the profile at these versions, or None."""
        row = self.db.execute(
            "SELECT status, reason, attempts FROM profiles WHERE sha256=? AND parser_version=? "
            "AND lexicon_version=? AND model_version=?",
            (sha256, *versions.key()),
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def names(self, sha256: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT name FROM file_names WHERE sha256=? ORDER BY name", (sha256,)
            )
        ]

    def unscored(self, versions: Versions, job_sha256: str) -> list[tuple[str, str]]:
        """Scored profiles that have no score for this job yet."""
        return self.db.execute(
            "SELECT p.sha256, p.profile FROM profiles p WHERE p.status='scored' "
            "AND p.parser_version=? AND p.lexicon_version=? AND p.model_version=? "
            "AND NOT EXISTS (SELECT 1 FROM scores s WHERE s.sha256=p.sha256 "
            "AND s.parser_version=p.parser_version AND s.lexicon_version=p.lexicon_version "
            "AND s.model_version=p.model_version AND s.job_sha256=?) ORDER BY p.sha256",
            (*versions.key(), job_sha256),
        ).fetchall()

    def shortlist_rows(self, versions: Versions, job_sha256: str):
        """(sha256, score, disqualified, met, partial, missing, flags JSON) for every scored
        applicant; the entries themselves stay in the store (`score_entry`)."""
        return self.db.execute(
            "SELECT sha256, score, disqualified, met, partial, missing, "
            "json_extract(entry, '$.flags') FROM scores WHERE parser_version=? "
            "AND lexicon_version=? AND model_version=? AND job_sha256=?",
            (*versions.key(), job_sha256),
        )

    def score_entry(self, sha256: str, versions: Versions, job_sha256: str) -> str:
        """The stored shortlist entry (JSON) of one applicant for this job."""
        row = self.db.execute(
            "SELECT entry FROM scores WHERE sha256=? AND parser_version=? AND lexicon_version=? "
            "AND model_version=? AND job_sha256=?",
            (sha256, *versions.key(), job_sha256),
        ).fetchone()
        if row is None:
            raise LookupError(f"no stored score for {sha256[:16]}")
        return row[0]

    def identities(self, versions: Versions, shas: set[str]) -> tuple[list[tuple], Any]:
        """The contacts and text signatures of the profiles among `shas`, for grouping the files
        of one person (understand/applicants.py): [(sha256, e-mails, phones)] in sha256 order
        and a numpy uint32 array whose row i is the i-th one's signature (zeros: none). One
        array, not a list per profile: 100,000 signatures as Python lists would take half a GB.
        Read from the small `identities` table; a profile stored before it existed is read
        once from its JSON and added there."""
        import numpy as np

        from ..understand.applicants import PERMUTATIONS

        known = {
            sha
            for (sha,) in self.db.execute(
                "SELECT sha256 FROM identities WHERE parser_version=?", (versions.parser,)
            )
        }
        missing = sorted(shas - known)
        if missing:
            with self.transaction() as db:
                for sha in missing:
                    row = db.execute(
                        "SELECT json_extract(profile, '$.contacts.emails'), "
                        "json_extract(profile, '$.contacts.phones'), "
                        "json_extract(profile, '$.text_signature') FROM profiles WHERE sha256=? "
                        "AND parser_version=? AND lexicon_version=? AND model_version=? "
                        "AND status='scored'",
                        (sha, *versions.key()),
                    ).fetchone()
                    if row is not None:
                        emails, phones, signature = (json.loads(v or "[]") for v in row)
                        self.save_identity(db, sha, versions.parser, emails, phones, signature)
        matrix = np.zeros((len(shas), PERMUTATIONS), dtype=np.uint32)
        out: list[tuple] = []
        for sha, emails, phones, blob in self.db.execute(
            "SELECT sha256, emails, phones, signature FROM identities WHERE parser_version=? "
            "ORDER BY sha256",
            (versions.parser,),
        ):
            if sha not in shas:
                continue
            if len(blob) == PERMUTATIONS * 4:
                matrix[len(out)] = np.frombuffer(blob, dtype="<u4")
            no_contacts = emails == "[]" and phones == "[]"
            out.append(
                (
                    sha,
                    () if no_contacts else json.loads(emails),
                    () if no_contacts else json.loads(phones),
                )
            )
        return out, matrix[: len(out)]

    def scored_shas(self, versions: Versions, job_sha256: str) -> set[str]:
        """The applicants with a score for this job (the ones a shortlist can rank)."""
        rows = self.db.execute(
            "SELECT sha256 FROM scores WHERE parser_version=? AND lexicon_version=? "
            "AND model_version=? AND job_sha256=?",
            (*versions.key(), job_sha256),
        )
        return {sha for (sha,) in rows}

    def cached_mtimes(self, shas: set[str]) -> dict[str, int]:
        """The latest modification time (ns) the hash cache saw for each of these files."""
        rows = self.db.execute("SELECT sha256, max(mtime_ns) FROM file_cache GROUP BY sha256")
        return {sha: int(mtime) for sha, mtime in rows if sha in shas}

    def failed_rows(self, versions: Versions):
        return self.db.execute(
            "SELECT p.sha256, p.reason, f.name FROM profiles p JOIN file_names f USING (sha256) "
            "WHERE p.status='failed' AND p.parser_version=? AND p.lexicon_version=? "
            "AND p.model_version=? ORDER BY f.name",
            versions.key(),
        )

    def poisoned(self, versions: Versions) -> list[str]:
        """Files that were in flight in two runs that died: they will not be tried again."""
        return [
            r[0]
            for r in self.db.execute(
                "SELECT sha256 FROM profiles WHERE status='in_flight' AND attempts>=2 "
                "AND parser_version=? AND lexicon_version=? AND model_version=? ORDER BY sha256",
                versions.key(),
            )
        ]

    def folder_state(self) -> dict[str, tuple[str | None, str | None]]:
        """name -> (sha256 or None, known failure reason or None), as the last run saw it."""
        return {
            name: (sha, reason)
            for name, sha, reason in self.db.execute("SELECT name, sha256, reason FROM folder")
        }

    def name_first_seen(self, sha256: str) -> dict[str, str]:
        """Every name an applicant was seen under, with when it was first seen under it."""
        return dict(
            self.db.execute("SELECT name, first_seen FROM file_names WHERE sha256=?", (sha256,))
        )

    def last_written_run(self) -> int:
        """The id of the last run whose outputs were written (0 when none was)."""
        row = self.db.execute("SELECT max(id) FROM runs WHERE outputs_written=1").fetchone()
        return int(row[0] or 0)

    def first_runs(self) -> dict[str, int]:
        """sha256 -> the run an applicant was first seen in."""
        return dict(self.db.execute("SELECT sha256, first_run FROM applicants"))

    def match_ids(self, prefix: str) -> list[str]:
        """Applicants whose sha256 starts with `prefix` (a candidate id or the whole hash)."""
        if not prefix or any(c not in "0123456789abcdef" for c in prefix.lower()):
            return []
        low = prefix.lower()
        return [
            r[0]
            for r in self.db.execute(
                "SELECT sha256 FROM applicants WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256",
                (low, low + "g"),
            )
        ]

    def count_scored(self, versions: Versions, job_sha256: str) -> int:
        return self.db.execute(
            "SELECT count(*) FROM scores WHERE parser_version=? AND lexicon_version=? "
            "AND model_version=? AND job_sha256=?",
            (*versions.key(), job_sha256),
        ).fetchone()[0]

    def last_run(self, finished: bool = True) -> dict[str, Any] | None:
        where = "WHERE finished IS NOT NULL" if finished else ""
        row = self.db.execute(
            f"SELECT id, started, finished, job_sha256, job, out_dir, top, report FROM runs "
            f"{where} ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "started", "finished", "job_sha256", "job", "out_dir", "top", "report")
        run = dict(zip(keys, row, strict=True))
        run["job"] = json.loads(run["job"])
        run["report"] = json.loads(run["report"]) if run["report"] else None
        return run

    def last_runs_under(self, parent: str) -> list[dict[str, Any]]:
        """The last finished run of each output folder directly under `parent` (the jobs of a
        run with several jobs), in the order they ran."""
        rows = self.db.execute(
            "SELECT out_dir, max(id) FROM runs WHERE finished IS NOT NULL GROUP BY out_dir"
        ).fetchall()
        ids = sorted(i for out_dir, i in rows if str(Path(out_dir).parent) == str(Path(parent)))
        runs = []
        for run_id in ids:
            row = self.db.execute(
                "SELECT id, started, finished, job_sha256, job, out_dir, top, report FROM runs "
                "WHERE id=?",
                (run_id,),
            ).fetchone()
            keys = ("id", "started", "finished", "job_sha256", "job", "out_dir", "top", "report")
            run = dict(zip(keys, row, strict=True))
            run["job"] = json.loads(run["job"])
            run["report"] = json.loads(run["report"]) if run["report"] else None
            runs.append(run)
        return runs

    def applicants_older_than(self, cutoff_iso: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT sha256 FROM applicants WHERE first_seen < ? ORDER BY sha256", (cutoff_iso,)
            )
        ]

    def sha_for_name(self, name: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT sha256 FROM file_names WHERE name=? ORDER BY sha256", (name,)
            )
        ]

    def start_run(
        self, now: str, job_sha256: str, job: dict[str, Any], out_dir: str, top: int
    ) -> int:
        with self.transaction() as db:
            cur = db.execute(
                "INSERT INTO runs (started, job_sha256, job, out_dir, top) VALUES (?, ?, ?, ?, ?)",
                (now, job_sha256, json.dumps(job, sort_keys=True), out_dir, top),
            )
            assert cur.lastrowid is not None  # set by the INSERT
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, now: str, report: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished=?, report=? WHERE id=?",
                (now, json.dumps(report, sort_keys=True), run_id),
            )

    def outputs_written(self, run_id: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE runs SET outputs_written=1 WHERE id=?", (run_id,))

    def save_folder(self, db, entries: list[tuple[str, str | None, str | None]], now: str,
                    run_id: int) -> None:  # fmt: skip
        """Replace the folder's state by `entries` (name, sha256, failure reason); a name that
        keeps its content keeps its first_seen."""
        previous = {
            name: (sha, first)
            for name, sha, first in db.execute("SELECT name, sha256, first_seen FROM folder")
        }
        db.execute("DELETE FROM folder")
        db.executemany(
            "INSERT INTO folder (name, sha256, reason, first_seen, run) VALUES (?, ?, ?, ?, ?)",
            [
                (name, sha, reason,
                 previous[name][1] if name in previous and previous[name][0] == sha else now,
                 run_id)
                for name, sha, reason in entries
            ],
        )  # fmt: skip

    def abandon(self, db, sha256: str, versions: Versions) -> None:
        """Undo `mark_in_flight` for a file a stopped run did not finish (it was not at fault)."""
        db.execute(
            "UPDATE profiles SET attempts=attempts-1 WHERE sha256=? AND status='in_flight' "
            "AND parser_version=? AND lexicon_version=? AND model_version=?",
            (sha256, *versions.key()),
        )
        db.execute(
            "DELETE FROM profiles WHERE sha256=? AND status='in_flight' AND attempts<=0 "
            "AND parser_version=? AND lexicon_version=? AND model_version=?",
            (sha256, *versions.key()),
        )

    def remember_file(
        self, db, path: str, size: int, mtime_ns: int, inode: int, sha256: str
    ) -> None:
        db.execute(
            "INSERT INTO file_cache (path, size, mtime_ns, inode, sha256) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns, "
            "inode=excluded.inode, sha256=excluded.sha256",
            (path, size, mtime_ns, inode, sha256),
        )

    def add_name(self, db, sha256: str, name: str, now: str, run_id: int) -> bool:
        """Record an applicant and one of its file names; True if the applicant is new."""
        new = (
            db.execute(
                "INSERT OR IGNORE INTO applicants (sha256, first_seen, first_run) VALUES (?, ?, ?)",
                (sha256, now, run_id),
            ).rowcount
            == 1
        )
        db.execute(
            "INSERT OR IGNORE INTO file_names (sha256, name, first_seen) VALUES (?, ?, ?)",
            (sha256, name, now),
        )
        return new

    def mark_in_flight(self, db, sha256: str, versions: Versions, now: str) -> int:
        """Note that a file is being parsed; returns the attempt number (1 for the first)."""
        db.execute(
            "INSERT INTO profiles (sha256, parser_version, lexicon_version, model_version, status, "
            "attempts, updated) VALUES (?, ?, ?, ?, 'in_flight', 1, ?) "
            "ON CONFLICT DO UPDATE SET status='in_flight', attempts=attempts+1, reason=NULL, "
            "profile=NULL, updated=excluded.updated",
            (sha256, *versions.key(), now),
        )
        return self.profile_state_db(db, sha256, versions)[2]

    def profile_state_db(self, db, sha256: str, versions: Versions):
        return db.execute(
            "SELECT status, reason, attempts FROM profiles WHERE sha256=? AND parser_version=? "
            "AND lexicon_version=? AND model_version=?",
            (sha256, *versions.key()),
        ).fetchone()

    def save_profile(
        self,
        db,
        sha256: str,
        versions: Versions,
        status: str,
        reason: str | None,
        profile_json: str | None,
        now: str,
    ) -> None:
        db.execute(
            "UPDATE profiles SET status=?, reason=?, profile=?, updated=? WHERE sha256=? "
            "AND parser_version=? AND lexicon_version=? AND model_version=?",
            (status, reason, profile_json, now, sha256, *versions.key()),
        )

    def save_identity(self, db, sha256: str, parser: str, emails, phones, signature) -> None:
        """A scored profile's contacts and text signature (see `identities`)."""
        db.execute(
            "INSERT OR REPLACE INTO identities (sha256, parser_version, emails, phones, signature) "
            "VALUES (?, ?, ?, ?, ?)",
            (sha256, parser, json.dumps(list(emails)), json.dumps(list(phones)),
             _signature_blob(signature)),
        )  # fmt: skip

    def save_score(self, db, sha256: str, versions: Versions, job_sha256: str, row) -> None:
        """Store a CandidateRow (report.CandidateRow) for this job."""
        db.execute(
            "INSERT OR REPLACE INTO scores (sha256, parser_version, lexicon_version, "
            "model_version, job_sha256, score, disqualified, met, partial, missing, entry) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                *versions.key(),
                job_sha256,
                row.score,
                int(row.disqualified),
                row.met,
                row.partial,
                row.missing,
                row.entry_json,
            ),
        )

    def forget(self, sha256s: Iterable[str]) -> int:
        """Erase applicants and everything about them (rows, file names, their lines in run
        reports), then rewrite the file and truncate the WAL so no byte of theirs is left."""
        doomed = set(sha256s)
        removed = 0
        with self.transaction() as db:
            for sha in sorted(doomed):
                for table in (
                    "scores", "identities", "profiles", "file_names", "file_cache", "folder"
                ):  # fmt: skip
                    db.execute(f"DELETE FROM {table} WHERE sha256=?", (sha,))
                removed += db.execute("DELETE FROM applicants WHERE sha256=?", (sha,)).rowcount
            for run_id, report in db.execute("SELECT id, report FROM runs").fetchall():
                if report:
                    cleaned = json.dumps(_without(json.loads(report), doomed), sort_keys=True)
                    db.execute("UPDATE runs SET report=? WHERE id=?", (cleaned, run_id))
        self.scrub()
        return removed

    def scrub(self) -> None:
        """Rewrite the file without free pages and empty the WAL."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _signature_blob(signature) -> bytes:
    """A text signature as 4 bytes per value, little-endian (b"" for none)."""
    import struct

    return struct.pack(f"<{len(signature)}I", *signature)


_SHA_KEYS = ("sha256", "same_applicant_as_sha256", "via_sha256")


def _without(value: Any, doomed: set[str]) -> Any:
    """A copy of a JSON value without any object whose sha256 (or candidate id) is doomed."""
    prefixes = {candidate_id(sha) for sha in doomed}
    if isinstance(value, dict):
        return {k: _without(v, doomed) for k, v in value.items()}
    if isinstance(value, list):
        return [
            _without(v, doomed)
            for v in value
            if not (
                isinstance(v, dict)
                and (
                    v.get("candidate_id") in prefixes
                    or any(v.get(key) in doomed for key in _SHA_KEYS)
                )
            )
        ]
    return value
