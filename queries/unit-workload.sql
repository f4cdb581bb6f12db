-- The SQL twin of unit-workload.rq over the analysis tables (same rows; tests/test_tables.py).
SELECT u.jurisdiction, u.label AS unit_label,
       count(DISTINCT a.counted) AS tasks,
       count(DISTINCT a.counted) FILTER (WHERE a.role = 'lead') AS lead_tasks,
       count(DISTINCT a.counted) FILTER (WHERE a.role = 'support') AS support_tasks,
       count(DISTINCT a.counted) FILTER (WHERE a.role = 'responsible') AS responsible_tasks
FROM (SELECT unit, role, CASE WHEN $copies = 'both' THEN task ELSE canonical_task END AS counted
      FROM assignments WHERE unit IS NOT NULL) a
JOIN (SELECT DISTINCT unit, label, jurisdiction FROM unit_names WHERE jurisdiction IS NOT NULL) u ON u.unit = a.unit
WHERE $jurisdiction IS NULL OR u.jurisdiction = $jurisdiction
GROUP BY u.jurisdiction, u.label
ORDER BY tasks DESC, u.jurisdiction, u.label
