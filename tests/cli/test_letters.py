"""HR's letters through the CLI: the repayment terms an applicant signs, and what a leaver repays,
as plain text (checked whole) and as HTML; each carries one person's own data only."""

import stat
from pathlib import Path

import pytest

PEOPLE = """person_id,name,kind,team,line_manager_id,employment,contract_end,weekly_hours
M1,Mia Manager,staff,HR,,permanent,,37
S1,Sol Staff,staff,HR,M1,permanent,,37
B1,Bea Brook,staff,Finance,M1,permanent,,37
"""


def approved(cli, person, title, category="bespoke", fees="1200", *decide):
    request_id = cli.ok("--as-of", "2026-11-23", "request", "new", person, "--title", title, "--category", category,
                        "--provider", "Northern College", "--start", "2026-12-01", "--end", "2027-05-31",
                        "--fees-gbp", fees, "--format", "json").json()["id"]
    cli.ok("--as-of", "2026-11-23", "request", "manager-approve", request_id, "--by", "M1")
    cli.ok("--as-of", "2026-11-23", "request", "submit", request_id, "--attendance", "ok", "--conduct", "ok",
           "--mandatory-training", "ok")
    cli.ok("--as-of", "2026-11-23", "request", "decide", request_id, "--by", "HR Governance Group", "--approve",
           *decide)
    return request_id


@pytest.fixture
def hr(cli, write, no_courses):
    cli.ok("people", "import", write("people.csv", PEOPLE))
    cli.ok("request", "budget", "set", "--year", "2026", "--gbp", "10000")


@pytest.fixture
def course(cli, hr):
    """S1's course on the standard terms, signed 30 November 2026: £900 paid on 1 December 2026 and £300
    on 1 April 2027, completed on 31 May 2027."""
    request_id = approved(cli, "S1", "Advanced Investigative Interviewing")
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "900")
    cli.ok("request", "start", request_id, "--date", "2026-12-01")
    cli.ok("--as-of", "2027-04-01", "request", "pay", request_id, "--date", "2027-04-01", "--gbp", "300")
    cli.ok("--as-of", "2027-05-31", "request", "complete", request_id, "--date", "2027-05-31")
    return request_id


def letter(cli, as_of, *args):
    return cli.ok("--as-of", as_of, "repay", "letter", "S1", *args).stdout


HEAD = "Sol Staff\nPayroll number: S1\n\n"
INTRO = """Dear Sol Staff,

Training fees on leaving

"""
CLOSE = """If you have any questions about this letter, please contact HR.

Yours sincerely,

Human Resources
"""


def test_a_leaver_during_the_course_without_final_pay(cli, course):
    assert letter(cli, "2027-03-15", "--leave-date", "2027-03-31", "--reason", "resignation") == HEAD + """\
15 March 2027

""" + INTRO + """\
You are leaving our employment on 31 March 2027 (reason for leaving:
resignation). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            under way on your leaving date
   Repayment terms:   signed on 30 November 2026
   Band:              during the course
   Percent:           100%
   Fees paid:         £900.00 (from 31 March 2026 to your leaving date)
   To repay:          £900.00
   Explanation:       left during the course (2027-03-31): 100% of £900.00
                      paid since 2026-03-31

What you owe

  Total to repay:                £900.00

How much of this is deducted from your final pay, and how much is invoiced
by post, will follow once your final pay is known. Only amounts under
repayment terms you signed can be deducted from your pay; anything else is
invoiced by post, and you would then call Shared Services to arrange the
payment.

""" + CLOSE


def test_a_leaver_within_3_months_with_more_owed_than_final_pay(cli, course):
    assert letter(cli, "2027-08-20", "--leave-date", "2027-08-31", "--reason", "resignation",
                  "--final-pay-gbp", "500") == HEAD + """\
20 August 2027

""" + INTRO + """\
You are leaving our employment on 31 August 2027 (reason for leaving:
resignation). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              within 3 months of completion
   Percent:           75%
   Fees paid:         £1,200.00 (from 31 August 2026 to your leaving date)
   To repay:          £900.00
   Explanation:       left within 3 months of completion (2027-08-31): 75%
                      of £1,200.00 paid since 2026-08-31

What you owe

  Total to repay:                £900.00
  Deducted from your final pay:  £500.00
  Invoiced by post:              £400.00

£500.00 will be deducted from your final pay.

Only amounts under repayment terms you signed can be deducted from your pay,
and no more than your final pay: the remaining £400.00 will be invoiced by
post. When the invoice arrives, please call Shared Services to arrange the
payment.

""" + CLOSE


