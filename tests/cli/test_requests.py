"""Training requests and leavers' repayments through the CLI (SPEC §4 and §5)."""

import pytest

PEOPLE = """person_id,name,kind,team,line_manager_id,employment,contract_end,weekly_hours
M1,Mia Manager,staff,HR,,permanent,,37
M2,Max Other,staff,HR,,permanent,,37
S1,Sol Staff,staff,HR,M1,permanent,,20
F1,Fay Fixed,staff,HR,M1,fixed_term,2027-01-31,37
K1,Kit Contractor,contractor,HR,M1,fixed_term,2027-06-30,37
V1,Val Volunteer,volunteer,HR,M1,permanent,,8
"""


@pytest.fixture
def hr(cli, write, no_courses):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    cli.ok("request", "budget", "set", "--year", "2026", "--gbp", "10000")

    def new(person="S1", category="bespoke", fees="1200", start="2026-12-01", end="2027-05-31", *extra):
        result = cli.ok("--as-of", "2026-11-23", "request", "new", person, "--title", f"{category} course",
                        "--category", category, "--provider", "Provider", "--start", start, "--end", end,
                        "--fees-gbp", fees, "--format", "json", *extra)
        return result.json()["id"]

    def through(request_id, *, approve=True, to="approved", manager="M1", started="2026-12-01", **decide):
        cli.ok("--as-of", "2026-11-23", "request", "manager-approve", request_id, "--by", manager)
        cli.ok("--as-of", "2026-11-23", "request", "submit", request_id, "--attendance", "ok", "--conduct", "ok",
               "--mandatory-training", "ok")
        args = ["--approve"] + [x for k, v in decide.items() for x in (f"--{k.replace('_', '-')}", v)]
        cli.ok("--as-of", "2026-11-23", "request", "decide", request_id, "--by", "HR Governance Group", *args)
        if to in ("in_progress", "completed"):
            cli.ok("request", "start", request_id, "--date", started)
        if to == "completed":
            cli.ok("--as-of", "2027-05-31", "request", "complete", request_id, "--date", "2027-05-31")
        return request_id

    new.through = through
    return new


def requests_now(cli):
    return cli.ok("export", "requests", "--format", "json").json()


def refused(cli, *args, fragment, code=1):
    before = (cli.ok("export", "requests").stdout, cli.ok("export", "payments").stdout)
    result = cli(*args)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert (cli.ok("export", "requests").stdout, cli.ok("export", "payments").stdout) == before


NEW = ["request", "new", "S1", "--title", "T", "--provider", "P", "--start", "2026-12-01", "--end", "2027-05-31",
       "--fees-gbp", "100"]


def test_refusals_of_a_new_request(cli, hr):
    refused(cli, *NEW, "--category", "undergraduate", fragment="undergraduate degrees are never funded")
    refused(cli, *[("K1" if a == "S1" else a) for a in NEW], "--category", "bespoke",
            fragment="K1 is a contractor: contractors and volunteers have no access to the training budget")
    refused(cli, *[("V1" if a == "S1" else a) for a in NEW], "--category", "bespoke", fragment="V1 is a volunteer")
    refused(cli, *NEW, "--category", "bespoke", "--books-gbp", "75.01", fragment="books £75.01 are over the £75.00 cap")
    refused(cli, *NEW, "--category", "masters", fragment="a Master's is funded only when essential to the role")
    refused(cli, *NEW, "--category", "bespoke", "--residential-days", "4", fragment="the allowance is 3 a year")
    refused(cli, *NEW, "--category", "basket_weaving", fragment="--category: no category 'basket_weaving'; the categories")
    cli.ok(*NEW, "--category", "bespoke", "--books-gbp", "75", "--residential-days", "2")
    refused(cli, *NEW, "--category", "conference", "--residential-days", "2",
            fragment="would bring S1 to 4 in 2026/27; the allowance is 3 a year")


