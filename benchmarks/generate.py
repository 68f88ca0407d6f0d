"""Synthetic workspace for benchmarks: N people with Hebrew and English names, organisations,
~10 ties and ~20 interactions per person, needs and offers, and the search index.

    python -m benchmarks.generate --people 100000 [--database-url postgres://...]

Rows go in with bulk statements (COPY on PostgreSQL, executemany on SQLite) with ids assigned
here, and the search index is built by the app's own `search_reindex_workspace`, so the
benchmarks search exactly what the product would have indexed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Model

    from kesher.workspaces.models import Workspace

DEFAULT_SQLITE = "var/bench.sqlite3"
OWNER_EMAIL = "bench@example.com"
TIES_PER_PERSON = 10
INTERACTIONS_PER_PERSON = 20
# Most interactions are one-to-one; some are small meetings.
PARTICIPANT_COUNTS = (1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3)
# Most calls and messages are logged without a note; meetings usually get one.
SUMMARY_SHARE = 0.15
NEED_SHARE = 0.3
OFFER_SHARE = 0.3
ARCHIVED_SHARE = 0.02
ORGANIZATION_EVERY = 50  # one organisation per this many people
EVENTS = 50


def _words(text: str, sep: str = ",") -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _pairs(text: str) -> list[tuple[str, str]]:
    """ "עברית/English, ..." as (Hebrew, English) pairs."""
    pairs = []
    for item in _words(text):
        hebrew, english = item.split("/")
        pairs.append((hebrew, english))
    return pairs


FIRST_NAMES = _pairs(
    """משה/Moshe, דוד/David, יוסף/Yosef, אברהם/Avraham, יעקב/Yaakov, דני/Dani, יוסי/Yossi,
    אבי/Avi, רון/Ron, עומר/Omer, איתי/Itai, נועם/Noam, אורי/Uri, גיל/Gil, אלון/Alon, עידו/Ido,
    יונתן/Yonatan, אריאל/Ariel, תומר/Tomer, עמית/Amit, שי/Shai, רועי/Roy, אסף/Asaf, ניר/Nir,
    אייל/Eyal, גלעד/Gilad, בועז/Boaz, חיים/Haim, שמואל/Shmuel, מיכאל/Michael, שרה/Sara,
    רחל/Rachel, לאה/Leah, מרים/Miriam, נועה/Noa, מיכל/Michal, תמר/Tamar, יעל/Yael, שירה/Shira,
    רותם/Rotem, הילה/Hila, ענבל/Inbal, אורית/Orit, דנה/Dana, מאיה/Maya, ליאת/Liat, קרן/Keren,
    רונית/Ronit, אפרת/Efrat, גלית/Galit, הדס/Hadas, אביגיל/Avigail, שני/Shani, טל/Tal, עדי/Adi,
    חנה/Hana, אסתר/Esther, ברק/Barak, בני/Beni, צביקה/Tzvika"""
)
LAST_NAMES = _pairs(
    """כהן/Cohen, לוי/Levi, מזרחי/Mizrahi, פרץ/Peretz, ביטון/Biton, דהן/Dahan,
    אברהם/Avraham, פרידמן/Friedman, אזולאי/Azulay, מלכה/Malka, חדד/Hadad, גבאי/Gabay,
    אוחיון/Ohayon, יוסף/Yosef, שפירא/Shapira, בן דוד/Ben David, קליין/Klein,
    רוזנברג/Rosenberg, גולדברג/Goldberg, שלום/Shalom, אשכנזי/Ashkenazi, ברק/Barak, כץ/Katz,
    ויס/Weiss, לנדאו/Landau, הלוי/Halevi, נחום/Nachum, עמר/Amar, סויסה/Swissa, אלון/Alon,
    שמעוני/Shimoni, גרוס/Gross, זילברמן/Silberman, טל/Tal, קפלן/Kaplan, ברגר/Berger,
    רבינוביץ'/Rabinovich, גורדון/Gordon, שטרן/Stern, חורי/Khoury"""
)
ENGLISH_FIRST = _words(
    """James, John, Robert, Michael, William, David, Richard, Joseph, Thomas, Charles, Mary,
    Patricia, Jennifer, Linda, Elizabeth, Barbara, Susan, Jessica, Sarah, Karen, Emma, Olivia,
    Sophia, Daniel, Matthew, Andrew, Ethan, Noah, Liam, Chloe"""
)
ENGLISH_LAST = _words(
    """Smith, Johnson, Williams, Brown, Jones, Garcia, Miller, Davis, Rodriguez, Martinez,
    Wilson, Anderson, Taylor, Thomas, Moore, Jackson, Martin, Lee, Thompson, White, Harris,
    Clark, Lewis, Walker, Hall, Young, King, Wright, Scott, Green"""
)
ORG_WORDS = _words(
    """Orion, Cedar, Atlas, Nova, Zenith, Harbor, Summit, Vertex, Beacon, Delta, Apex, Quantum,
    Horizon, Pioneer, Meridian, Sapphire, Falcon, Granite, Evergreen, Lumen"""
)
ORG_KINDS_EN = _words("Systems, Labs, Technologies, Capital, Logistics, Fashion, Group")
ORG_KINDS_HE = _words("טכנולוגיות, השקעות, אופנה, לוגיסטיקה, ושות', בע\"מ, ייעוץ")
TITLES = [
    *_words(
        """מנכ"ל, סמנכ"ל מכירות, מנהל פרויקטים, רואה חשבון, עורכת דין, מנהלת רכש, יזם,
        Sales Manager, CTO, Product Manager, Founder, VP Marketing, Software Engineer,
        Procurement Lead"""
    ),
    *([""] * 5),
]
INTERESTS = _words(
    """כדורסל, טיולי ג'יפים, טיולים, צילום, יין, בישול, ריצה, אופניים, שחמט, מוזיקה, קריאה,
    יוגה, basketball, hiking, photography, sailing, golf, startups, investing, chess, jazz,
    cycling, running, cooking"""
)
TOPICS = _words(
    """הג'יפ, רהיטים למשרד, מחשבים ומדפסות, טיול האופניים, משחק הכדורסל, גיוס עובדים,
    סבב ההשקעה, המשרד החדש, ביטוח לעסק, ייעוץ מס, the Jeep, office furniture,
    printers and laptops, the hiking trip, the new office, hiring a CFO, the funding round,
    a partnership, the conference"""
)
SUMMARIES = _words(
    """שיחה על {t}; פגישה בקפה לגבי {t}; הצעתי לו עזרה עם {t}; ביקשה המלצה על {t};
    דיברנו בכנס על {t}; שלחתי מייל בנוגע ל{t}; Coffee about {t}; Called about {t};
    Introduced her to someone for {t}; Follow-up on {t}; Lunch, talked about {t}""",
    sep=";",
)
NEEDS = _words(
    """מחפש ג'יפ רנגלר משומש; מחפשת רואה חשבון לעסק; צריכים רהיטים למשרד החדש;
    מחפשים מחשבים ומדפסות לסניף; מחפש שותף לטיולי אופניים; מחפש משקיע לסבב הבא;
    Looking for a used Jeep; Needs an accountant; Looking for office furniture;
    Buying laptops and printers for the team; Looking for a CTO; Wants intros to investors""",
    sep=";",
)
OFFERS = _words(
    """מוכר את הג'יפ שלו; רהיטים משרדיים במחיר טוב; יכול לחבר למשקיעים; ייעוץ מס לעסקים;
    מדפסות ומחשבים יד שנייה; מדריך טיולי ג'יפים; Selling his Jeep Wrangler;
    Office furniture at a good price; Can introduce to investors; Offers tax advice;
    Refurbished printers and laptops; Guides jeep trips""",
    sep=";",
)
CHANNELS = _words("meeting, call, message, email, event")
EXCHANGES = [
    ("neutral", ""),
    ("neutral", ""),
    ("neutral", ""),
    ("give", "advice"),
    ("give", "introduction"),
    ("give", "information"),
    ("ask", "pitch"),
    ("ask", "request"),
]
DOMAINS = _words("gmail.com, walla.co.il, outlook.com, company.co.il, example.com")
SCOPED = _words("id, public_id, workspace, created_at, updated_at")


