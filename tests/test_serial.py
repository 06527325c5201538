"""The one scheme that writes the result model as JSON and reads it back (policyscan.serial)."""

from __future__ import annotations

import dataclasses
from typing import Literal

import pytest

from policyscan.models import Deadline, DocumentReport, Facts, Finding, PlanInfo, SbcInfo, ScanError
from policyscan.serial import dump, json_field, load, record


@record
class _Inner:
    size: Literal["small", "large"]
    weight: float = json_field(digits=1)


@record
class _Outer:
    name: str
    inner: _Inner | None
    flags: dict[str, bool | None] = json_field(flatten=("a", "b"))
    start: int | None = json_field(key=("span", "start"), omit=True, default=None)
    end: int | None = json_field(key=("span", "end"), omit=True, default=None)
    tags: tuple[str, ...] = json_field(key="labels", omit=True, default=())
    seconds: float | None = json_field(skip=True, default=None)


def test_field_declarations_shape_the_json_and_read_back() -> None:
    outer = _Outer("x", _Inner("small", 2.345), {"a": True, "b": None}, 3, 9, ("t",), 1.5)
    data = dump(outer)
    assert data == {"name": "x", "inner": {"size": "small", "weight": 2.3}, "a": True,
                    "b": None, "span": {"start": 3, "end": 9}, "labels": ["t"]}
    back = load(_Outer, data)
    assert back == _Outer("x", _Inner("small", 2.3), {"a": True, "b": None}, 3, 9, ("t",))


def test_defaults_are_left_out_and_read_back_as_defaults() -> None:
    data = dump(_Outer("x", None, {"a": None, "b": False}))
    assert data == {"name": "x", "inner": None, "a": None, "b": False}
    assert load(_Outer, data).tags == ()


def test_a_value_outside_a_literal_is_refused() -> None:
    with pytest.raises(ValueError):
        load(_Outer, {"name": "x", "inner": {"size": "huge", "weight": 1.0}})


def test_a_missing_required_key_is_refused() -> None:
    with pytest.raises(KeyError):
        load(_Outer, {"inner": None})
    with pytest.raises(TypeError):
        load(_Outer, ["not", "a", "mapping"])


def _finding(**changes: object) -> Finding:
    base = dict(category="appeal_deadline", rule="r", page=2, quote="q", context="c",
                section=None, start=1, end=5, bbox=(1.04, 2.0, 3.0, 4.0), score=0.91234,
                method="token", negated=False, explanation="e")
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def test_a_finding_is_written_as_the_report_contract_says() -> None:
    f = _finding(trigger_start=2, trigger_end=4, also=("other",), plan_term=False,
                 deadline=Deadline(180, "days", "internal_appeal", "of the notice"))
    data = f.to_dict()
    assert data["bbox"] == [1.0, 2.0, 3.0, 4.0] and data["score"] == 0.912
    assert data["trigger"] == {"start": 2, "end": 4}
    assert data["also_matched"] == ["other"] and data["plan_term"] is False
    assert data["deadline"]["stage"] == "first_internal_appeal"
    assert Finding.from_dict(data) == _finding(
        bbox=(1.0, 2.0, 3.0, 4.0), score=0.912, trigger_start=2, trigger_end=4,
        also=("other",), plan_term=False,
        deadline=Deadline(180, "days", "internal_appeal", "of the notice"))
    plain = _finding().to_dict()
    assert not {"trigger", "also_matched", "plan_term", "deadline", "boxes"} & set(plain)


def test_an_older_deadline_without_stage_or_benefit_reads_with_the_defaults() -> None:
    d = Deadline.from_dict({"value": 4, "unit": "months", "action": "external_review",
                            "anchor": "after the final denial"})
    assert (d.stage, d.benefit) == ("first_internal_appeal", "medical")


def test_an_sbc_writes_its_lists_in_the_facts_and_reads_them_back() -> None:
    sbc = SbcInfo({"What is the overall deductible?": "$500"}, (), ("Cosmetic surgery",),
                  ("Acupuncture",), (), (3,), (3,))
    doc = DocumentReport(path="p.pdf", sha256=None, status="ok", error=None, kind="sbc",
                         pages=4, plan=PlanInfo(), facts=Facts.unknown(), findings=(),
                         sbc=sbc, seconds=0.5)
    data = doc.to_dict()
    assert data["facts"]["excluded_services"] == ["Cosmetic surgery"]
    assert "excluded_services" not in data["sbc"] and "seconds" not in data
    assert DocumentReport.from_dict(data) == dataclasses.replace(doc, seconds=None)


def test_a_report_of_an_unknown_kind_is_not_read() -> None:
    data = DocumentReport.failed("p.pdf", ScanError("corrupt", "unreadable")).to_dict()
    data["kind"] = "brochure"
    with pytest.raises(ValueError):
        DocumentReport.from_dict(data)


def test_a_tuple_of_mixed_types_has_no_json_shape() -> None:
    @record
    class _Pair:
        pair: tuple[int, str]

    with pytest.raises(TypeError, match="mixed types"):
        dump(_Pair((1, "a")))
    with pytest.raises(TypeError, match="mixed types"):
        load(_Pair, {"pair": [1, "a"]})