def test_professional_fees_once_a_financial_year_twice_if_exceptional_never_three(cli, hr):
    hr("S1", "professional_fee", "150", "2026-04-01", "2026-04-01")
    refused(cli, *NEW[:7], "--start", "2027-03-31", "--end", "2027-03-31", "--fees-gbp", "90", "--category",
            "professional_fee", fragment="a second only in exceptional circumstances (--exceptional)")
    hr("S1", "professional_fee", "90", "2027-03-31", "2027-03-31", "--exceptional")
    refused(cli, *NEW[:7], "--start", "2027-01-01", "--end", "2027-01-01", "--fees-gbp", "90", "--category",
            "professional_fee", "--exceptional", fragment="never more than 2")
    hr("S1", "professional_fee", "150", "2027-04-01", "2027-04-01")  # a new financial year


def test_time_off_is_computed_and_pro_rated(cli, hr):
    request_id = hr("S1", "bespoke", "100", "2026-12-01", "2027-05-31", "--exams", "3", "--day-release-days", "10",
                    "--residential-days", "1")
    shown = cli.ok("request", "show", request_id, "--format", "json").json()
    assert shown["time_off"] == {"exam_days": 3, "revision_days": 1.5, "day_release_days": 5,  # 20 h of 40
                                 "residential_days": 1, "total_days": 10.5}


def test_manager_approval_and_submission_refusals(cli, hr):
    request_id = hr()
    refused(cli, "request", "manager-approve", request_id, "--by", "M2",
            fragment="M2 is not S1's line manager (M1); only the line manager approves")
    result = cli("request", "submit", request_id, "--attendance", "concern", "--conduct", "ok",
                 "--mandatory-training", "overdue")
    assert result.exit_code == 1
    for criterion in ("line manager's approval recorded (missing)", "attendance record (concern)",
                      "mandatory training up to date (overdue)"):
        assert criterion in result.stderr
    assert "efficiency and conduct" not in result.stderr
    assert requests_now(cli)[0]["status"] == "draft"
    hr.through(request_id)
    second = hr("S1", "conference", "300", "2027-01-10", "2027-01-11")
    cli.ok("request", "manager-approve", second, "--by", "M1")
    outstanding = cli("request", "submit", second, "--attendance", "ok", "--conduct", "ok",
                      "--mandatory-training", "ok")
    assert outstanding.exit_code == 1 and f"no earlier funded training outstanding (request {request_id} is approved)" \
        in outstanding.stderr


def test_fixed_term_contract_ending_before_the_course_is_a_warning(cli, hr):
    request_id = hr("F1")
    cli.ok("request", "manager-approve", request_id, "--by", "M1")
    result = cli.ok("request", "submit", request_id, "--attendance", "ok", "--conduct", "ok",
                    "--mandatory-training", "ok")
    assert "warning: F1's fixed-term contract ends 2027-01-31, before the course ends 2027-05-31" in result.stderr
    assert requests_now(cli)[0]["status"] == "submitted"


