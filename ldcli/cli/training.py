"""`ldcli training`: mandatory training (SPEC §13): the courses, each person's completions, who is
due, overdue or expired, and each person's training record. The commands that record are in
ldcli.cli.training_records, the listings and reports in ldcli.cli.training_reports."""

from ldcli.cli.options import group
from ldcli.cli.training_records import register as _records
from ldcli.cli.training_reports import register as _reports

app = group("Mandatory training: courses, completions, who is due, overdue or expired, and the training record.",
            "ldcli training status --team 'Response North A' --status overdue,expired",
            "ldcli training complete 100172 SAFEGUARDING --date 2026-11-20")
_records(app)
_reports(app)
