"""The smaller defects of the fault sweep (issue 9, item 9), each pinned by a test."""

import sqlite3
from pathlib import Path

import pytest
from conftest import ENGINE, PG_URL


@pytest.mark.sqlite_only
def test_upgrade_backs_up_an_unversioned_file_under_a_plain_name(cli, tmp_path):
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:  # a database with data but no schema revision
        conn.execute("CREATE TABLE notes (x TEXT)")
        conn.execute("INSERT INTO notes VALUES ('kept')")
    cli("--db", str(old), "db", "upgrade")
    backups = [p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")]
    assert len(backups) == 1 and ".unversioned." in backups[0] and "None" not in backups[0]


@pytest.mark.sqlite_only
def test_db_check_and_current_never_show_none_and_never_initialise(cli, tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    for command in (["db", "check"], ["db", "current"], ["db", "backup", str(tmp_path / "b.db")]):
        result = cli("--db", str(empty), *command)
        assert result.exit_code == 3 and "None" not in result.stdout + result.stderr
        assert "is empty (not initialised)" in result.stderr
        assert empty.stat().st_size == 0 and not (tmp_path / "b.db").exists()


@pytest.mark.sqlite_only
def test_upgrade_of_a_database_newer_than_this_ldcli_is_exit_3(cli, db):
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    result = cli("db", "upgrade")
    assert result.exit_code == 3 and "newer than this ldcli knows" in result.stderr
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.skipif(ENGINE != "postgresql", reason="pg_dump runs only for PostgreSQL")
def test_pg_dump_failure_is_one_plain_line_and_leaves_no_file(cli, tmp_path):
    missing = PG_URL.replace("/postgres?", "/no_such_database?")
    target = tmp_path / "dump.bin"
    result = cli("--db", missing, "db", "backup", str(target))
    assert result.exit_code == 3 and result.stderr.startswith("error: pg_dump could not back up ")
    assert 'could not connect: database "no_such_database" does not exist' in result.stderr
    assert "[" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert not target.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".dump.bin")]


def test_backup_to_a_missing_folder_is_one_line_and_writes_nothing(cli, tmp_path):
    result = cli("db", "backup", str(tmp_path / "nowhere" / "b.db"))
    assert result.exit_code == 1 and "folder" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_control_characters_and_blank_names_are_refused_on_the_command_line(cli):
    for args, option in [(["people", "add", "CR2", "--name", "Bob\r=2+5", "--kind", "staff"], "--name"),
                         (["cadet", "unit", "add", "Oak\x1b[31m", "--npu", "East"], "argument"),
                         (["cadet", "unit", "add", "  ", "--npu", "East"], "--name")]:
        result = cli(*args)
        assert result.exit_code in (1, 2) and result.stderr.startswith(f"error: {option}")
        assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert cli.ok("export", "people").stdout.splitlines() == [
        "person_id,name,kind,team,department,area,line_manager_id,employment,contract_end,weekly_hours,start_date,"
        "leave_date"]


def test_repay_refuses_a_negative_final_pay(cli, write):
    cli.ok("people", "add", "L1", "--name", "Lee", "--kind", "staff")
    assert cli("repay", "calc", "L1", "--leave-date", "2027-01-31", "--reason", "other",
               "--final-pay-gbp=-5").exit_code == 2
    result = cli("repay", "batch", write("l.csv", "person_id,leave_date,reason,final_pay_gbp\n"
                                                  "L1,2027-01-31,other,-5\n"))
    assert result.exit_code == 1 and "row 2, column final_pay_gbp: '-5' is negative" in result.stderr


def test_a_bad_policy_stops_every_command_naming_the_key(cli, write):
    for body, key in [("[repay]\nschedule = \"garbage\"\n", "repay.schedule"),
                      ("[cadet]\nmin_age = 17\nmax_age = 13\n", "cadet.min_age"),
                      ("[plt]\nhours_per_month = -1\n", "plt.hours_per_month"),
                      ("[plt\n", "policy file")]:
        path = write("p.toml", body)
        for command in (["people", "list"], ["db", "current"], ["policy", "show"]):
            result = cli("--policy", path, *command)
            assert result.exit_code == 1 and key in result.stderr, (body, command, result.stderr)
    assert cli("--policy", write("p.toml", "[plt\n"), "people", "list", "--help").exit_code == 0


def test_header_only_leavers_file_records_nothing(cli, write):
    result = cli.ok("repay", "batch", write("l.csv", "person_id,leave_date,reason\n"), "--record")
    assert "0 leaver(s)" in result.stderr
    assert "repayment" not in cli.ok("audit", "--format", "csv").stdout


def test_reads_of_a_missing_file_say_so_and_create_nothing(cli, tmp_path):
    path = tmp_path / "typo.db"
    for command in (["people", "list"], ["db", "current"], ["db", "check"], ["export", "people"]):
        result = cli("--db", str(path), *command)
        assert result.exit_code == 3 and "does not exist" in result.stderr and not Path(path).exists()
