"""Rule files: every built-in rule passes its own examples, and a malformed rule file is
refused with a message that says where (file, rule, field) — never half-loaded, never run."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from policyscan.cli import main
from policyscan.errors import RuleFileError
from policyscan.rules.examples import ExampleResult, check_examples
from policyscan.rules.loader import RuleSet, load_rules
from policyscan.scanner import Scanner


def _example_ids() -> list[str]:
    ids = []
    for rule in load_rules().rules:
        for expectation, texts in (("match", rule.examples.match),
                                   ("no_match", rule.examples.no_match)):
            ids += [f"{rule.id}:{expectation}:{n}" for n in range(1, len(texts) + 1)]
    return ids


EXAMPLE_IDS = _example_ids()


@pytest.fixture(scope="module")
def example_results(rules: RuleSet) -> dict[str, ExampleResult]:
    """All examples run once; each test below looks up its own."""
    out: dict[str, ExampleResult] = {}
    counters: dict[tuple[str, str], int] = {}
    for result in check_examples(rules):
        key = (result.rule, result.expectation)
        counters[key] = counters.get(key, 0) + 1
        out[f"{result.rule}:{result.expectation}:{counters[key]}"] = result
    return out


def test_every_rule_has_examples_of_both_kinds(rules: RuleSet) -> None:
    assert len(rules) > 0
    for rule in rules.rules:
        assert rule.examples.match and rule.examples.no_match, rule.id


@pytest.mark.parametrize("example", EXAMPLE_IDS)
def test_rule_example(example: str, example_results: dict[str, ExampleResult]) -> None:
    result = example_results[example]
    assert result.ok, f"{result.text!r}: {result.detail}"


# -- validation of pattern files --------------------------------------------------------

GOOD_RULE = """\
  - id: custom.widget
    title: Widget approval
    category: prior_authorization
    phrases: [widget approval]
    score: 0.8
    source: a test
    examples:
      match: ["You need widget approval before the visit."]
      no_match: ["Widgets are nice."]