def test_decisions_budget_masters_and_apprenticeships(cli, hr):
    first = hr("S1", "bespoke", "6000")
    hr.through(first)
    state = cli.ok("request", "budget", "show", "--year", "2026", "--format", "json").json()
    assert state == {"year": "2026/27", "budget_gbp": "10000.00", "committed_gbp": "6000.00", "paid_gbp": "0.00",
                     "remaining_gbp": "4000.00"}
    masters = hr("S1", "masters", "30000", "2027-01-01", "2028-12-31", "--essential-to-role")
    cli.ok("request", "withdraw", first, "--date", "2026-11-30")  # frees the unpaid commitment
    cli.ok("request", "manager-approve", masters, "--by", "M1")
    cli.ok("request", "submit", masters, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    refused(cli, "request", "decide", masters, "--by", "HRGG", "--approve", "--funding-gbp", "5000.01",
            fragment="funding £5,000.01 is more than £5,000.00 (25% of the fees, at most £5,000)")
    cli.ok("request", "decide", masters, "--by", "HRGG", "--approve")
    decided = cli.ok("request", "show", masters, "--format", "json").json()
    assert (decided["funding_gbp"], decided["repayment"]) == ("5000.00", "during=100,3=75,6=50,9=25,window=12")
    app = hr("F1", "apprenticeship", "9000", "2027-01-01", "2028-12-31")
    cli.ok("request", "manager-approve", app, "--by", "M1")
    cli.ok("request", "submit", app, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    refused(cli, "request", "decide", app, "--by", "HRGG", "--approve", "--repayment", "standard",
            fragment="a levy-funded apprenticeship can never carry repayment terms")
    refused(cli, "request", "decide", app, "--by", "HRGG", "--approve",
            fragment="the 2026/27 budget has £5,000.00 left; request")
    refused(cli, "request", "decide", app, "--by", "HRGG", "--decline", fragment="a decline needs its reason")
    declined = cli.ok("request", "decide", app, "--by", "HRGG", "--decline", "--reason", "budget exhausted")
    assert "line manager M1 is notified of the decline and its reason" in declined.stderr
    assert cli.ok("request", "show", app, "--format", "json").json()["status"] == "declined"


def test_repayment_defaults_by_category(cli, hr):
    conference = hr.through(hr("S1", "conference", "300"))
    assert cli.ok("request", "show", conference, "--format", "json").json()["repayment"] == "none"
    refused(cli, "request", "agree-terms", conference, "--date", "2026-12-01", fragment="carries no repayment terms")


def test_payments_never_exceed_funding_and_lifecycle_is_enforced(cli, hr):
    request_id = hr()
    refused(cli, "request", "pay", request_id, "--date", "2026-12-01", "--gbp", "10",
            fragment="only approved funding is paid")
    refused(cli, "request", "start", request_id, "--date", "2026-12-01", fragment="start needs approved")
    hr.through(request_id, funding_gbp="1000")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "600")
    refused(cli, "request", "pay", request_id, "--date", "2026-12-02", "--gbp", "400.01",
            fragment="payments would reach £1,000.01, over the approved funding of £1,000.00")
    refused(cli, "request", "complete", request_id, "--date", "2027-05-31", fragment="complete needs in_progress")
    state = cli.ok("request", "budget", "show", "--year", "2026", "--format", "json").json()
    assert (state["committed_gbp"], state["paid_gbp"]) == ("1000.00", "600.00")
    listed = cli.ok("request", "list", "--person", "S1", "--format", "json").json()[0]
    for key in ("id", "person_id", "title", "category", "status", "start", "end", "fees_gbp", "funding_gbp",
                "repayment", "completed_on"):
        assert key in listed


def test_lunch_and_learn_and_reviews(cli, hr):
    bespoke = hr.through(hr("S1", "bespoke", "500"), to="completed")
    assert [r["id"] for r in cli.ok("request", "list", "--lunch-learn-due", "--format", "json").json()] == [bespoke]
    cli.ok("--as-of", "2027-06-20", "request", "lunch-learn", bespoke, "--date", "2027-06-20")
    assert cli.ok("request", "list", "--lunch-learn-due", "--format", "json").json() == []
    short = hr("F1", "short_course", "100", "2026-12-01", "2027-12-01")
    hr.through(short, to="in_progress")
    refused(cli, "request", "lunch-learn", short, "--date", "2027-06-20", fragment="owes no lunch-and-learn")
    due = cli.ok("--as-of", "2027-05-01", "request", "reviews", "--due-by", "2027-06-01", "--format", "json").json()
    assert due == [{"id": short, "person_id": "F1", "title": "short_course course", "started_on": "2026-12-01",
                    "review_due": "2027-06-01", "review_number": 1}]
    assert cli.ok("--as-of", "2027-05-01", "request", "reviews", "--due-by", "2027-05-31", "--format",
                  "json").json() == []


def test_leaver_repayment_with_split_and_unsigned_terms(cli, hr, write):
    signed = hr.through(hr("S1", "bespoke", "1200"), to="completed")
    unsigned = hr.through(hr("S1", "project_management", "400", "2027-01-01", "2027-10-31"), to="in_progress",
                          started="2027-01-01")
    cli.ok("request", "agree-terms", signed, "--date", "2026-11-30")
    cli.ok("request", "pay", signed, "--date", "2026-12-01", "--gbp", "1200")
    cli.ok("--as-of", "2027-01-05", "request", "pay", unsigned, "--date", "2027-01-05", "--gbp", "400")
    before = cli.ok("audit", "--format", "json").json()
    result = cli.ok("repay", "calc", "S1", "--leave-date", "2027-08-31", "--reason", "resignation",
                    "--final-pay-gbp", "500", "--format", "json").json()
    assert cli.ok("audit", "--format", "json").json() == before  # nothing written without --record
    assert set(result) == {"person_id", "leave_date", "reason", "final_pay_gbp", "lines", "total_gbp",
                           "deduct_from_salary_gbp", "invoice_gbp"}
    lines = {line["request_id"]: line for line in result["lines"]}
    assert (lines[signed]["percent"], lines[signed]["amount_gbp"]) == (75, "900.00")
    assert (lines[unsigned]["percent"], lines[unsigned]["amount_gbp"], lines[unsigned]["signed"]) == (100, "400.00", False)
    assert "no signed agreement" in lines[unsigned]["explanation"]
    assert (result["total_gbp"], result["deduct_from_salary_gbp"], result["invoice_gbp"]) == ("1300.00", "500.00", "800.00")
    exempt = cli.ok("repay", "calc", "S1", "--leave-date", "2027-08-31", "--reason", "redundancy", "--format",
                    "json").json()
    assert exempt["total_gbp"] == "0.00" and exempt["deduct_from_salary_gbp"] is None
    cli.ok("repay", "calc", "S1", "--leave-date", "2027-08-31", "--reason", "resignation", "--record")
    assert [e["entity"] for e in cli.ok("audit", "--format", "json").json()][-1] == "repayment"
    bad = cli("repay", "calc", "S1", "--leave-date", "2027-08-31", "--reason", "boredom")
    assert bad.exit_code == 2 and "'boredom' is not one of" in bad.stderr
    withdrawal = cli.ok("repay", "withdrawal", unsigned, "--date", "2027-03-01", "--format", "json").json()
    assert (withdrawal["fees_in_window_gbp"], withdrawal["liable_up_to_gbp"], withdrawal["percent"]) == (
        "400.00", "400.00", 100)


def test_withdrawn_before_leaving_is_not_a_leavers_debt_and_batch(cli, hr, write):
    request_id = hr.through(hr("S1", "bespoke", "1000"), to="in_progress")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "1000")
    cli.ok("request", "withdraw", request_id, "--date", "2027-02-01")
    calc = cli.ok("repay", "calc", "S1", "--leave-date", "2027-03-01", "--reason", "resignation", "--format",
                  "json").json()
    assert calc["lines"] == [] and calc["total_gbp"] == "0.00"
    other = hr.through(hr("F1", "bespoke", "2000"), to="in_progress")
    cli.ok("request", "pay", other, "--date", "2026-12-01", "--gbp", "2000")
    leavers = write("leavers.csv", "person_id,leave_date,reason,final_pay_gbp\nF1,2027-01-31,fixed_term_end,900\n"
                                   "S1,2027-03-01,other,\n")
    resigned = write("resigned.csv", "person_id,leave_date,reason,final_pay_gbp\nF1,2027-01-31,resignation,900\n")
    rows = cli.ok("repay", "batch", leavers, "--format", "json").json()
    rows += cli.ok("repay", "batch", resigned, "--format", "json").json()
    assert [(r["person_id"], r["total_gbp"], r["deduct_from_salary_gbp"], r["invoice_gbp"]) for r in rows] == [
        ("F1", "0.00", "0.00", "0.00"), ("S1", "0.00", None, None), ("F1", "2000.00", "0.00", "2000.00")]
    twice = cli("repay", "batch", write("twice.csv", "person_id,leave_date,reason\nF1,2027-01-31,resignation\n"
                                                     "F1,2027-02-28,other\n"))
    assert twice.exit_code == 1 and "row 3, column person_id: repeats row 2" in twice.stderr
    csv = cli.ok("repay", "batch", leavers, "--format", "csv").stdout.splitlines()
    assert csv[0] == "person_id,leave_date,reason,requests,total_gbp,deduct_from_salary_gbp,invoice_gbp"
    bad = write("bad.csv", "person_id,leave_date,reason,final_pay_gbp\nZZ,2027-13-01,quit,1.234\n")
    result = cli("repay", "batch", bad)
    assert result.exit_code == 1
    for fragment in ("row 2, column person_id: person 'ZZ' not found", "row 2, column leave_date",
                     "row 2, column reason", "row 2, column final_pay_gbp"):
        assert fragment in result.stderr


