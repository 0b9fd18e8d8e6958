"""Each indexed NOS keeps its SOC 2020 unit groups with their evidence (source, confidence),
so that job titles count suggested codes by their confidence (issue 16). Rows indexed before
this migration are filled from their version's SOC links, by the rule of
`noshub.search.indexer.soc_evidence`; the next reindex writes the same."""

from django.db import migrations, models


def fill_evidence(apps, schema_editor):
    SearchDocument = apps.get_model("search", "SearchDocument")
    NosSocCode = apps.get_model("catalogue", "NosSocCode")
    links: dict[int, list[tuple[str, str, float | None]]] = {}
    rows = NosSocCode.objects.filter(
        soc_code__classification="2020", version_id__in=SearchDocument.objects.values("version_id")
    ).values_list("version_id", "soc_code__code", "source", "confidence")
    for version_id, code, source, confidence in rows.iterator(chunk_size=5000):
        links.setdefault(version_id, []).append((code, source, confidence))
    changed = []
    for doc in SearchDocument.objects.only("standard_id", "version_id", "soc2020").iterator(chunk_size=2000):
        units = [c for c in doc.soc2020 if len(c) == 4]
        if not units:
            continue
        by_unit: dict[str, dict] = {}
        for code, source, confidence in links.get(doc.version_id, []):
            if code not in units:
                continue
            held = by_unit.get(code)
            if source == "suggested":
                if held is None:
                    by_unit[code] = {"source": "suggested", "confidence": float(confidence or 0.0)}
            elif held is None or held["source"] != "confirmed":
                by_unit[code] = {"source": source if source == "confirmed" else "crosswalk", "confidence": 1.0}
        # Units with no SOC 2020 link came from the version's SOC 2010 codes, crosswalked at indexing.
        doc.soc_evidence = {u: by_unit.get(u, {"source": "crosswalk", "confidence": 1.0}) for u in sorted(units)}
        changed.append(doc)
    SearchDocument.objects.bulk_update(changed, ["soc_evidence"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("search", "0005_fulltext_moves_to_tantivy"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="soc_evidence",
            field=models.JSONField(
                default=dict,
                help_text='Each SOC 2020 unit group with its evidence: {"5434": {"source": "suggested", "confidence": 0.8}}',
            ),
        ),
        migrations.RunPython(fill_evidence, migrations.RunPython.noop),
    ]
