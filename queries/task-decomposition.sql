-- The SQL twin of task-decomposition.rq over the analysis tables (same rows; tests/test_tables.py).
SELECT DISTINCT h.doc AS higher_doc, h.key AS higher_key, h.text AS higher_text, t.jurisdiction, t.doc, t.key,
       t.text, l.similarity, a.role, a.unit_label AS unit, ut.label AS unit_type
FROM task_links l
JOIN tasks h ON h.task = l.implemented_task
JOIN tasks t ON t.task = l.task
LEFT JOIN (
  SELECT a.task, a.role, a.unit_label, a.unit FROM assignments a WHERE a.unit IS NOT NULL
) a ON a.task = l.task
LEFT JOIN (SELECT DISTINCT unit, unit_type FROM unit_names) u ON u.unit = a.unit
LEFT JOIN concepts ut ON ut.scheme = 'unit_type' AND ut.concept = u.unit_type AND ut.lang = $lang
WHERE t.jurisdiction IS NOT NULL
  AND ($jurisdiction IS NULL OR t.jurisdiction = $jurisdiction)
  AND ($fragment IS NULL OR contains(coalesce(h.title, '') || h.text, $fragment))
ORDER BY higher_doc, higher_key, t.jurisdiction, t.doc, t.key, a.role, unit