"""


def write_rules(directory: Path, body: str = GOOD_RULE, name: str = "custom.yaml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("rules:\n" + body, encoding="utf-8")
    return path


def load_error(directory: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_rules([directory])
    return info.value


def test_a_good_user_rule_loads_with_the_built_in_ones(tmp_path: Path, rules: RuleSet) -> None:
    write_rules(tmp_path)
    loaded = load_rules([tmp_path])
    assert len(loaded) == len(rules) + 1
    assert "custom.widget" in loaded.by_id()
    assert loaded.sha256 != rules.sha256


# (what to change in GOOD_RULE, the field the error must name, words of the message)
BAD_RULES = [
    # no examples at all
    (("    examples:\n      match: [\"You need widget approval before the visit.\"]\n"
      "      no_match: [\"Widgets are nice.\"]\n", ""), "examples", "required"),
    # an empty no_match list
    (('no_match: ["Widgets are nice."]', "no_match: []"), "examples.no_match",
     "at least one"),
    # a score above 1
    (("score: 0.8", "score: 1.5"), "score", "1.5"),
    # a category that does not exist
    (("category: prior_authorization", "category: dental_exclusion"), "category",
     "dental_exclusion"),
    # a field no rule has
    (("    source: a test\n", "    source: a test\n    colour: red\n"), "colour",
     "not a rule field"),
    # a section role no document has
    (("    source: a test\n", "    source: a test\n    context: {sections: [kitchen]}\n"),
     "context.sections", "kitchen"),
    # a filter that does not exist
    (("    source: a test\n", "    source: a test\n    unless: [no_such_filter]\n"), "unless",
     "no_such_filter"),
    # a fuzzy phrase too short to fuzz safely
    (("    source: a test\n", "    source: a test\n    fuzzy: [widget]\n"), "fuzzy",
     "shorter than 8"),
    # an appeal_deadline rule that would carry no deadline
    (("category: prior_authorization", "category: appeal_deadline"), "extract",
     "extract: deadline"),
    # an unknown @vocabulary list
    (("    source: a test\n", "    source: a test\n    negated_by: [\"@no_such_list\"]\n"),
     "negated_by", "@no_such_list"),
    # a list or a mapping where a name belongs (found by bench/fuzz.py: a TypeError before)
    (("category: prior_authorization", "category: [prior_authorization]"), "category",
     "must be one of"),
    (("    source: a test\n", "    source: a test\n    quote: {mode: match}\n"), "quote",
     "must be one of"),
    (("    source: a test\n", "    source: a test\n    extract: [deadline]\n"), "extract",
     "must be one of"),
    # field names that are not all strings
    (("    source: a test\n", "    source: a test\n    1: one\n    zz: two\n"), "1",
     "not a rule field"),
]


@pytest.mark.parametrize(("change", "field", "says"), BAD_RULES,
                         ids=[f for _, f, _ in BAD_RULES])
def test_bad_rule_is_refused_naming_file_rule_and_field(
        tmp_path: Path, change: tuple[str, str], field: str, says: str) -> None:
    old, new = change
    assert old in GOOD_RULE
    path = write_rules(tmp_path, GOOD_RULE.replace(old, new))
    error = load_error(tmp_path)
    message = str(error)
    assert str(path) in message
    assert "custom.widget" in message
    assert f"'{field}'" in message
    assert says in message
    assert (error.file, error.rule, error.field) == (str(path), "custom.widget", field)


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    path = write_rules(tmp_path, GOOD_RULE + GOOD_RULE)
    message = str(load_error(tmp_path))
    assert str(path) in message and "custom.widget" in message and "'id'" in message
    assert "duplicate" in message


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    first = write_rules(tmp_path, name="a.yaml")
    second = write_rules(tmp_path, name="b.yaml")
    message = str(load_error(tmp_path))
    assert message.startswith(str(second))
    assert str(first) in message and "custom.widget" in message and "'id'" in message


def test_user_rule_may_not_reuse_a_built_in_id(tmp_path: Path, rules: RuleSet) -> None:
    builtin_id = rules.rules[0].id
    write_rules(tmp_path, GOOD_RULE.replace("custom.widget", builtin_id))
    message = str(load_error(tmp_path))
    assert builtin_id in message and "duplicate" in message


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write_rules(tmp_path, GOOD_RULE.replace("title: Widget approval",
                                                   "title: Widget: approval"))
    message = str(load_error(tmp_path))
    assert str(path) in message
    assert "line 3" in message  # the rule's title line, counting "rules:" as line 1


def test_python_tags_are_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    write_rules(tmp_path, GOOD_RULE.replace(
        "title: Widget approval",
        f"title: !!python/object/apply:os.system ['touch {marker}']"))
    message = str(load_error(tmp_path))
    assert "custom.yaml" in message
    assert not marker.exists()


def test_whole_file_python_object_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "evil.yaml").write_text(
        f"!!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert "evil.yaml" in str(load_error(tmp_path))
    assert not marker.exists()


@pytest.mark.parametrize("pattern", [
    '[{LOWER: widget, OP: "!!"}]',  # an operator spaCy does not know
    "[{NOT_AN_ATTRIBUTE: widget}]",  # an attribute spaCy does not know
])
def test_bad_token_pattern_is_refused_when_the_rules_are_loaded(
        tmp_path: Path, pattern: str) -> None:
    path = write_rules(tmp_path, GOOD_RULE.replace("phrases: [widget approval]",
                                                   f"patterns: [{pattern}]"))
    # The schema check cannot know spaCy's vocabulary; loading compiles the patterns, so
    # spaCy refuses it there (issue 12: not later, as a failure of every document).
    with pytest.raises(RuleFileError) as info:
        load_rules([tmp_path])
    message = str(info.value)
    assert str(path) in message and "custom.widget" in message and "'patterns'" in message


def test_not_a_directory_is_a_rule_file_error(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError, match="not a directory"):
        load_rules([tmp_path / "missing"])


# -- user rules in use ------------------------------------------------------------------


def test_user_rules_produce_findings(tmp_path: Path) -> None:
    write_rules(tmp_path)
    report = Scanner(load_rules([tmp_path])).scan_text("Ask us about widget approval.")
    assert [(f.rule, f.category) for f in report.findings] == [
        ("custom.widget", "prior_authorization")]


def test_user_pattern_on_a_token_attribute_no_bundled_rule_tests(tmp_path: Path) -> None:
    """The scan computes only the lexeme attributes something reads (start-up cost): a
    user's pattern on another one ("IS_UPPER", "SHAPE") still has it to read."""
    write_rules(tmp_path, GOOD_RULE.replace(
        "phrases: [widget approval]",
        'patterns: [[{IS_UPPER: true}, {SHAPE: "dd"}, {LOWER: widgets}]]').replace(
        "You need widget approval before the visit.", "Ask about the PA 12 widgets today."))
    rules = load_rules([tmp_path])
    report = Scanner(rules).scan_text("Ask about the PA 12 widgets today.")
    assert [f.rule for f in report.findings] == ["custom.widget"]
    assert not Scanner(rules).scan_text("Ask about the pa 12 widgets today.").findings


def test_patterns_option_adds_rules_that_produce_findings(tmp_path: Path,
                                                          rules: RuleSet) -> None:
    patterns = tmp_path / "my_rules"
    write_rules(patterns)
    doc = tmp_path / "plan.txt"
    doc.write_text("Each gadget order needs widget approval.", encoding="utf-8")
    runner = CliRunner()

    listed = runner.invoke(main, ["rules", "--patterns", str(patterns)])
    assert listed.exit_code == 0
    assert "custom.widget" in listed.output
    assert f"{len(rules) + 1} rules" in listed.output.splitlines()[-1]

    scanned = runner.invoke(main, [str(doc), "--patterns", str(patterns), "--format", "json"])
    assert scanned.exit_code == 0, scanned.output
    assert '"rule": "custom.widget"' in scanned.output
    assert f'"rules": {len(rules) + 1}' in scanned.output


def test_rules_test_fails_when_a_user_example_fails(tmp_path: Path) -> None:
    write_rules(tmp_path, GOOD_RULE.replace('no_match: ["Widgets are nice."]',
                                            'no_match: ["Get widget approval."]'))
    result = CliRunner().invoke(main, ["rules", "--test", "--patterns", str(tmp_path)])
    assert result.exit_code == 1
    assert "FAIL custom.widget no_match" in result.output
