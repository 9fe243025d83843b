"""Correcting training requests (SPEC §9): edit while draft or submitted, void a payment."""

from tests.cli import test_requests
from tests.cli.test_requests import refused

hr = test_requests.hr  # the fixture: people, a budget, and a way to make and decide requests


def audit(cli, entity):
    return cli.ok("audit", "--entity", entity, "--format", "json").json()


def test_edit_a_draft_checks_every_rule_and_names_the_fields(cli, hr):
    request_id = hr("S1", "bespoke", "1200")
    edited = cli.ok("request", "edit", request_id, "--fees-gbp", "1350.50", "--title", "Bespoke course, part 2",
                    "--format", "json").json()
    assert (edited["fees_gbp"], edited["title"], edited["status"]) == ("1350.50", "Bespoke course, part 2", "draft")
    entry = audit(cli, "request")[-1]
    assert (entry["entity_id"], entry["action"], entry["command"]) == (str(request_id), "update", "request edit")
    assert entry["fields"] == ["title", "fees_gbp"]  # names only: never the values
    assert "Bespoke" not in str(audit(cli, "request"))
    refused(cli, "request", "edit", request_id, "--category", "undergraduate",
            fragment="undergraduate degrees are never funded")
    refused(cli, "request", "edit", request_id, "--books-gbp", "75.01", fragment="over the £75.00 cap")
    refused(cli, "request", "edit", request_id, "--end", "2026-11-30", fragment="is before the start")
    refused(cli, "request", "edit", request_id, "--category", "masters", fragment="essential to the role")
    refused(cli, "request", "edit", request_id, "--person", "K1", fragment="contractors and volunteers")
    refused(cli, "request", "edit", request_id, "--person", "ZZ", fragment="--person: no person 'ZZ'")
    refused(cli, "request", "edit", request_id, "--title", " ", fragment="title: is required")
    refused(cli, "request", "edit", 999, "--title", "X", fragment="request 999 not found")
    refused(cli, "request", "edit", request_id, fragment="give at least one field to change", code=2)
    same = cli.ok("request", "edit", request_id, "--fees-gbp", "1350.50")
    assert "nothing changed" in same.stderr and audit(cli, "request")[-1] == entry


def test_a_second_professional_fee_counts_the_others_not_itself(cli, hr):
    body = ("--body", "CIPD", "--ground", "student")  # a professional fee names both (SPEC §13)
    fee = hr("S1", "professional_fee", "100", "2026-12-01", "2026-12-01", *body)
    cli.ok("request", "edit", fee, "--fees-gbp", "120")  # editing the year's only fee is no second fee
    other = hr("S1", "conference", "100", "2026-12-01", "2026-12-01")
    refused(cli, "request", "edit", other, "--category", "professional_fee", *body,
            fragment="already has a professional fee in 2026/27")
    cli.ok("request", "edit", other, "--category", "professional_fee", "--exceptional", "yes", *body)


def test_a_submitted_request_goes_back_to_draft_and_a_decided_one_is_not_edited(cli, hr):
    request_id = hr("S1", "bespoke", "1200")
    cli.ok("request", "manager-approve", request_id, "--by", "M1")
    cli.ok("request", "submit", request_id, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    edited = cli.ok("request", "edit", request_id, "--provider", "Another provider")
    assert "is a draft again: the line manager approves it again" in edited.stderr
    shown = cli.ok("request", "show", request_id, "--format", "json").json()
    assert (shown["status"], shown["manager_approved_by"]) == ("draft", None)
    assert audit(cli, "request")[-1]["fields"] == ["provider", "status", "submitted_on", "attendance", "conduct",
                                                  "mandatory_training", "manager_approved_by", "manager_approved_on"]
    refused(cli, "request", "submit", request_id, "--attendance", "ok", "--conduct", "ok", "--mandatory-training",
            "ok", fragment="line manager's approval recorded (missing)")
    hr.through(request_id)
    refused(cli, "request", "edit", request_id, "--fees-gbp", "1000",
            fragment=f"request {request_id} is approved: only a draft or submitted request is edited; withdraw it")
    declined = hr("F1", "conference", "100")
    cli.ok("request", "manager-approve", declined, "--by", "M1")
    cli.ok("request", "submit", declined, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    cli.ok("request", "decide", declined, "--by", "HRGG", "--decline", "--reason", "not now")
    refused(cli, "request", "edit", declined, "--title", "X", fragment="is declined: only a draft or submitted "
                                                                      "request is edited; make a new one")


def test_a_void_payment_stays_on_record_and_counts_for_nothing(cli, hr):
    request_id = hr.through(hr("S1", "bespoke", "1000"), to="completed")
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "600")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "400")  # entered for the wrong date
    refused(cli, "request", "pay", request_id, "--date", "2026-12-02", "--gbp", "-5", fragment="-5", code=2)
    payments = cli.ok("export", "payments", "--format", "json").json()
    wrong = payments[-1]["id"]
    state = cli.ok("request", "budget", "show", "--year", "2026", "--format", "json").json()
    assert state["paid_gbp"] == "1000.00"
    calc = ["repay", "calc", "S1", "--leave-date", "2027-06-15", "--reason", "resignation", "--format", "json"]
    assert cli.ok(*calc).json()["lines"][0]["fees_in_window_gbp"] == "1000.00"
    refused(cli, "request", "payment", "void", wrong, "--reason", " ", fragment="give the reason the payment is void")
    voided = cli.ok("request", "payment", "void", wrong, "--reason", "wrong date")
    assert f"payment {wrong} of £400.00 on 2026-12-01 is void; request {request_id} now has £600.00 paid" in (
        voided.stderr)
    state = cli.ok("request", "budget", "show", "--year", "2026", "--format", "json").json()
    assert (state["paid_gbp"], state["committed_gbp"]) == ("600.00", "1000.00")
    assert cli.ok(*calc).json()["lines"][0]["fees_in_window_gbp"] == "600.00"
    shown = cli.ok("request", "show", request_id, "--format", "json").json()
    assert shown["paid_gbp"] == "600.00"
    assert shown["payments"][-1] == {"id": wrong, "paid_on": "2026-12-01", "amount_gbp": "400.00", "void": True,
                                     "void_reason": "wrong date"}
    table = cli.ok("request", "show", request_id).stdout
    assert f"#{wrong} 2026-12-01 £400.00 VOID: wrong date" in table
    exported = cli.ok("export", "payments").stdout.splitlines()
    assert exported[0] == "id,request_id,paid_on,amount_gbp,void,void_reason"
    assert exported[-1] == f"{wrong},{request_id},2026-12-01,400.00,yes,wrong date"
    assert exported[-2] == f"{payments[-2]['id']},{request_id},2026-12-01,600.00,no,"
    entry = audit(cli, "payment")[-1]
    assert (entry["entity_id"], entry["action"], entry["fields"]) == (str(wrong), "void", ["void", "void_reason"])
    refused(cli, "request", "payment", "void", wrong, "--reason", "again", fragment="was already voided on")
    refused(cli, "request", "payment", "void", 999, "--reason", "x", fragment="payment 999 not found")
    # with it void, the right payment fits within the funding again
    cli.ok("--as-of", "2027-01-04", "request", "pay", request_id, "--date", "2027-01-04", "--gbp", "400")
    assert cli.ok("request", "show", request_id, "--format", "json").json()["paid_gbp"] == "1000.00"
