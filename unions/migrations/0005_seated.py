"""`UnionMembership.seated`, kept by the database.

Whether a member holds an active AMR or TR seat decides whether the kreds follows them. Seats
change through many doors (the admin's inlines, elections, imports, the HR sync's bulk updates,
a committee closed, a cascade), so the flag is kept by triggers on the tables themselves rather
than by each door: every write of a seat or of a committee's `closed_on` re-tells the flag of the
people concerned, and every write of a union membership tells its own (what Django writes there
is a copy read earlier, possibly stale). PostgreSQL with statement-level triggers (a bulk update
is one statement), SQLite (the embedded default) with row-level ones.
"""

from django.db import migrations, models

# An active AMR or TR seat: `unions.selectors.FOLLOWED_ROLES`, not ended, committee not closed.
HAS_SEAT = """EXISTS (
    SELECT 1 FROM committees_membership s
    JOIN committees_committee c ON c.id = s.committee_id
    WHERE s.person_id = {person} AND s.role IN ('amr', 'tr')
      AND s.ended_on IS NULL AND c.closed_on IS NULL
)"""

POSTGRESQL = [
    f"""
    CREATE FUNCTION unions_has_followed_seat(person bigint) RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT {HAS_SEAT.format(person="person")} $$
    """,
    # A union membership written by anyone: its own flag, whatever the writer sent.
    """
    CREATE FUNCTION unions_membership_seated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.seated := NEW.person_id IS NOT NULL AND unions_has_followed_seat(NEW.person_id);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER unions_membership_seated
    BEFORE INSERT OR UPDATE OF person_id, seated ON unions_unionmembership
    FOR EACH ROW EXECUTE FUNCTION unions_membership_seated()
    """,
    # Seats inserted, updated or deleted, one statement at a time: the people on either side.
    """
    CREATE FUNCTION unions_seats_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            UPDATE unions_unionmembership um SET seated = um.seated
            WHERE um.person_id IN (SELECT person_id FROM new_seats)
              AND um.seated IS DISTINCT FROM unions_has_followed_seat(um.person_id);
        ELSIF TG_OP = 'DELETE' THEN
            UPDATE unions_unionmembership um SET seated = um.seated
            WHERE um.person_id IN (SELECT person_id FROM old_seats)
              AND um.seated IS DISTINCT FROM unions_has_followed_seat(um.person_id);
        ELSE
            UPDATE unions_unionmembership um SET seated = um.seated
            WHERE um.person_id IN (
                SELECT person_id FROM new_seats UNION SELECT person_id FROM old_seats
            )
              AND um.seated IS DISTINCT FROM unions_has_followed_seat(um.person_id);
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER unions_seats_inserted AFTER INSERT ON committees_membership
    REFERENCING NEW TABLE AS new_seats
    FOR EACH STATEMENT EXECUTE FUNCTION unions_seats_changed()
    """,
    """
    CREATE TRIGGER unions_seats_updated AFTER UPDATE ON committees_membership
    REFERENCING OLD TABLE AS old_seats NEW TABLE AS new_seats
    FOR EACH STATEMENT EXECUTE FUNCTION unions_seats_changed()
    """,
    """
    CREATE TRIGGER unions_seats_deleted AFTER DELETE ON committees_membership
    REFERENCING OLD TABLE AS old_seats
    FOR EACH STATEMENT EXECUTE FUNCTION unions_seats_changed()
    """,
    # A committee closed or reopened: the people of its seats.
    """
    CREATE FUNCTION unions_committees_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE unions_unionmembership um SET seated = um.seated
        WHERE um.person_id IN (
            SELECT s.person_id FROM committees_membership s
            JOIN new_committees n ON n.id = s.committee_id
            JOIN old_committees o ON o.id = n.id
            WHERE n.closed_on IS DISTINCT FROM o.closed_on
        )
          AND um.seated IS DISTINCT FROM unions_has_followed_seat(um.person_id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER unions_committees_updated AFTER UPDATE ON committees_committee
    REFERENCING OLD TABLE AS old_committees NEW TABLE AS new_committees
    FOR EACH STATEMENT EXECUTE FUNCTION unions_committees_changed()
    """,
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER unions_committees_updated ON committees_committee",
    "DROP FUNCTION unions_committees_changed()",
    "DROP TRIGGER unions_seats_deleted ON committees_membership",
    "DROP TRIGGER unions_seats_updated ON committees_membership",
    "DROP TRIGGER unions_seats_inserted ON committees_membership",
    "DROP FUNCTION unions_seats_changed()",
    "DROP TRIGGER unions_membership_seated ON unions_unionmembership",
    "DROP FUNCTION unions_membership_seated()",
    "DROP FUNCTION unions_has_followed_seat(bigint)",
]

# SQLite has row-level triggers only, and no way to change the row being written: the union
# membership's own flag is set after the write (recursive triggers are off, so that UPDATE does
# not set off its trigger again).
_RECOUNT = "UPDATE unions_unionmembership SET seated = {has} WHERE {where};"
_HAS = HAS_SEAT.format(person="unions_unionmembership.person_id")


def _sqlite_trigger(name: str, event: str, where: str) -> str:
    recount = _RECOUNT.format(has=_HAS, where=where)
    return f"CREATE TRIGGER {name} AFTER {event} FOR EACH ROW BEGIN {recount} END"


SQLITE = [
    _sqlite_trigger(
        "unions_membership_inserted", "INSERT ON unions_unionmembership", "id = NEW.id"
    ),
    _sqlite_trigger(
        "unions_membership_updated",
        "UPDATE OF person_id, seated ON unions_unionmembership",
        "id = NEW.id",
    ),
    _sqlite_trigger(
        "unions_seats_inserted", "INSERT ON committees_membership", "person_id = NEW.person_id"
    ),
    _sqlite_trigger(
        "unions_seats_updated",
        "UPDATE ON committees_membership",
        "person_id IN (NEW.person_id, OLD.person_id)",
    ),
    _sqlite_trigger(
        "unions_seats_deleted", "DELETE ON committees_membership", "person_id = OLD.person_id"
    ),
    _sqlite_trigger(
        "unions_committees_updated",
        "UPDATE OF closed_on ON committees_committee",
        "person_id IN (SELECT person_id FROM committees_membership WHERE committee_id = NEW.id)",
    ),
]

SQLITE_REVERSE = [
    "DROP TRIGGER unions_committees_updated",
    "DROP TRIGGER unions_seats_deleted",
    "DROP TRIGGER unions_seats_updated",
    "DROP TRIGGER unions_seats_inserted",
    "DROP TRIGGER unions_membership_updated",
    "DROP TRIGGER unions_membership_inserted",
]

# The rows that exist: their flag now (on PostgreSQL through the union membership's trigger).
BACKFILL = _RECOUNT.format(has=_HAS, where="person_id IS NOT NULL").rstrip(";")


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in statements:
        raise RuntimeError(f"unions.seated is kept by triggers on PostgreSQL and SQLite, not {vendor}")
    for sql in statements[vendor]:
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": [*POSTGRESQL, BACKFILL], "sqlite": [*SQLITE, BACKFILL]})


def backwards(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE})


class Migration(migrations.Migration):
    dependencies = [
        ("unions", "0004_cadence_inquiries"),
        ("committees", "0007_committee_ends_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="unionmembership",
            name="seated",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
