"""Placements withdrawn by the applicant and applications corrected (SPEC §9), through the CLI."""

import pytest

STAFF = "person_id,name,kind,team\nM1,Mia Manager,staff,Office\nS1,Sam Staff,staff,Office\n"


@pytest.fixture
def office(cli, write):
    cli.ok("people", "import", write("people.csv", STAFF))

    def apply(name="Ada Adult", dob="2000-01-01", kind="work_experience", start="2027-03-01", received="2026-11-01",
              *extra):
        return cli.ok("placement", "apply", "--name", name, "--dob", dob, "--type", kind, "--start", start,
                      "--received", received, "--format", "json", *extra).json()

    return apply


def accept(cli, placement_id):
    cli.ok("placement", "vetting", placement_id, "--status", "cleared")
    return cli("placement", "decide", placement_id, "--accept", "--by", "Chief Executive")


def shown(cli, placement_id):
    return cli.ok("placement", "show", placement_id, "--format", "json").json()


def entries(cli):
    return cli.ok("audit", "--entity", "placement", "--format", "json").json()


def snapshot(cli):
    return cli.ok("placement", "list", "--format", "json").stdout, cli.ok("audit", "--format", "json").stdout


def refused(cli, *args, message: str, code: int = 1):
    before = snapshot(cli)
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (code, ""), (result.exit_code, result.stderr)
    assert message in result.stderr and len(result.stderr.splitlines()) == 1, result.stderr
    assert snapshot(cli) == before
    return result


# --- placement withdraw

def test_withdraw_from_each_status_before_completion(cli, office):
    applied, accepted, started = office("Ann Applied"), office("Acc Epted"), office("Ian Progress")
    assert accept(cli, accepted["id"]).exit_code == 0
    assert accept(cli, started["id"]).exit_code == 0
    cli.ok("placement", "start", started["id"], "--date", "2027-03-01")
    result = cli.ok("placement", "withdraw", applied["id"], "--date", "2026-12-01")
    assert result.stderr == f"placement {applied['id']} withdrawn on 2026-12-01\n" and result.stdout == ""
    cli.ok("placement", "withdraw", accepted["id"], "--date", "2027-02-01", "--reason", "found a job")
    record = cli.ok("placement", "withdraw", started["id"], "--date", "2027-03-02", "--format", "json").json()
    assert (record["status"], record["withdrawn_on"], record["withdraw_reason"]) == ("withdrawn", "2027-03-02", None)
    a = shown(cli, accepted["id"])
    assert (a["status"], a["withdrawn_on"], a["withdraw_reason"]) == ("withdrawn", "2027-02-01", "found a job")
    withdrawals = [(e["entity_id"], e["fields"], e["command"]) for e in entries(cli) if e["action"] == "withdraw"]
    assert withdrawals == [
        (str(applied["id"]), ["status", "withdrawn_on"], "placement withdraw"),
        (str(accepted["id"]), ["status", "withdrawn_on", "withdraw_reason"], "placement withdraw"),
        (str(started["id"]), ["status", "withdrawn_on"], "placement withdraw")]
    listed = cli.ok("placement", "list", "--status", "withdrawn", "--format", "json").json()
    assert sorted(p["id"] for p in listed) == sorted([applied["id"], accepted["id"], started["id"]])