def test_a_batch_of_many_leavers_matches_calc_one_by_one(cli, hr, write):
    """Over 500 leavers the batch looks them up through a temporary table (a constant number of
    statements): the figures are those of `repay calc`, an unknown person is still named by row."""
    request_id = hr.through(hr("S1", "bespoke", "1000"), to="in_progress")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "1000")
    many = "".join(f"X{i:04d},Extra {i},staff,HR,,permanent,,37\n" for i in range(600))
    cli.ok("people", "import", write("many.csv", PEOPLE.splitlines()[0] + "\n" + many))
    rows = "".join(f"X{i:04d},2027-03-01,resignation,\n" for i in range(600))
    leavers = write("leavers.csv", "person_id,leave_date,reason,final_pay_gbp\n" + rows + "S1,2027-03-01,resignation,\n")
    batch = cli.ok("repay", "batch", leavers, "--format", "json").json()
    assert len(batch) == 601 and [r["total_gbp"] for r in batch[:600]] == ["0.00"] * 600
    alone = cli.ok("repay", "calc", "S1", "--leave-date", "2027-03-01", "--reason", "resignation", "--format",
                   "json").json()
    assert batch[600] == alone and alone["total_gbp"] == "1000.00"
    unknown = cli("repay", "batch", write("unknown.csv", "person_id,leave_date,reason\n" + rows.replace(
        ",\n", "\n") + "NOBODY,2027-03-01,other\n"))
    assert unknown.exit_code == 1 and "row 602, column person_id: person 'NOBODY' not found" in unknown.stderr


