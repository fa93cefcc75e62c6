"""JUnit XML, the test-report format every CI system can display.

One ``<testsuite>`` per input file and one ``<testcase>`` per document (named by its id and
location), so the CI's test view lists every document checked. Findings at or above
``--fail-on`` become ``<failure>`` elements; findings below it and suppressed findings are
listed in the test case's ``<system-out>`` so nothing is hidden. The layout follows the
Jenkins/Surefire JUnit schema (``junit-10.xsd``), which is what CI systems read.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import polars as pl

from corpuskit.check.levels import fails
from corpuskit.check.result import CheckReport
from corpuskit.check.run import describe_location

# Characters XML 1.0 cannot carry, even escaped (C0 controls except tab/LF/CR, etc.).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str | None) -> str:
    """``text`` with characters XML cannot hold replaced by U+FFFD."""
    return _ILLEGAL_XML.sub("\ufffd", text or "")


def _finding_text(row: dict[str, Any], note: str = "") -> str:
    parts = [
        f"{describe_location(row['file'], row['line'], row['location'])} doc {row['doc_id']}{note}",
        f"{row['code']} {row['name']} ({row['severity']}): {row['message']}",
    ]
    if row["excerpt"]:
        parts.append(f"excerpt: {' '.join(row['excerpt'].split())}")
    if row["match_id"] is not None:
        parts.append(f"copies: {row['match_id']} (similarity {row['similarity']:.2f})")
    return "\n".join(parts)


def render(report: CheckReport) -> str:
    findings = report.findings.with_row_index("_n")
    root = ET.Element("testsuites", name="corpuskit check")
    total_tests = total_failures = 0
    for (file,), documents in report.documents.group_by("file", maintain_order=True):
        in_file = findings.filter(pl.col("file") == file)
        suite = ET.SubElement(root, "testsuite", name=xml_safe(str(file)), file=xml_safe(str(file)))
        props = ET.SubElement(suite, "properties")
        suppressed = in_file.filter(pl.col("suppressed")).height
        ET.SubElement(props, "property", name="suppressed", value=str(suppressed))
        ET.SubElement(props, "property", name="fail_on", value=report.fail_on)
        failures = 0
        by_doc = {
            (doc_id, line): group
            for (doc_id, line), group in in_file.group_by(["doc_id", "line"], maintain_order=True)
        }
        for doc in documents.iter_rows(named=True):
            case = ET.SubElement(
                suite,
                "testcase",
                name=xml_safe(f"{doc['doc_id']} ({doc['location']} {doc['line']})"),
                classname=xml_safe(str(file)),
                time="0",
            )
            rows = by_doc.get((doc["doc_id"], doc["line"]))
            if rows is None:
                continue
            failed_here, other = False, []
            for row in rows.iter_rows(named=True):
                if not row["suppressed"] and fails(row["severity"], report.fail_on):
                    failure = ET.SubElement(
                        case,
                        "failure",
                        type=row["code"],
                        message=xml_safe(f"{row['code']} {row['name']}: {row['message']}"),
                    )
                    failure.text = xml_safe(_finding_text(row))
                    failed_here = True
                else:
                    note = " (suppressed by its allow-list)" if row["suppressed"] else ""
                    other.append(_finding_text(row, note))
            if other:
                ET.SubElement(case, "system-out").text = xml_safe("\n\n".join(other))
            failures += failed_here
        suite.set("tests", str(documents.height))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += documents.height
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