def test_withdraw_refusals_write_nothing(cli, office):
    declined, done, ended, gone, applied = (office(f"P{i}", start=s) for i, s in enumerate(
        ("2027-03-01", "2027-03-08", "2027-03-15", "2027-03-22", "2027-03-29")))
    cli.ok("placement", "decide", declined["id"], "--decline", "--by", "CE", "--feedback", "apply earlier")
    for p in (done, ended):
        assert accept(cli, p["id"]).exit_code == 0
    cli.ok("placement", "start", done["id"], "--date", "2027-03-08")
    cli.ok("placement", "complete", done["id"], "--date", "2027-03-12")
    cli.ok("placement", "terminate", ended["id"], "--date", "2027-03-16", "--reason", "conduct")
    cli.ok("placement", "withdraw", gone["id"], "--date", "2027-01-05")
    refused(cli, "placement", "withdraw", declined["id"], "--date", "2027-01-01",
            message=f"error: placement {declined['id']} was declined on ")
    refused(cli, "placement", "withdraw", done["id"], "--date", "2027-03-13",
            message=f"error: placement {done['id']} was completed on 2027-03-12: a placement is withdrawn only "
                    "before it is completed")
    refused(cli, "placement", "withdraw", ended["id"], "--date", "2027-03-17",
            message=f"error: placement {ended['id']} was terminated on 2027-03-16: it has already ended")
    refused(cli, "placement", "withdraw", gone["id"], "--date", "2027-01-06",
            message=f"error: placement {gone['id']} was already withdrawn on 2027-01-05")
    refused(cli, "placement", "withdraw", applied["id"], "--date", "2026-10-31",
            message="error: --date: 2026-10-31 is before the application was received, 2026-11-01")
    refused(cli, "placement", "withdraw", 999, "--date", "2027-01-01", message="error: placement 999 not found")
    refused(cli, "placement", "withdraw", applied["id"], message="Missing option '--date'", code=2)


def test_withdraw_during_a_placement_is_not_before_it_started(cli, office):
    p = office()
    assert accept(cli, p["id"]).exit_code == 0
    cli.ok("placement", "start", p["id"], "--date", "2027-03-02")
    refused(cli, "placement", "withdraw", p["id"], "--date", "2027-03-01",
            message="error: --date: 2027-03-01 is before the placement started, 2027-03-02")


def test_a_withdrawn_placement_frees_its_place_in_the_office(cli, office):
    first, second, third = (office(f"P{i}") for i in range(3))
    assert accept(cli, first["id"]).exit_code == 0
    assert accept(cli, second["id"]).exit_code == 0
    assert "the office is full" in accept(cli, third["id"]).stderr
    cli.ok("placement", "withdraw", second["id"], "--date", "2027-02-01")
    assert accept(cli, third["id"]).exit_code == 0
    week = cli.ok("placement", "calendar", "--from", "2027-03-01", "--to", "2027-03-07", "--format", "json").json()
    assert week[0]["placements"] == [f"{first['id']} work_experience", f"{third['id']} work_experience"]


def test_purge_takes_a_placement_withdrawn_before_the_date(cli, office):
    early = office("Wendy Withdrew", start="2027-09-06", received="2027-01-04")
    later = office("Walt Later", start="2027-09-06", received="2027-01-04")
    cli.ok("placement", "withdraw", early["id"], "--date", "2027-02-01", "--reason", "moved to Leeds with Ulrika")
    cli.ok("placement", "withdraw", later["id"], "--date", "2027-04-01")
    found = cli.ok("--as-of", "2027-03-01", "placement", "purge", "--ended-before", "2027-03-01", "--dry-run",
                   "--format", "json").json()
    assert [p["id"] for p in found] == [early["id"]]  # ends in September, but was withdrawn in February
    ahead = cli.ok("--as-of", "2027-03-01", "placement", "purge", "--ended-before", "2027-12-01", "--dry-run",
                   "--format", "json").json()
    assert [p["id"] for p in ahead] == [early["id"]]  # nothing withdrawn or ended after today is erased
    cli.ok("--as-of", "2027-03-01", "placement", "purge", "--ended-before", "2027-03-01", "--yes")
    gone = shown(cli, early["id"])
    assert (gone["name"], gone["dob"], gone["withdraw_reason"], gone["erased_on"] is not None) == (
        None, None, None, True)
    assert (gone["status"], gone["withdrawn_on"]) == ("withdrawn", "2027-02-01")
    assert shown(cli, later["id"])["name"] == "Walt Later"


# --- placement edit