def test_a_requests_dates_keep_their_order_and_none_is_in_the_future(cli, hr):
    """SPEC §16: decided on or after submitted, terms agreed and started on or after decided, started
    on or after the course's start, completed on or after started; no completion, payment or
    lunch-and-learn after today. Each refusal names the request and both dates."""
    late = hr("S1", "bespoke", "1000", "2026-11-01", "2027-04-30")  # the course began before its approval
    cli.ok("--as-of", "2026-11-25", "request", "manager-approve", late, "--by", "M1")
    cli.ok("--as-of", "2026-11-25", "request", "submit", late, "--attendance", "ok", "--conduct", "ok",
           "--mandatory-training", "ok")
    refused(cli, "--as-of", "2026-11-24", "request", "decide", late, "--by", "HRGG", "--approve",
            fragment=f"request {late} was submitted on 2026-11-25: it cannot be decided before that, on 2026-11-24")
    cli.ok("--as-of", "2026-11-25", "request", "decide", late, "--by", "HRGG", "--approve")
    refused(cli, "request", "agree-terms", late, "--date", "2026-04-20",
            fragment=f"request {late} was approved on 2026-11-25: its terms cannot have been agreed before that, on "
                     "2026-04-20")
    refused(cli, "request", "start", late, "--date", "2026-11-02",
            fragment=f"request {late} was approved on 2026-11-25: it cannot have started before that, on 2026-11-02")
    soon = hr.through(hr("F1", "bespoke", "1000", "2027-01-15", "2027-06-30"))
    refused(cli, "request", "start", soon, "--date", "2027-01-01",
            fragment=f"request {soon}'s course starts on 2027-01-15: it cannot have started before that, on 2027-01-01")
    cli.ok("request", "start", soon, "--date", "2027-01-15")
    refused(cli, "--as-of", "2027-01-20", "request", "complete", soon, "--date", "2027-01-14",
            fragment=f"request {soon} started on 2027-01-15: it cannot be completed before that, on 2027-01-14")
    refused(cli, "--as-of", "2027-01-20", "request", "complete", soon, "--date", "2027-01-21",
            fragment=f"a completion on request {soon} cannot be dated 2027-01-21, after today (2027-01-20)")
    refused(cli, "--as-of", "2027-01-20", "request", "pay", soon, "--date", "2027-01-21", "--gbp", "10",
            fragment=f"a payment on request {soon} cannot be dated 2027-01-21, after today (2027-01-20)")
    cli.ok("--as-of", "2027-01-20", "request", "complete", soon, "--date", "2027-01-20")
    refused(cli, "--as-of", "2027-01-20", "request", "lunch-learn", soon, "--date", "2027-02-01",
            fragment=f"a lunch-and-learn on request {soon} cannot be dated 2027-02-01, after today (2027-01-20)")


