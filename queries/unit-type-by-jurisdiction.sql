-- The SQL twin of unit-type-by-jurisdiction.rq over the analysis tables (same rows; tests/test_tables.py).
SELECT u.jurisdiction, c.label AS unit_type, count(DISTINCT a.counted) AS tasks
FROM (SELECT unit, role, CASE WHEN $copies = 'both' THEN task ELSE canonical_task END AS counted
      FROM assignments WHERE unit IS NOT NULL AND ($role IS NULL OR role = $role)) a
JOIN (SELECT DISTINCT unit, jurisdiction, unit_type FROM unit_names WHERE jurisdiction IS NOT NULL) u ON u.unit = a.unit
JOIN concepts c ON c.scheme = 'unit_type' AND c.concept = u.unit_type AND c.lang = $lang
GROUP BY u.jurisdiction, c.label
ORDER BY u.jurisdiction, tasks DESC, c.label