def test_edit_an_application_rechecks_it_and_raises_its_flags_again(cli, office):
    p = office()
    result = cli.ok("placement", "edit", p["id"], "--start", "2027-03-08")
    assert result.stderr == f"placement {p['id']} changed: start, end\n"
    moved = shown(cli, p["id"])
    assert (moved["start"], moved["end"], moved["flags"]) == ("2027-03-08", "2027-03-12", [])  # the week moved
    young = cli.ok("placement", "edit", p["id"], "--dob", "2010-06-01", "--connection", "niece of a board member",
                   "--received", "2027-01-04")
    assert young.stderr.splitlines()[0] == f"placement {p['id']} changed: dob, connection, received, flags"
    assert [line.split(":")[0] for line in young.stderr.splitlines()[1:]] == ["flag"] * 3
    assert shown(cli, p["id"])["flags"] == ["short_notice", "declared_connection", "under_18"]
    cleared = cli.ok("placement", "edit", p["id"], "--connection", "", "--vetting", "not_required", "--format",
                     "json").json()
    assert (cleared["connection"], cleared["vetting"], cleared["flags"]) == (None, "not required",
                                                                             ["short_notice", "under_18"])
    again = cli.ok("placement", "edit", p["id"], "--vetting", "required", "--type", "internship", "--end",
                   "2027-04-30", "--format", "json").json()
    assert (again["type"], again["end"], again["vetting"]) == ("internship", "2027-04-30", "pending")
    updates = [(e["fields"], e["command"]) for e in entries(cli) if e["action"] == "update"]
    assert updates == [(["start", "end"], "placement edit"),
                       (["dob", "connection", "received", "flags"], "placement edit"),
                       (["connection", "flags", "vetting"], "placement edit"),
                       (["type", "end", "vetting"], "placement edit")]
    assert "niece" not in str(entries(cli))


def test_edit_that_changes_nothing_records_nothing(cli, office):
    p = office()
    before = snapshot(cli)
    result = cli.ok("placement", "edit", p["id"], "--name", "Ada Adult", "--start", "2027-03-01")
    assert result.stderr == f"placement {p['id']}: nothing changed\n"
    assert snapshot(cli) == before


def test_edit_refuses_what_apply_refuses(cli, office):
    p = office()
    intern = office("Ian Intern", "1999-01-01", "internship", "2027-03-01", "2026-11-01", "--end", "2027-04-30")
    refused(cli, "placement", "edit", p["id"], "--name", " ", message="error: --name: is required")
    refused(cli, "placement", "edit", p["id"], "--dob", "2027-03-01",
            message="error: --dob: 2027-03-01 is not before the start, 2027-03-01")
    refused(cli, "placement", "edit", p["id"], "--start", "2027-03-02",
            message="work experience needs --end unless it starts on a Monday")
    refused(cli, "placement", "edit", p["id"], "--end", "2027-02-26", message="ends 2027-02-26 before it starts")
    refused(cli, "placement", "edit", intern["id"], "--end", "2027-06-01",
            message="an internship lasts 1 to 3 months: 2027-03-01 to 2027-06-01 does not")
    refused(cli, "placement", "edit", intern["id"], "--vetting", "not_required",
            message="every internship candidate is vetted (policy §23)")
    refused(cli, "placement", "edit", 999, "--name", "X", message="error: placement 999 not found")
    refused(cli, "placement", "edit", p["id"], message="give at least one field to change", code=2)


def test_edit_only_an_application(cli, office):
    accepted, declined = office("Acc Epted"), office("Dec Lined")
    assert accept(cli, accepted["id"]).exit_code == 0
    cli.ok("placement", "decide", declined["id"], "--decline", "--by", "CE", "--feedback", "apply earlier")
    refused(cli, "placement", "edit", accepted["id"], "--school", "Elm High",
            message=f"error: placement {accepted['id']} is accepted: only an application is edited; withdraw it "
                    "(`placement withdraw`) and apply again")
    refused(cli, "placement", "edit", declined["id"], "--school", "Elm High",
            message=f"error: placement {declined['id']} is declined: only an application is edited; apply again")
    old = office("Olive Old", start="2026-03-02", received="2025-11-03")
    cli.ok("placement", "purge", "--ended-before", "2026-06-01", "--yes")  # still an application, but erased
    refused(cli, "placement", "edit", old["id"], "--school", "Elm High",
            message=f"error: placement {old['id']}'s personal data was erased on ")
    refused(cli, "placement", "withdraw", old["id"], "--date", "2026-01-05", "--reason", "too late",
            message="its record takes no personal data")
    cli.ok("placement", "withdraw", old["id"], "--date", "2026-01-05")