def test_a_leaver_is_worked_out_on_the_leaving_date_on_record(cli, hr, write, tmp_path):
    """SPEC §16: once `people leave` records the date, `repay calc`, `letter` and `batch` use it; a
    different date is refused naming both, and nothing is recorded or written."""
    signed = hr.through(hr("S1", "bespoke", "1200"), to="completed")
    cli.ok("request", "agree-terms", signed, "--date", "2026-11-30")
    cli.ok("request", "pay", signed, "--date", "2026-12-01", "--gbp", "1200")
    unknown = cli("repay", "calc", "S1", "--reason", "resignation")
    assert unknown.exit_code == 1 and "person S1 has no leaving date on record: give the date" in unknown.stderr
    cli.ok("people", "leave", "S1", "--date", "2027-08-31")
    calc = cli.ok("repay", "calc", "S1", "--reason", "resignation", "--format", "json").json()
    assert (calc["leave_date"], calc["total_gbp"]) == ("2027-08-31", "900.00")
    assert cli.ok("repay", "calc", "S1", "--leave-date", "2027-08-31", "--reason", "resignation", "--format",
                  "json").json() == calc
    assert "31 August 2027" in cli.ok("repay", "letter", "S1", "--reason", "resignation").stdout
    audit = cli.ok("audit", "--format", "json").json()
    for command in (("repay", "calc", "S1", "--record"), ("repay", "letter", "S1", "-o", "letter.txt")):
        wrong = cli(*command, "--leave-date", "2027-07-31", "--reason", "resignation")
        assert wrong.exit_code == 1 and wrong.stdout == "", command
        assert wrong.stderr == ("error: --leave-date: person S1's leaving date on record is 2027-08-31, not "
                                "2027-07-31 (correct the record with `people edit` first)\n")
    assert not (tmp_path / "letter.txt").exists() and cli.ok("audit", "--format", "json").json() == audit
    rows = "person_id,leave_date,reason\nM1,2027-07-31,resignation\nS1,2027-07-31,resignation\n"
    batch = cli("repay", "batch", write("leavers.csv", rows), "--record")
    assert batch.exit_code == 1 and batch.stdout == ""
    assert ("row 3, column leave_date: person S1's leaving date on record is 2027-08-31, not 2027-07-31"
            in batch.stderr) and "row 2" not in batch.stderr  # M1 has no leaving date on record: theirs is used
    assert cli.ok("audit", "--format", "json").json() == audit
    fixed = rows.replace("S1,2027-07-31", "S1,2027-08-31")
    results = cli.ok("repay", "batch", write("fixed.csv", fixed), "--format", "json").json()
    assert [(r["person_id"], r["total_gbp"]) for r in results] == [("M1", "0.00"), ("S1", "900.00")]


def test_a_requests_file_is_held_to_the_same_dates(cli, tmp_path):
    """The requests of `sample load` go through the same steps: a refused date is its row and column."""
    folder = tmp_path / "force"
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE)
    (folder / "budgets.csv").write_text("year,gbp\n2026,10000\n")
    (folder / "requests.csv").write_text(
        "person_id,title,category,provider,start,end,fees_gbp,status,payments,started_on,completed_on\n"
        "S1,Course,bespoke,P,2026-04-01,2026-10-31,700,completed,2026-04-01:700,2026-04-01,2027-10-31\n")
    result = cli("--as-of", "2026-12-07", "sample", "load", str(folder))
    assert result.exit_code == 1 and ("row 2, column completed_on: a completion on request 1 cannot be dated "
                                      "2027-10-31, after today (2026-12-07)") in result.stderr
    assert cli.ok("export", "requests", "--format", "json").json() == []
