"""SPEC §1: a command that creates a record prints its id; with --format json, the record with its id."""


def test_creating_commands_print_the_id_or_the_record(cli, write):
    cli.ok("people", "import", write("p.csv", "person_id,name,kind,team,line_manager_id\nM,Mo,staff,HR,\n"
                                              "S,Sue,staff,HR,M\n"))
    cli.ok("plt", "roster", "import", write("r.csv", "person_id,date,start,end\nS,2026-11-02,0900,1700\n"))
    creators = [
        ["people", "add", "N", "--name", "New", "--kind", "staff"],
        ["plt", "enrol", "S", "--programme", "NPPF_SGT", "--from", "2026-11"],
        ["plt", "book", "S", "2026-11-02", "--past"],
        ["request", "new", "S", "--title", "T", "--category", "conference", "--provider", "P", "--start",
         "2026-12-01", "--end", "2026-12-02", "--fees-gbp", "10"],
        ["placement", "apply", "--name", "A", "--dob", "2000-01-01", "--type", "work_experience", "--start",
         "2027-03-01", "--received", "2026-11-01"],
        ["placement", "insight-day", "add", "2027-03-10"],
        ["placement", "insight-day", "book", "2027-03-10", "--school", "S", "--pupils", "3"],
        ["cadet", "unit", "add", "U", "--npu", "N", "--opened", "2019-01-01"],
        ["cadet", "join", "U", "--name", "C", "--dob", "2005-01-01", "--joined", "2019-09-01"],
        ["cadet", "leader", "add", "U", "--name", "L", "--dob", "1990-01-01", "--department", "NPU"],
        ["cadet", "activity", "add", "U", "--month", "2019-09", "--activity", "Litter pick", "--hours", "2"],
    ]
    for args in creators:
        record = cli.ok(*args, "--format", "json").json()
        assert isinstance(record, dict) and record.get("id") is not None, args
    plain = cli.ok("cadet", "unit", "add", "V", "--npu", "N", "--opened", "2019-01-01")
    assert plain.stdout.strip().isdigit()