def test_a_leaver_within_6_months_all_deducted(cli, course):
    assert letter(cli, "2027-11-20", "--leave-date", "2027-11-30", "--reason", "retirement",
                  "--final-pay-gbp", "2000") == HEAD + """\
20 November 2027

""" + INTRO + """\
You are leaving our employment on 30 November 2027 (reason for leaving:
retirement). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              within 6 months of completion
   Percent:           50%
   Fees paid:         £1,200.00 (from 30 November 2026 to your leaving date)
   To repay:          £600.00
   Explanation:       left within 6 months of completion (2027-11-30): 50%
                      of £1,200.00 paid since 2026-11-30

What you owe

  Total to repay:                £600.00
  Deducted from your final pay:  £600.00
  Invoiced by post:              £0.00

£600.00 will be deducted from your final pay.

""" + CLOSE


def test_a_leaver_within_9_months_counts_only_the_fees_in_the_window(cli, course):
    assert letter(cli, "2028-02-20", "--leave-date", "2028-02-28", "--reason", "resignation") == HEAD + """\
20 February 2028

""" + INTRO + """\
You are leaving our employment on 28 February 2028 (reason for leaving:
resignation). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              within 9 months of completion
   Percent:           25%
   Fees paid:         £300.00 (from 28 February 2027 to your leaving date)
   To repay:          £75.00
   Explanation:       left within 9 months of completion (2028-02-28): 25%
                      of £300.00 paid since 2027-02-28

What you owe

  Total to repay:                £75.00

How much of this is deducted from your final pay, and how much is invoiced
by post, will follow once your final pay is known. Only amounts under
repayment terms you signed can be deducted from your pay; anything else is
invoiced by post, and you would then call Shared Services to arrange the
payment.

""" + CLOSE


def test_a_leaver_more_than_9_months_after_owes_nothing(cli, course):
    assert letter(cli, "2028-03-20", "--leave-date", "2028-03-31", "--reason", "resignation",
                  "--final-pay-gbp", "500") == HEAD + """\
20 March 2028

""" + INTRO + """\
You are leaving our employment on 31 March 2028 (reason for leaving:
resignation). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              more than 9 months after completion
   Percent:           0%
   Fees paid:         £300.00 (from 31 March 2027 to your leaving date)
   To repay:          £0.00
   Explanation:       left more than 9 months after completion (2028-03-31):
                      0% of £300.00 paid since 2027-03-31

What you owe

  Total to repay:                £0.00
  Deducted from your final pay:  £0.00
  Invoiced by post:              £0.00

Nothing will be deducted from your final pay and you will not be invoiced.

""" + CLOSE


def test_a_leaver_made_redundant_is_exempt(cli, course):
    assert letter(cli, "2027-08-20", "--leave-date", "2027-08-31", "--reason", "redundancy",
                  "--final-pay-gbp", "500") == HEAD + """\
20 August 2027

""" + INTRO + """\
You are leaving our employment on 31 August 2027 (reason for leaving:
redundancy). When someone leaves during, or soon after, training we funded
under repayment terms, part of the fees we paid may have to be repaid. This
letter sets out what you owe and why.

You owe nothing: the repayment terms do not apply when a member of staff is
made redundant. For your records, the training concerned is listed below.

Your training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              within 3 months of completion
   Percent:           0%
   Fees paid:         £1,200.00 (from 31 August 2026 to your leaving date)
   To repay:          £0.00
   Explanation:       exempt (made redundant): nothing to repay

What you owe

  Total to repay:                £0.00
  Deducted from your final pay:  £0.00
  Invoiced by post:              £0.00

Nothing will be deducted from your final pay and you will not be invoiced.

""" + CLOSE


