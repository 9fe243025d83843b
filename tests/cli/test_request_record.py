"""The training record of requests through the CLI (SPEC §13; seed 001 §32, §42–45, §51, §66): the
lunch-and-learn's feedback and rating, the courses taken, the year's spend, professional memberships
and their cancellation, and resits."""

import pytest

PEOPLE = """person_id,name,kind,team,line_manager_id,employment,contract_end,weekly_hours
M1,Mia Manager,staff,HR,,permanent,,37
S1,Sol Staff,staff,HR,M1,permanent,,37
S2,Sam Second,staff,Finance,M1,permanent,,37
S3,Sky Third,staff,Finance,M1,permanent,,37
"""
AT = ("--as-of", "2026-11-23")


@pytest.fixture
def hr(cli, write, monkeypatch):
    """People and a 2026/27 budget, under a policy with no mandatory courses (so `request submit`
    takes HR's word); `hr(...)` makes a request, `hr.through(id, …)` takes it on."""
    monkeypatch.setenv("LDCLI_POLICY", write("policy.toml", "[training]\nuse_defaults = false\n"))
    cli.ok("people", "import", write("people.csv", PEOPLE))
    cli.ok("request", "budget", "set", "--year", "2026", "--gbp", "10000")

    def new(person="S1", category="bespoke", fees="1200", *extra, title=None, start="2026-12-01"):
        return cli.ok(*AT, "request", "new", person, "--title", title or f"{category} course", "--category",
                      category, "--provider", "Provider", "--start", start, "--end", "2027-05-31", "--fees-gbp",
                      fees, "--format", "json", *extra).json()["id"]

    def through(request_id, *decide, to="approved"):
        cli.ok(*AT, "request", "manager-approve", request_id, "--by", "M1")
        cli.ok(*AT, "request", "submit", request_id, "--attendance", "ok", "--conduct", "ok",
               "--mandatory-training", "ok")
        cli.ok(*AT, "request", "decide", request_id, "--by", "HR Governance Group", "--approve", *decide)
        if to in ("in_progress", "completed"):
            cli.ok("request", "start", request_id, "--date", "2026-12-01")
        if to == "completed":
            cli.ok("--as-of", "2027-05-31", "request", "complete", request_id, "--date", "2027-05-31")
        return request_id

    new.through = through
    return new


def shown(cli, request_id):
    return cli.ok("request", "show", request_id, "--format", "json").json()