def configure(database_url: str | None) -> None:
    """Point Django at the benchmark database (a SQLite file of its own unless a URL is given),
    set it up and migrate it. Runs before anything imports the app's models."""
    if database_url:
        os.environ["KESHER_DATABASE_URL"] = database_url
    else:
        os.environ.pop("KESHER_DATABASE_URL", None)
        os.environ.setdefault("KESHER_SQLITE_PATH", os.path.abspath(DEFAULT_SQLITE))
        os.makedirs(os.path.dirname(os.environ["KESHER_SQLITE_PATH"]), exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesher.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def workspace_name(people: int) -> str:
    return f"Benchmark {people} people"


@dataclass
class Summary:
    people: int = 0
    workspace_id: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    documents: int = 0
    insert_seconds: float = 0.0
    seconds: float = 0.0
    cpu_seconds: float = 0.0


class _Writer:
    """Bulk rows with ids assigned here, on the connection's raw driver (COPY on PostgreSQL,
    executemany on SQLite) inside the caller's transaction."""

    def __init__(self, *, vendor: str, summary: Summary, models: Sequence[type[Model]]) -> None:
        from django.db import connection
        from django.db.models import Max

        self.vendor = vendor
        self.summary = summary
        self.next_ids = {
            model._meta.db_table: (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
            for model in models
        }
        from kesher.people.models import Person

        self.people_before = self.next_ids.get(Person._meta.db_table, 1) - 1
        connection.ensure_connection()
        self.raw = connection.connection
        self.quote = connection.ops.quote_name

    def flag(self, value: bool) -> bool | int:
        return value if self.vendor == "postgresql" else int(value)

    def ids(self, model: type[Model], count: int) -> range:
        table = model._meta.db_table
        start = self.next_ids[table]
        self.next_ids[table] = start + count
        return range(start, start + count)

    def insert(
        self, model: type[Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        if not rows:
            return
        started = time.perf_counter()
        quote = self.quote
        columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
        table = quote(model._meta.db_table)
        cursor = self.raw.cursor()
        try:
            if self.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["?"] * len(fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
                cursor.executemany(sql, rows)
        finally:
            cursor.close()
        self.summary.insert_seconds += time.perf_counter() - started

    @contextmanager
    def indexes_deferred(self, models: Sequence[type[Model]], *, people: int) -> Iterator[None]:
        """Drop the secondary indexes and unique constraints of these tables while they are
        filled and build them once after, the usual bulk-loading practice: one sort instead of
        millions of random b-tree inserts. Not when the database already holds more people than
        are being added (another, larger benchmark workspace): rebuilding would sort those too."""
        restore = self._drop_indexes(models) if self.people_before < people else []
        yield
        cursor = self.raw.cursor()
        for statement in restore:
            cursor.execute(statement)
        cursor.close()

    def _drop_indexes(self, models: Sequence[type[Model]]) -> list[str]:
        quote, restore = self.quote, []
        cursor = self.raw.cursor()
        for model in models:
            table = model._meta.db_table
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u'",
                    [table],
                )
                constraints = cursor.fetchall()
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {quote(name)}")
                    restore.append(definition)
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                    restore.append(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {quote(name)}")
                    restore.append(definition)
        cursor.close()
        return restore

    def reset_sequences(self) -> None:
        """PostgreSQL's id sequences past the ids assigned here (after `flush()`)."""
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        if self.vendor != "postgresql":
            return
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in self.next_ids
        ]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@contextmanager
def _phase(summary: Summary, name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    summary.phases[name] = time.perf_counter() - start


class _Generator:
    def __init__(self, *, people: int, seed: int, summary: Summary, vendor: str) -> None:
        self.people = people
        self.rng = random.Random(seed)
        # Public ids must differ between runs even with the same seed.
        self.id_rng = random.Random()
        self.summary = summary
        self.vendor = vendor
        self.now = dt.datetime.now(dt.UTC)
        utc = self.now.replace(tzinfo=None)
        self.stamp = f"{utc.isoformat(' ')}+00:00" if vendor == "postgresql" else str(utc)

    writer: _Writer
    kinds: list[int]

    def uids(self, count: int) -> list[str]:
        """Random 128-bit public ids as 32 hex digits (both databases take them), in ascending
        order so the unique index on public_id fills at its end. Drawn in one call: uuid4()
        per row is several times slower at millions of rows."""
        digits = self.id_rng.randbytes(16 * count).hex()
        return sorted(digits[i : i + 32] for i in range(0, 32 * count, 32))

    def scoped(self, model: type[Model], count: int) -> Iterator[tuple[int, str, int, str, str]]:
        """(id, public_id, workspace, created_at, updated_at) for `count` new rows."""
        ws, stamp = self.summary.workspace_id, self.stamp
        ids = self.writer.ids(model, count)
        for row_id, public_id in zip(ids, self.uids(count), strict=True):
            yield row_id, public_id, ws, stamp, stamp

    def person_name(self) -> tuple[str, str, str]:
        """(name, the name in the other script or "", preferred language)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return f"{rng.choice(ENGLISH_FIRST)} {rng.choice(ENGLISH_LAST)}", "", "en"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        hebrew, english = f"{first[0]} {last[0]}", f"{first[1]} {last[1]}"
        if roll < 0.45:
            return hebrew, english, "he"
        if roll < 0.52:
            return english, hebrew, "en"
        return hebrew, "", "he"

    def run(self, log: Callable[[str], None]) -> None:
        from kesher.accounts.services import user_get_or_create
        from kesher.network.models import Interaction, Need, Offer, Tie, TieKind
        from kesher.people.models import Event, Organization, Person, PersonEmail, PersonPhone, Tag
        from kesher.search.models import SearchDocument, SearchTerm
        from kesher.search.services import search_reindex_workspace
        from kesher.workspaces.services import workspace_create

        owner, _created = user_get_or_create(email=OWNER_EMAIL)
        workspace = workspace_create(name=workspace_name(self.people), owner=owner)
        self.summary.workspace_id = workspace.pk
        self.kinds = list(TieKind.objects.filter(workspace=workspace).values_list("id", flat=True))
        models: list[type[Model]] = [Tag, Organization, Event, Person, PersonEmail, PersonPhone]
        models += [Person.interests.through, Tie, Interaction, Interaction.participants.through]
        models += [Need, Offer, Need.tags.through, Offer.tags.through]
        self.writer = _Writer(vendor=self.vendor, summary=self.summary, models=models)
        with _phase(self.summary, "directory"):
            self.directory()
        with _phase(self.summary, "people"):
            self.persons()
        with _phase(self.summary, "ties"), self.writer.indexes_deferred([Tie], people=self.people):
            self.ties()
        with (
            _phase(self.summary, "interactions"),
            self.writer.indexes_deferred(
                [Interaction, Interaction.participants.through], people=self.people
            ),
        ):
            self.interactions()
        with _phase(self.summary, "needs_offers"):
            self.needs_offers()
        self.writer.reset_sequences()
        log(
            f"  data written in {sum(self.summary.phases.values()):.1f} s "
            f"({self.summary.insert_seconds:.1f} s of it in INSERT/COPY)"
        )
        with _phase(self.summary, "search_index"):
            if self.vendor == "postgresql":
                with self.writer.raw.cursor() as cursor:
                    # The reindex reads these tables back: without statistics the planner
                    # takes them as empty and scans where it should use an index.
                    for model in models:
                        cursor.execute(f"ANALYZE {self.writer.quote(model._meta.db_table)}")
                # Building the index's b-trees once after the load is far quicker there; on
                # SQLite, filling them as rows arrive is as quick.
                with self.writer.indexes_deferred([SearchDocument, SearchTerm], people=self.people):
                    self.summary.documents = search_reindex_workspace(workspace=workspace)
            else:
                self.summary.documents = search_reindex_workspace(workspace=workspace)

    def directory(self) -> None:
        from kesher.people.models import Event, Organization, Tag

        rng, insert = self.rng, self.writer.insert
        tags = list(self.scoped(Tag, len(INTERESTS)))
        insert(
            Tag,
            [*SCOPED, "name", "normalized"],
            [(*row, name, name.casefold()) for row, name in zip(tags, INTERESTS, strict=True)],
        )
        self.tag_ids = [row[0] for row in tags]
        names = []
        for i in range(max(10, self.people // ORGANIZATION_EVERY)):
            if i % 2:
                name = f"{rng.choice(LAST_NAMES)[0]} {rng.choice(ORG_KINDS_HE)}"
            else:
                name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS_EN)}"
            names.append(f"{name} {i // 40 + 1}" if i >= 40 else name)
        organizations = list(self.scoped(Organization, len(names)))
        insert(
            Organization,
            [*SCOPED, "name", "website", "notes"],
            [(*row, name, "", "") for row, name in zip(organizations, names, strict=True)],
        )
        self.organization_ids = [row[0] for row in organizations]
        events = list(self.scoped(Event, EVENTS))
        insert(
            Event,
            [*SCOPED, "name", "date", "location", "notes"],
            [
                (
                    *row,
                    f"ערב נטוורקינג {n + 1}",
                    (self.now.date() - dt.timedelta(days=30 * n)).isoformat(),
                    "תל אביב",
                    "",
                )
                for n, row in enumerate(events)
            ],
        )
        self.event_ids = [row[0] for row in events]

    def persons(self) -> None:
        from kesher.people.models import Person, PersonEmail, PersonPhone

        rng, stamp, writer = self.rng, self.stamp, self.writer
        flag = writer.flag
        rows, emails, phones, interests = [], [], [], []
        for n, row in enumerate(self.scoped(Person, self.people)):
            person_id = row[0]
            name, name_alt, language = self.person_name()
            met = rng.random() < 0.3
            notes = ""
            if rng.random() < 0.2:
                notes = f"אוהב {rng.choice(INTERESTS)}; דיברנו על {rng.choice(TOPICS)}"
            rows.append(
                (
                    *row,
                    name,
                    name_alt,
                    rng.choice(self.organization_ids) if rng.random() < 0.7 else None,
                    rng.choice(TITLES),
                    language,
                    rng.choice(self.event_ids) if met else None,
                    (self.now.date() - dt.timedelta(days=rng.randrange(2000))).isoformat()
                    if met
                    else None,
                    "event" if met else "manual",
                    "unknown",
                    notes,
                    stamp if rng.random() < ARCHIVED_SHARE else None,
                )
            )
            latin = (name_alt if language == "he" else name) or "contact"
            if rng.random() < 0.8:
                address = f"{latin.lower().replace(' ', '.')}{n}@{rng.choice(DOMAINS)}"
                emails.append((person_id, address))
            if rng.random() < 0.8:
                phones.append((person_id, f"+9725{n % 10}{n % 10_000_000:07d}"))
            interests.extend((person_id, tag) for tag in rng.sample(self.tag_ids, rng.randrange(4)))
        writer.insert(
            Person,
            [
                *SCOPED,
                *_words("name, name_alt, organization, title, language, met_at, met_on"),
                *_words("source, consent, notes, archived_at"),
            ],
            rows,
        )
        self.person_ids = range(rows[0][0], rows[-1][0] + 1)
        writer.insert(
            PersonEmail,
            [*SCOPED, "person", "email", "is_primary"],
            [
                (*scoped, *email, flag(True))
                for scoped, email in zip(self.scoped(PersonEmail, len(emails)), emails, strict=True)
            ],
        )
        writer.insert(
            PersonPhone,
            [*SCOPED, "person", "e164", "label"],
            [
                (*scoped, *phone, "")
                for scoped, phone in zip(self.scoped(PersonPhone, len(phones)), phones, strict=True)
            ],
        )
        writer.insert(Person.interests.through, ["person", "tag"], interests)
        self.summary.rows.update(people=len(rows), emails=len(emails), phones=len(phones))

    def ties(self) -> None:
        from kesher.network.models import Tie

        rng, first, last = self.rng, self.person_ids[0], self.person_ids[-1]
        pairs: set[tuple[int, int]] = set()
        # Each person starts about half of their ties. Most are local (neighbouring ids), like
        # real clusters of colleagues and friends; the rest are anywhere.
        for person_id in self.person_ids:
            for _ in range(TIES_PER_PERSON // 2):
                if rng.random() < 0.7:
                    other = person_id + int(rng.random() * 401) - 200
                else:
                    other = first + int(rng.random() * (last - first + 1))
                if other != person_id and first <= other <= last:
                    pairs.add((min(person_id, other), max(person_id, other)))
        ordered = sorted(pairs)
        self.writer.insert(
            Tie,
            [*SCOPED, "person_a", "person_b", "kind", "since", "trust", "notes"],
            [
                (*row, a, b, kind, None, trust, "")
                for row, (a, b), kind, trust in zip(
                    self.scoped(Tie, len(ordered)),
                    ordered,
                    rng.choices(self.kinds, k=len(ordered)),
                    rng.choices((None, 2, 3, 4, 5), k=len(ordered)),
                    strict=True,
                )
            ],
        )
        self.summary.rows["ties"] = len(ordered)

    def interactions(self) -> None:
        from kesher.network.models import Interaction

        rng, first, last = self.rng, self.person_ids[0], self.person_ids[-1]
        people = len(self.person_ids)
        average = sum(PARTICIPANT_COUNTS) / len(PARTICIPANT_COUNTS)
        count = int(self.people * INTERACTIONS_PER_PERSON / average)
        # Logged in time order over three years, as a real history would have been. Columns
        # are drawn whole (choices(k=...)): per-row random calls would dominate the run.
        span = 3 * 365 * 24 * 3600
        start = (self.now - dt.timedelta(seconds=span)).replace(tzinfo=None)
        suffix = "+00:00" if self.vendor == "postgresql" else ""
        times = [f"{start + dt.timedelta(seconds=span * i // count)}{suffix}" for i in range(count)]
        summaries = [
            rng.choice(SUMMARIES).format(t=rng.choice(TOPICS)) if roll < SUMMARY_SHARE else ""
            for roll in (rng.random() for _ in range(count))
        ]
        ids = self.writer.ids(Interaction, count)
        ws, stamp = self.summary.workspace_id, self.stamp
        rows = [
            (row_id, public_id, ws, stamp, stamp, occurred_at, channel, summary, who, *exchange)
            for row_id, public_id, occurred_at, channel, summary, who, exchange in zip(
                ids,
                self.uids(count),
                times,
                rng.choices(CHANNELS, k=count),
                summaries,
                rng.choices(("me", "me", "them"), k=count),
                rng.choices(EXCHANGES, k=count),
                strict=True,
            )
        ]
        participants = []
        random_ = rng.random
        for row_id, size in zip(ids, rng.choices(PARTICIPANT_COUNTS, k=count), strict=True):
            anchor = first + int(random_() * people)
            if size == 1:
                participants.append((row_id, anchor))
                continue
            # Meetings bring together people of one circle (neighbouring ids).
            chosen = {anchor}
            for _ in range(size - 1):
                chosen.add(min(max(anchor + int(random_() * 200) - 100, first), last))
            participants.extend((row_id, person_id) for person_id in sorted(chosen))
        self.writer.insert(
            Interaction,
            [
                *SCOPED,
                *_words("occurred_at, channel, summary, initiated_by, exchange, exchange_kind"),
            ],
            rows,
        )
        self.writer.insert(
            Interaction.participants.through, ["interaction", "person"], participants
        )
        self.summary.rows.update(interactions=count, participants=len(participants))

    def needs_offers(self) -> None:
        from kesher.network.models import Need, Offer

        rng = self.rng
        for model, texts, share in ((Need, NEEDS, NEED_SHARE), (Offer, OFFERS, OFFER_SHARE)):
            owners = [person_id for person_id in self.person_ids if rng.random() < share]
            rows = [
                (
                    *row,
                    person_id,
                    rng.choice(texts),
                    rng.choice(("open", "open", "open", "fulfilled", "withdrawn")),
                )
                for row, person_id in zip(self.scoped(model, len(owners)), owners, strict=True)
            ]
            self.writer.insert(model, [*SCOPED, "person", "text", "status"], rows)
            name = model._meta.model_name or ""
            self.writer.insert(
                model.tags.through,  # type: ignore[attr-defined]
                [name, "tag"],
                [(row[0], rng.choice(self.tag_ids)) for row in rows if rng.random() < 0.5],
            )
            self.summary.rows[f"{name}s"] = len(rows)


def _is_superuser() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def generate(*, people: int, seed: int = 2, log: Callable[[str], None] = print) -> Summary:
    """Create a new workspace `workspace_name(people)` filled with synthetic data and indexed."""
    from django.db import connection, transaction

    summary = Summary(people=people)
    started, cpu_started = time.perf_counter(), time.process_time()
    replica = False
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A page cache that holds the indexes being filled saves most of the I/O; this is a
            # throwaway benchmark database, so durability can wait for the end.
            cursor.execute("PRAGMA cache_size = -1000000")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA temp_store = MEMORY")
        elif connection.vendor == "postgresql" and _is_superuser():
            # Skips the foreign-key triggers: the rows are consistent by construction, and
            # PostgreSQL would otherwise check millions of deferred references at commit.
            cursor.execute("SET session_replication_role = replica")
            replica = True
    try:
        with connection.constraint_checks_disabled(), transaction.atomic():
            _Generator(people=people, seed=seed, summary=summary, vendor=connection.vendor).run(log)
    finally:
        if replica:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum would soon do: until then the planner takes the tables as empty,
            # and counting people reads every row, not the index alone (no visibility map yet).
            cursor.execute("ANALYZE search_searchdocument, search_searchterm")
            cursor.execute("VACUUM (ANALYZE) people_person")
    else:
        with connection.cursor() as cursor:
            # The statistics `kesher migrate` takes too (sampled: a few milliseconds).
            cursor.execute("PRAGMA analysis_limit = 1000")
            cursor.execute("ANALYZE")
    summary.seconds = time.perf_counter() - started
    summary.cpu_seconds = time.process_time() - cpu_started
    return summary


def find_workspace(people: int) -> Workspace | None:
    """The latest complete benchmark workspace of this size, if any."""
    from kesher.people.models import Person
    from kesher.workspaces.models import Workspace

    workspace = Workspace.objects.filter(name=workspace_name(people)).order_by("-id").first()
    # The owner is a person in the network too.
    if workspace is None or Person.objects.filter(workspace=workspace).count() != people + 1:
        return None
    return workspace


def ensure_workspace(people: int, *, fresh: bool = False) -> Workspace:
    """The benchmark workspace of `people` people, generated unless a complete one exists."""
    from kesher.workspaces.models import Workspace

    if not fresh:
        existing = find_workspace(people)
        if existing is not None:
            print(f"Reusing workspace {existing.name!r} (id {existing.pk}).")
            return existing
    summary = generate(people=people)
    print(report(summary))
    return Workspace.objects.get(pk=summary.workspace_id)


def report(summary: Summary) -> str:
    return "\n".join(
        [
            f"Generated {summary.people:,} people in {summary.seconds:.1f} s "
            f"({summary.cpu_seconds:.1f} s CPU in this process; the machine has "
            f"{os.cpu_count()} cores and other work on it slows the wall time)",
            "  rows: " + ", ".join(f"{k} {v:,}" for k, v in summary.rows.items()),
            f"  search documents: {summary.documents:,}",
            "  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.phases.items()),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1000, help="number of people (1000)")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"postgres://... or sqlite:////abs/path (default: SQLite at {DEFAULT_SQLITE})",
    )
    parser.add_argument("--seed", type=int, default=2, help="random seed of the data (2)")
    args = parser.parse_args(argv)
    if args.people < 1:
        parser.error("--people must be at least 1")
    configure(args.database_url)
    print(report(generate(people=args.people, seed=args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