def test_unsigned_terms_are_invoiced_and_the_figures_match_repay_calc(cli, course):
    unsigned = approved(cli, "S1", "Project Management Foundation", "project_management", "400")
    cli.ok("--as-of", "2027-06-01", "request", "pay", unsigned, "--date", "2027-06-01", "--gbp", "400")
    args = ["S1", "--leave-date", "2027-08-31", "--reason", "resignation", "--final-pay-gbp", "1000"]
    text = cli.ok("--as-of", "2027-08-20", "repay", "letter", *args).stdout
    calc = cli.ok("repay", "calc", *args, "--format", "json").json()
    assert (calc["total_gbp"], calc["deduct_from_salary_gbp"], calc["invoice_gbp"]) == ("1300.00", "900.00", "400.00")
    assert """\
2. Project Management Foundation (request 2)
   Course:            under way on your leaving date
   Repayment terms:   not signed by your leaving date
   Band:              during the course
   Percent:           100%
   Fees paid:         £400.00 (from 31 August 2026 to your leaving date)
   To repay:          £400.00
   Explanation:       left during the course (2027-08-31): 100% of £400.00
                      paid since 2026-08-31; no signed agreement: invoiced
""" in text
    assert """\
  Total to repay:                £1,300.00
  Deducted from your final pay:  £900.00
  Invoiced by post:              £400.00

£900.00 will be deducted from your final pay.

Only amounts under repayment terms you signed can be deducted from your pay,
and no more than your final pay: the remaining £400.00 will be invoiced by
post.""" in text
    explanations = [" ".join(line["explanation"].split()) for line in calc["lines"]]
    flowed = " ".join(text.split())
    assert all(e in flowed for e in explanations)


def test_a_leaver_with_no_repayable_training(cli, hr):
    text = letter(cli, "2027-08-20", "--leave-date", "2027-08-31", "--reason", "resignation")
    assert "None of your training carries repayment terms, so you owe nothing." in text
    assert "Total to repay:                £0.00" in text and "Your training" not in text


TERMS = """Sol Staff
Payroll number: S1

24 November 2026

Dear Sol Staff,

Repayment terms for your training (request 1)

The HR Governance Group has approved funding for your training, and the
training carries repayment terms. We set them out below before your funding
is confirmed. Please read them, then sign and date this letter and return it
to HR.

The course

  Course:             Advanced Investigative Interviewing
  Provider:           Northern College
  Type:               bespoke
  Dates:              1 December 2026 to 31 May 2027
  Fees:               £1,200.00
  Books:              £60.00
  Funding approved:   £1,260.00

When you would repay

If you leave while the course is under way, you repay 100% of the fees paid
for it in the 12 months before your leaving date; if you leave within 3
months of completing it, 75%; within 6 months, 50%; within 9 months, 25%;
after that, nothing.

Only fees we paid for the course in the 12 months before your leaving date
count, even if the course started earlier.

If you leave the course before completing it but stay in our employment, you
may be asked to repay up to 100% of the fees paid for it in the 12 months
before you leave the course.

You repay nothing if you are made redundant, in the event of death in
service, or if you are on a fixed-term contract that comes to its natural
end.

How you would repay

Amounts owed are taken from your salary before you leave where possible, but
only under repayment terms you have signed. Anything not taken from your
salary is invoiced by post; you would then call Shared Services to arrange
the payment.

The schedule as recorded: during=100,3=75,6=50,9=25,window=12

Yours sincerely,

Human Resources
"""


def test_the_terms_letter_to_sign(cli, hr):
    request_id = cli.ok("--as-of", "2026-11-23", "request", "new", "S1", "--title",
                        "Advanced Investigative Interviewing", "--category", "bespoke", "--provider",
                        "Northern College", "--start", "2026-12-01", "--end", "2027-05-31", "--fees-gbp", "1200",
                        "--books-gbp", "60", "--format", "json").json()["id"]
    cli.ok("--as-of", "2026-11-23", "request", "manager-approve", request_id, "--by", "M1")
    cli.ok("--as-of", "2026-11-23", "request", "submit", request_id, "--attendance", "ok", "--conduct", "ok",
           "--mandatory-training", "ok")
    cli.ok("--as-of", "2026-11-23", "request", "decide", request_id, "--by", "HRGG", "--approve", "--funding-gbp",
           "1260")
    result = cli.ok("--as-of", "2026-11-24", "request", "terms-letter", request_id)
    assert result.stdout == TERMS + """
----------------------------------------------------------------------------

I have read these repayment terms and agree to them.

Signed  ..................................................

Name    Sol Staff (payroll number S1)

Date    ..................................................
"""
    assert result.stderr == ""
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    agreed = cli.ok("--as-of", "2026-12-02", "request", "terms-letter", request_id).stdout
    assert agreed == TERMS.replace("24 November 2026", "2 December 2026").replace(
        "The HR Governance Group has approved funding for your training, and the\n"
        "training carries repayment terms. We set them out below before your funding\n"
        "is confirmed. Please read them, then sign and date this letter and return it\n"
        "to HR.\n",
        "This letter restates the repayment terms of the training below, which you\n"
        "have agreed to.\n") + "\nYou agreed to these terms on 30 November 2026.\n"


