-- The SQL twin of lead-unit-type-by-theme.rq over the analysis tables (same rows; tests/test_tables.py).
WITH counted AS (
  SELECT a.unit, a.role, CASE WHEN $copies = 'both' THEN a.task ELSE a.canonical_task END AS task
  FROM assignments a WHERE a.unit IS NOT NULL AND ($role IS NULL OR a.role = $role)
), task_theme AS (
  SELECT t.task, t.jurisdiction, unnest(string_split(t.themes, '、')) AS theme
  FROM tasks t WHERE t.jurisdiction IS NOT NULL AND t.themes IS NOT NULL
)
SELECT tt.jurisdiction, th.label AS task_theme, c.role, ut.label AS unit_type, count(DISTINCT c.task) AS tasks
FROM counted c
JOIN task_theme tt ON tt.task = c.task
JOIN concepts th ON th.scheme = 'theme' AND th.concept = tt.theme AND th.lang = $lang
JOIN (SELECT DISTINCT unit, unit_type FROM unit_names) u ON u.unit = c.unit
JOIN concepts ut ON ut.scheme = 'unit_type' AND ut.concept = u.unit_type AND ut.lang = $lang
WHERE ($jurisdiction IS NULL OR tt.jurisdiction = $jurisdiction)
  AND ($theme IS NULL OR tt.theme IN (SELECT concept FROM concepts WHERE scheme = 'theme' AND label = $theme))
GROUP BY tt.jurisdiction, th.label, c.role, ut.label
ORDER BY tt.jurisdiction, th.label, c.role, tasks DESC, ut.label
