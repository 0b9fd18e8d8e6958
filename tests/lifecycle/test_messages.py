"""The catalogue of messages: every code the lifecycle uses has a template, a `Reason` reads as its
English sentence wherever a string goes (JSON, pickle), and the catalogue needs no Django."""

from __future__ import annotations

import ast
import json
import pickle
import re
from pathlib import Path

from noshub.lifecycle import messages
from noshub.lifecycle.messages import MESSAGES, Reason

APP = Path(messages.__file__).resolve().parent


def test_every_code_the_lifecycle_uses_is_in_the_catalogue():
    used = set()
    for path in APP.rglob("*.py"):
        used |= set(re.findall(r"\bReason\(\s*\"(\w+)\"", path.read_text()))
    assert used and used <= set(MESSAGES), sorted(used - set(MESSAGES))


def test_a_reason_is_its_english_sentence_in_json_and_after_pickling():
    reason = Reason("fields_missing", part="part_a", nation="england", fields=["rationale", "timescale"])
    assert reason == "Part A: England – fill in Rationale, Timescale."
    assert json.dumps([reason], ensure_ascii=False) == '["Part A: England – fill in Rationale, Timescale."]'
    copy = pickle.loads(pickle.dumps(reason))
    assert copy == reason and copy.code == "fields_missing" and copy.params == reason.params
    assert Reason("stage_skipped", stage="drafting", to="consultation", other="unknown").endswith("not to unknown: stages cannot be skipped.")


def test_the_catalogue_and_the_pure_rules_import_no_django():
    for name in ("messages.py", "rules.py", "draft_checks.py", "readability.py", "versiondiff.py"):
        tree = ast.parse((APP / name).read_text())
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any(m.split(".")[0] == "django" for m in modules), name