def test_a_schedule_of_its_own_is_put_in_words(cli, hr):
    request_id = approved(cli, "S1", "Strategic Leadership", "bespoke", "1200", "--repayment",
                          "during=80,1=40,window=1")
    text = cli.ok("request", "terms-letter", request_id).stdout
    assert ("If you leave while the course is under way, you repay 80% of the fees paid\nfor it in the month "
            "before your leaving date; if you leave within 1 month of\ncompleting it, 40%; after that, nothing.\n"
            in text)
    assert ("may be asked to repay up to 80% of the fees paid for it in the month before\nyou leave the "
            "course.\n" in text)


HOSTILE = "<script>alert(1)</script>"


def test_html_letters_carry_the_figures_and_escape_what_they_print(cli, hr, tmp_path):
    request_id = approved(cli, "S1", HOSTILE)
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "1200")
    cli.ok("request", "start", request_id, "--date", "2026-12-01")
    cli.ok("--as-of", "2027-05-31", "request", "complete", request_id, "--date", "2027-05-31")
    terms = cli.ok("--as-of", "2027-06-01", "request", "terms-letter", request_id, "-o", "terms.html")
    assert terms.stdout == "" and terms.stderr == "wrote terms.html\n"
    page = Path("terms.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and HOSTILE not in page and "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for figure in ("£1,200.00", "within 3 months of completing it, 75%", "in the 12 months before your leaving date",
                   "You agreed to these terms on 30 November 2026"):
        assert figure in page
    cli.ok("--as-of", "2027-08-20", "repay", "letter", "S1", "--leave-date", "2027-08-31", "--reason",
           "resignation", "--final-pay-gbp", "500", "-o", "leaver.html")
    page = Path("leaver.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "&lt;script&gt;" in page
    for figure in ("20 August 2027", "within 3 months of completion", "75%", "£1,200.00", "£900.00", "£500.00",
                   "£400.00", "left within 3 months of completion (2027-08-31): 75% of £1,200.00 paid since "
                   "2026-08-31", "Deducted from your final pay", "Invoiced by post", "signed on 30 November 2026"):
        assert figure in page, figure


def test_the_file_name_decides_html_or_text_and_the_file_is_owner_only(cli, course):
    args = ["--as-of", "2027-08-20", "repay", "letter", "S1", "--leave-date", "2027-08-31", "--reason", "resignation"]
    screen = cli.ok(*args).stdout
    for name in ("letter.txt", "letter", "letter.html", "LETTER.HTML"):
        result = cli.ok(*args, "-o", name)
        assert result.stdout == "" and result.stderr == f"wrote {name}\n"
        path = Path(name)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        content = path.read_text(encoding="utf-8")
        if name.lower().endswith(".html"):
            assert content.startswith("<!DOCTYPE html>") and "£900.00" in content
        else:
            assert content == screen
    terms = cli.ok("request", "terms-letter", course, "-o", "terms.txt")
    assert Path("terms.txt").read_text(encoding="utf-8") == cli.ok("request", "terms-letter", course).stdout
    assert terms.stderr == "wrote terms.txt\n" and stat.S_IMODE(Path("terms.txt").stat().st_mode) == 0o600


def refused(cli, *args, fragment, code=1):
    result = cli(*args, "-o", "refused.txt")
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == "" and not Path("refused.txt").exists()


def test_refusals_write_no_letter(cli, hr):
    draft = cli.ok("request", "new", "S1", "--title", "Draft", "--category", "bespoke", "--provider", "P",
                   "--start", "2026-12-01", "--end", "2027-05-31", "--fees-gbp", "100", "--format", "json").json()["id"]
    refused(cli, "request", "terms-letter", draft,
            fragment=f"request {draft} is draft: terms are set when the request is approved: decide it first")
    cli.ok("request", "manager-approve", draft, "--by", "M1")
    cli.ok("request", "submit", draft, "--attendance", "ok", "--conduct", "ok", "--mandatory-training", "ok")
    refused(cli, "request", "terms-letter", draft, fragment=f"request {draft} is submitted: terms are set when")
    cli.ok("request", "decide", draft, "--by", "HRGG", "--decline", "--reason", "not now")
    refused(cli, "request", "terms-letter", draft,
            fragment=f"request {draft} is declined: a terms letter is for an approved request")
    conference = approved(cli, "S1", "Annual Conference", "conference", "300")
    refused(cli, "request", "terms-letter", conference,
            fragment=f"request {conference} carries no repayment terms: there is no terms letter")
    apprenticeship = approved(cli, "B1", "Data Apprenticeship", "apprenticeship", "900")
    refused(cli, "request", "terms-letter", apprenticeship, fragment="(a levy-funded apprenticeship never can)")
    refused(cli, "request", "terms-letter", "999", fragment="request 999 not found")
    refused(cli, "repay", "letter", "ZZ9", "--leave-date", "2027-08-31", "--reason", "resignation",
            fragment="person ZZ9 not found")
    refused(cli, "repay", "letter", "S1", "--leave-date", "2027-08-31", "--reason", "boredom",
            fragment="'boredom' is not one of", code=2)
    refused(cli, "repay", "letter", "S1", "--leave-date", "31/08/2027", "--reason", "resignation",
            fragment="--leave-date", code=2)


def test_a_letter_carries_nothing_of_anyone_else(cli, course):
    other = approved(cli, "B1", "Forensic Accounting Masterclass", "bespoke", "2345.67")
    cli.ok("request", "agree-terms", other, "--date", "2026-11-29")
    cli.ok("request", "pay", other, "--date", "2026-12-02", "--gbp", "2345.67")
    args = ["S1", "--leave-date", "2027-08-31", "--reason", "resignation", "--final-pay-gbp", "500"]
    letters = [cli.ok("--as-of", "2027-08-20", "repay", "letter", *args).stdout,
               cli.ok("request", "terms-letter", course).stdout]
    cli.ok("--as-of", "2027-08-20", "repay", "letter", *args, "-o", "a.html")
    cli.ok("request", "terms-letter", course, "-o", "b.html")
    letters += [Path("a.html").read_text(encoding="utf-8"), Path("b.html").read_text(encoding="utf-8")]
    for text in letters:
        assert "Sol Staff" in text
        for theirs in ("B1", "Bea Brook", "Forensic", "2,345.67", "29 November 2026", "2026-11-29", "Mia Manager",
                       "M1", "Finance"):
            assert theirs not in text, theirs
    theirs = cli.ok("--as-of", "2027-08-20", "repay", "letter", "B1", "--leave-date", "2027-08-31", "--reason",
                    "resignation").stdout
    assert "Bea Brook" in theirs and "£2,345.67" in theirs and "Sol Staff" not in theirs
    assert "Investigative" not in theirs


def test_an_erased_leaver_is_addressed_by_payroll_number(cli, course, write):
    cli.ok("people", "import", write("left.csv", "person_id,name,kind,team,line_manager_id,leave_date\n"
                                                 "S1,Sol Staff,staff,HR,M1,2027-08-31\n"))
    cli.ok("--as-of", "2027-09-30", "people", "erase", "S1", "--yes")
    text = cli.ok("--as-of", "2027-10-01", "repay", "letter", "S1", "--leave-date", "2027-08-31", "--reason",
                  "resignation").stdout
    assert text.startswith("S1\nPayroll number: S1\n\n1 October 2027\n\nDear S1,\n") and "Sol Staff" not in text
    assert "£900.00" in text
    assert cli.ok("request", "terms-letter", course).stdout.startswith("S1\nPayroll number: S1\n")


def test_every_line_of_a_text_letter_fits_78_columns(cli, hr):
    long_title = "A very long course title " * 7
    request_id = approved(cli, "S1", long_title.strip(), "bespoke", "1200", "--repayment",
                          "during=100,1=95,2=90,3=85,4=80,5=75,6=70,7=65,8=60,9=55,10=50,window=600")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "1200")
    texts = [cli.ok("request", "terms-letter", request_id).stdout,
             cli.ok("repay", "letter", "S1", "--leave-date", "2027-01-31", "--reason", "fixed_term_end",
                    "--final-pay-gbp", "12345678.90").stdout]
    for text in texts:
        assert max(len(line) for line in text.splitlines()) <= 78
        assert " ".join(long_title.split()) in " ".join(text.split())


def test_letters_keep_to_the_letter_date(cli, hr):
    """A letter dated before the agreement does not claim it; a leaving date already passed reads
    'You left'; terms still unsigned on a course under way are not 'before funding is confirmed'."""
    request_id = approved(cli, "S1", "Advanced Investigative Interviewing")
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    early = cli.ok("--as-of", "2026-11-29", "request", "terms-letter", request_id).stdout
    assert "You agreed" not in early and "Signed  ....." in early
    unsigned = approved(cli, "B1", "Second Course")
    cli.ok("request", "pay", unsigned, "--date", "2026-12-01", "--gbp", "100")
    cli.ok("request", "start", unsigned, "--date", "2026-12-01")
    under_way = " ".join(cli.ok("--as-of", "2027-01-10", "request", "terms-letter", unsigned).stdout.split())
    assert "before your funding" not in under_way and "we hold no signed" in under_way
    after = " ".join(cli.ok("--as-of", "2027-09-30", "repay", "letter", "S1", "--leave-date", "2027-08-31",
                            "--reason", "resignation").stdout.split())
    assert "You left our employment on 31 August 2027" in after
    before = " ".join(cli.ok("--as-of", "2027-08-20", "repay", "letter", "S1", "--leave-date", "2027-08-31",
                             "--reason", "resignation").stdout.split())
    assert "You are leaving our employment on 31 August 2027" in before


def test_html_letters_show_bidirectional_overrides_escaped(cli, hr):
    """U+202E and the other bidi controls would make a title read backwards in the letter: the HTML
    letters escape them as the text letters and the board page do."""
    title = "Fraud \u202etnemyap\u202c and \u2066isolate\u2069 \u200fmark"
    request_id = approved(cli, "S1", title)
    cli.ok("request", "agree-terms", request_id, "--date", "2026-11-30")
    cli.ok("request", "pay", request_id, "--date", "2026-12-01", "--gbp", "1200")
    cli.ok("--as-of", "2026-12-02", "request", "terms-letter", request_id, "-o", "terms.html")
    cli.ok("--as-of", "2026-12-02", "repay", "letter", "S1", "--leave-date", "2026-12-31", "--reason",
           "resignation", "-o", "leaver.html")
    for name in ("terms.html", "leaver.html"):
        page = Path(name).read_text(encoding="utf-8")
        assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"), name
        assert "Fraud \\u202etnemyap\\u202c and \\u2066isolate\\u2069 \\u200fmark" in page, name


def test_a_death_in_service_letter_goes_to_the_personal_representatives(cli, course):
    """SPEC §16: not "Dear Sol Staff, You left our employment": addressed to whoever deals with their
    estate, saying plainly that nothing is owed."""
    text = letter(cli, "2027-06-15", "--leave-date", "2027-06-10", "--reason", "death_in_service")
    assert text == """\
The personal representatives of the late Sol Staff
Payroll number: S1

15 June 2027

Dear Sir or Madam,

Training fees of the late Sol Staff

We are writing about the training we funded for Sol Staff, who died in
service on 10 June 2027. We are very sorry for your loss. When someone
leaves during, or soon after, training we funded under repayment terms, part
of the fees may have to be repaid; this letter confirms that nothing is
owed.

Nothing is owed: the repayment terms do not apply when a member of staff
dies in service. For your records, the training concerned is listed below.

Their training

1. Advanced Investigative Interviewing (request 1)
   Course:            completed on 31 May 2027
   Repayment terms:   signed on 30 November 2026
   Band:              within 3 months of completion
   Percent:           0%
   Fees paid:         £1,200.00 (from 10 June 2026 to the date of death)
   To repay:          £0.00
   Explanation:       exempt (death in service): nothing to repay

What is owed

  Total to repay:                £0.00

Nothing will be deducted from their final pay and no invoice will be sent.

""" + CLOSE
    cli.ok("--as-of", "2027-06-15", "repay", "letter", "S1", "--leave-date", "2027-06-10", "--reason",
           "death_in_service", "--final-pay-gbp", "500", "-o", "late.html")
    html = Path("late.html").read_text(encoding="utf-8")
    assert "The personal representatives of the late Sol Staff<br>" in html and "<p>Dear Sir or Madam,</p>" in html
    assert "You left" not in html and "your final pay" not in html and "Deducted from their final pay" in html