def refused(cli, *args, fragment, code=1):
    """Refused with one plain line naming the problem, and nothing written."""
    before = [cli.ok("export", kind, "--format", "json").stdout for kind in ("requests", "payments", "audit")]
    result = cli(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert [cli.ok("export", kind, "--format", "json").stdout for kind in ("requests", "payments", "audit")] == before


def test_a_lunch_and_learn_records_its_feedback_and_rating_and_the_audit_keeps_no_feedback(cli, hr):
    rid = hr.through(hr(), to="completed")
    ll = ("--as-of", "2027-06-20", "request", "lunch-learn", rid, "--date", "2027-06-20")
    refused(cli, "--as-of", "2027-06-20", "request", "lunch-learn", rid, "--date", "2027-05-30",
            fragment="--date: request 1 was completed on 2027-05-31: its lunch-and-learn cannot be before that")
    refused(cli, *ll, "--rating", "6", fragment="--rating", code=2)
    refused(cli, *ll, "--rating", "0", fragment="--rating", code=2)
    refused(cli, *ll, "--feedback", "x" * 2001, fragment="--feedback: is 2,001 characters long; at most 2000")
    cli.ok(*ll, "--feedback", "Clear and useful; the case studies were dated", "--rating", "4")
    record = shown(cli, rid)
    assert (record["lunch_learn_on"], record["lunch_learn_feedback"], record["lunch_learn_rating"]) == (
        "2027-06-20", "Clear and useful; the case studies were dated", 4)
    cli.ok(*ll, "--rating", "5")  # a correction of the rating keeps the feedback
    assert (shown(cli, rid)["lunch_learn_feedback"], shown(cli, rid)["lunch_learn_rating"]) == (
        "Clear and useful; the case studies were dated", 5)
    exported = cli.ok("export", "requests", "--format", "json").json()[0]
    assert (exported["lunch_learn_feedback"], exported["lunch_learn_rating"]) == (
        "Clear and useful; the case studies were dated", 5)
    audit = cli.ok("export", "audit", "--format", "json")
    assert "case studies" not in audit.stdout
    assert [e["fields"] for e in audit.json() if e["action"] == "lunch_learn"] == [
        ["lunch_learn_on", "lunch_learn_feedback", "lunch_learn_rating"], ["lunch_learn_rating"]]


def test_courses_taken_group_a_title_and_provider_as_typed_with_the_average_rating(cli, hr):
    first = hr.through(hr(title="Data Protection Practitioner"), to="completed")
    again = hr.through(hr("S2", title="data  protection PRACTITIONER"), to="completed")
    hr.through(hr("S2", "conference", "300", title="Policing Conference"), to="in_progress")
    hr("S1", "short_course", "100", title="Never taken")  # a draft: not taken
    for rid, rating in ((first, "4"), (again, "5")):
        cli.ok("--as-of", "2027-06-20", "request", "lunch-learn", rid, "--date", "2027-06-20", "--rating", rating)
    assert cli.ok("request", "courses", "--format", "json").json() == [
        {"title": "data  protection PRACTITIONER", "provider": "Provider", "category": "bespoke", "times_taken": 2,
         "last_taken": "2026-12-01", "average_rating": 4.5, "ratings": 2},
        {"title": "Policing Conference", "provider": "Provider", "category": "conference", "times_taken": 1,
         "last_taken": "2026-12-01", "average_rating": None, "ratings": 0}]
    assert [c["title"] for c in cli.ok("request", "courses", "--category", "CONFERENCE", "--format", "json").json()
            ] == ["Policing Conference"]
    result = cli("request", "courses", "--category", "conferense")
    assert result.exit_code == 1 and "did you mean 'conference'" in result.stderr, result.stderr


def test_spend_per_group_counts_payments_not_void_and_funding_not_yet_paid_with_a_total(cli, hr):
    paid = hr.through(hr("S1", "bespoke", "1200.50"))
    cli.ok(*AT, "request", "pay", paid, "--date", "2026-11-23", "--gbp", "1000.25")
    cli.ok(*AT, "request", "pay", paid, "--date", "2026-11-23", "--gbp", "200")
    void = shown(cli, paid)["payments"][1]["id"]
    cli.ok(*AT, "request", "payment", "void", void, "--reason", "entered twice")
    hr.through(hr("S2", "conference", "300.10", start="2026-12-02"))
    cli.ok("request", "budget", "set", "--year", "2027", "--gbp", "500")
    hr.through(hr("S3", "short_course", "99", start="2027-04-01"))  # the next financial year
    by_team = cli.ok("request", "spend", "--year", "2026", "--format", "json").json()
    assert by_team == [
        {"team": "Finance", "requests": 1, "spent_gbp": "0.00", "committed_gbp": "300.10", "total_gbp": "300.10"},
        {"team": "HR", "requests": 1, "spent_gbp": "1000.25", "committed_gbp": "200.25", "total_gbp": "1200.50"},
        {"team": "total", "requests": 2, "spent_gbp": "1000.25", "committed_gbp": "500.35", "total_gbp": "1500.60"}]
    assert cli.ok("request", "spend", "--year", "2026/27", "--format", "json").json() == by_team
    budget = cli.ok("request", "budget", "show", "--year", "2026", "--format", "json").json()
    assert (budget["paid_gbp"], budget["committed_gbp"]) == ("1000.25", "1500.60")  # the same money
    by_person = cli.ok("request", "spend", "--year", "2026", "--by", "person", "--format", "csv").stdout
    assert by_person.splitlines() == ["person_id,name,requests,spent_gbp,committed_gbp,total_gbp",
                                      "S1,Sol Staff,1,1000.25,200.25,1200.50",
                                      "S2,Sam Second,1,0.00,300.10,300.10", "total,,2,1000.25,500.35,1500.60"]
    assert [r["category"] for r in cli.ok("request", "spend", "--year", "2026", "--by", "category", "--format",
                                          "json").json()] == ["bespoke", "conference", "total"]
    result = cli("request", "spend", "--year", "2026/28")
    assert result.exit_code == 2 and "'2026/28' is not a financial year like 2026 or 2026/27" in result.stderr


def test_a_professional_fee_names_its_body_and_ground_and_no_other_category_does(cli, hr):
    fee = ("S1", "professional_fee", "195", "--body", "CIPD")
    refused(cli, *AT, "request", "new", "S1", "--title", "CIPD", "--category", "professional_fee", "--provider",
            "CIPD", "--start", "2026-12-01", "--end", "2026-12-01", "--fees-gbp", "195", "--body", "CIPD",
            fragment="--ground: a professional fee names its ground: job_requirement or student")
    refused(cli, *AT, "request", "new", "S1", "--title", "CIPD", "--category", "professional_fee", "--provider",
            "CIPD", "--start", "2026-12-01", "--end", "2026-12-01", "--fees-gbp", "195", "--ground", "student",
            fragment="--body: a professional fee names its professional body")
    refused(cli, *AT, "request", "new", "S1", "--title", "T", "--category", "bespoke", "--provider", "P", "--start",
            "2026-12-01", "--end", "2026-12-01", "--fees-gbp", "1", "--ground", "student",
            fragment="--ground: only a professional fee names a ground; this request is bespoke")
    refused(cli, *AT, "request", "new", "S1", "--title", "CIPD", "--category", "professional_fee", "--provider",
            "CIPD", "--start", "2026-12-01", "--end", "2026-12-01", "--fees-gbp", "195", "--body", "CIPD",
            "--ground", "employer", fragment="Invalid value for '--ground'", code=2)
    rid = hr(*fee, "--ground", "JOB_REQUIREMENT")
    record = shown(cli, rid)
    assert (record["body"], record["ground"]) == ("CIPD", "job_requirement")
    cli.ok(*AT, "request", "edit", rid, "--ground", "student")
    assert shown(cli, rid)["ground"] == "student"
    cli.ok(*AT, "request", "edit", rid, "--category", "short_course")  # no longer a membership
    assert (shown(cli, rid)["body"], shown(cli, rid)["ground"]) == (None, None)
    refused(cli, *AT, "request", "edit", rid, "--category", "professional_fee",
            fragment="--body: a professional fee names its professional body")


def test_a_cancelled_membership_repays_every_fee_paid_in_the_window_whatever_the_reason_for_leaving(cli, hr):
    cli.ok("request", "budget", "set", "--year", "2025", "--gbp", "10000")
    fee = hr.through(hr("S1", "professional_fee", "400", "--body", "CIPD", "--ground", "job_requirement",
                        start="2025-11-01"))
    for day, gbp in (("2025-11-01", "100.01"), ("2025-12-01", "150.33"), ("2026-06-01", "49.66")):
        cli.ok(*AT, "request", "pay", fee, "--date", day, "--gbp", gbp)
    bespoke = hr.through(hr("S2"))
    cancel = ("request", "membership-cancelled")
    refused(cli, *AT, *cancel, bespoke, "--date", "2026-11-01",
            fragment="request 2 is bespoke: only a professional fee's membership is cancelled")
    refused(cli, *AT, *cancel, fee, "--date", "2026-11-24", fragment="--date: a cancellation cannot be dated "
                                                                     "2026-11-24, after today (2026-11-23)")
    refused(cli, *AT, *cancel, fee, "--date", "2025-10-31", fragment="--date: request 1's membership starts on "
                                                                     "2025-11-01: it cannot be cancelled before")
    result = cli.ok(*AT, *cancel, fee, "--date", "2026-11-15")
    assert "£199.99 of fees paid from 2025-11-15 to 2026-11-15 is repayable by S1" in result.stderr
    assert shown(cli, fee)["membership_cancelled_on"] == "2026-11-15"
    refused(cli, *AT, *cancel, fee, "--date", "2026-11-15",
            fragment="the membership of request 1 was already cancelled on 2026-11-15")
    calc = cli.ok("repay", "calc", "S1", "--leave-date", "2026-12-31", "--reason", "redundancy",
                  "--final-pay-gbp", "3000", "--format", "json").json()
    line = next(x for x in calc["lines"] if x["request_id"] == fee)
    assert (line["band"], line["percent"], line["fees_in_window_gbp"], line["amount_gbp"], line["exemption"],
            line["signed"]) == ("membership cancelled", 100, "199.99", "199.99", None, False)
    assert calc["total_gbp"] == calc["invoice_gbp"] == "199.99"  # no signed terms: invoiced, never deducted
    before = cli.ok("repay", "calc", "S1", "--leave-date", "2026-11-14", "--reason", "resignation", "--format",
                    "json").json()
    assert before["lines"] == []  # cancelled after leaving: not a leaver's debt


def test_a_resit_follows_the_same_persons_course_and_its_funding_is_never_defaulted(cli, hr):
    draft = hr("S1", title="Draft course")
    failed = hr.through(hr("S1", title="Failed course", start="2026-11-01"), to="in_progress")
    resit = ("S1", "short_course", "250", "--resit-of")
    refused(cli, *AT, "request", "new", "S1", "--title", "T", "--category", "short_course", "--provider", "P",
            "--start", "2027-06-01", "--end", "2027-06-01", "--fees-gbp", "250", "--resit-of", "99",
            fragment="--resit-of: request 99 not found")
    refused(cli, *AT, "request", "new", "S2", "--title", "T", "--category", "short_course", "--provider", "P",
            "--start", "2027-06-01", "--end", "2027-06-01", "--fees-gbp", "250", "--resit-of", failed,
            fragment="--resit-of: request 2 is S1's, not S2's: a resit follows the same person's course")
    refused(cli, *AT, "request", "new", "S1", "--title", "T", "--category", "short_course", "--provider", "P",
            "--start", "2027-06-01", "--end", "2027-06-01", "--fees-gbp", "250", "--resit-of", draft,
            fragment="--resit-of: request 1 is draft: a resit follows a course in progress or completed")
    again = hr(*resit, failed, title="Resit", start="2027-01-10")
    assert (shown(cli, again)["resit_of"], shown(cli, failed)["resat_as"]) == (failed, [again])
    table = cli.ok("request", "show", failed).stdout
    assert f"resat_as                 request {again}" in table
    cli.ok(*AT, "request", "manager-approve", again, "--by", "M1")
    # the course it resits, still in progress, is not other funded training outstanding
    cli.ok(*AT, "request", "submit", again, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    refused(cli, *AT, "request", "decide", again, "--by", "HRGG", "--approve",
            fragment=f"--funding-gbp: request {again} is a resit of request 2: its funding is at the discretion of "
                     "the HR Governance Group")
    cli.ok(*AT, "request", "decide", again, "--by", "HRGG", "--approve", "--funding-gbp", "125")
    assert shown(cli, again)["funding_gbp"] == "125.00"


def test_the_leavers_letter_dates_a_cancelled_memberships_fees_to_the_cancellation(cli, hr):
    cli.ok("request", "budget", "set", "--year", "2025", "--gbp", "10000")
    fee = hr.through(hr("S1", "professional_fee", "400", "--body", "CIPD", "--ground", "student",
                        start="2025-11-01"))
    cli.ok(*AT, "request", "pay", fee, "--date", "2025-12-01", "--gbp", "150.33")
    cli.ok(*AT, "request", "membership-cancelled", fee, "--date", "2026-11-15")
    letter = cli.ok("--as-of", "2026-12-01", "repay", "letter", "S1", "--leave-date", "2026-12-31", "--reason",
                    "resignation").stdout
    assert "   Membership:        cancelled on 15 November 2026\n" in letter
    assert "   Fees paid:         £150.33 (from 15 November 2025 to 15 November 2026)\n" in letter
    assert "   Band:              membership cancelled\n   Percent:           100%\n" in letter


def test_erasing_a_leaver_wipes_their_feedback_and_keeps_the_rating(cli, hr):
    rid = hr.through(hr(), to="completed")
    cli.ok("--as-of", "2027-06-20", "request", "lunch-learn", rid, "--date", "2027-06-20", "--feedback",
           "Ask Sol about it", "--rating", "3")
    cli.ok("--as-of", "2027-06-30", "people", "leave", "S1", "--date", "2027-06-30")
    cli.ok("--as-of", "2027-07-01", "people", "erase", "S1", "--yes")
    record = shown(cli, rid)
    assert (record["lunch_learn_feedback"], record["lunch_learn_rating"]) == (None, 3)
    assert cli.ok("request", "courses", "--format", "json").json()[0]["average_rating"] == 3.0
