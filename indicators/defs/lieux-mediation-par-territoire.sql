-- Places of digital inclusion by type, per commune, EPCI, département and
-- région, and per 10,000 inhabitants, over the consolidated table of places
-- (the national export and PiNG's map, a place seen in both counted once:
-- one row a place). A place declared under several types
-- (typologie "FABLAB|ASSO") counts once in each of them and once in
-- "Ensemble". Places without a commune of the region count at the regional
-- level only, so the regional "Ensemble" row equals the number of places in
-- the consolidated table.
WITH lieux AS (
    SELECT l.dimension AS id, c.code_insee, types_lieu(l.typologie) AS types
    FROM lieux_mediation_numerique_consolides l
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code
),
par_type AS (
    SELECT id, code_insee, libelle_type_lieu(t) AS dimension
    FROM (SELECT *, unnest(types) AS t FROM lieux)
    UNION ALL
    SELECT id, code_insee, 'Ensemble' FROM lieux
),
-- A place of an unknown commune joins the regional row only.
comptes AS (
    SELECT t.niveau, t.code, p.dimension, count(DISTINCT p.id) AS lieux
    FROM par_type p
    JOIN territoires_englobants() t ON t.code_insee IS NOT DISTINCT FROM p.code_insee
    GROUP BY ALL
),
-- Every EPCI, département and the région, and the communes that have at
-- least one place; each with every type, so that a missing type reads 0.
lignes AS (
    SELECT * FROM territoires()
    WHERE niveau <> 'commune' OR code IN (SELECT code_insee FROM lieux)
),
dimensions AS (SELECT DISTINCT dimension FROM par_type)
SELECT t.niveau, t.code, t.libelle, d.dimension,
       CAST(coalesce(c.lieux, 0) AS DOUBLE) AS valeur,
       CAST(t.population AS BIGINT) AS population,
       CAST(coalesce(c.lieux, 0) * 10000.0 / nullif(t.population, 0) AS DOUBLE) AS lieux_pour_10000_habitants
FROM lignes t
CROSS JOIN dimensions d
LEFT JOIN comptes c ON c.niveau = t.niveau AND c.code = t.code AND c.dimension = d.dimension
ORDER BY t.niveau, t.code, d.dimension
