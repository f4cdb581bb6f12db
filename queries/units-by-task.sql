-- The SQL twin of units-by-task.rq over the analysis tables (same rows; tests/test_tables.py).
SELECT t.doc, t.task, t.key, t.text, t.jurisdiction, a.unit_label, a.role, a.mention
FROM tasks t
LEFT JOIN assignments a ON a.task = t.task AND a.unit IS NOT NULL
WHERE contains(coalesce(t.title, '') || t.text, $fragment)
ORDER BY t.doc, t.key, a.start, a.unit_label, a.role, a.mention
