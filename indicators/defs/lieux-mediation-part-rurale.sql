-- Share of places of digital inclusion located in a rural commune (as the
-- reference table of communes classes them), by type, per EPCI, département
-- and région, over the consolidated table of places (one row a place, a
-- place of both the national export and PiNG's map counted once). Only places whose commune is known count: the denominator is
-- the places with a commune of the region, the numerator those of them in a
-- rural commune. A place of several types counts in each of them.
WITH lieux AS (
    SELECT l.dimension AS id, c.code_insee, c.rural, types_lieu(l.typologie) AS types
    FROM lieux_mediation_numerique_consolides l
    JOIN communes_pays_de_la_loire c ON c.code_insee = l.code
),
par_type AS (
    SELECT id, code_insee, rural, libelle_type_lieu(t) AS dimension
    FROM (SELECT *, unnest(types) AS t FROM lieux)
    UNION ALL
    SELECT id, code_insee, rural, 'Ensemble' FROM lieux
),
parts AS (
    SELECT t.niveau, t.code, t.libelle, p.dimension,
           count(DISTINCT p.id) FILTER (WHERE p.rural) AS numerateur,
           count(DISTINCT p.id) AS denominateur
    FROM par_type p
    JOIN territoires_englobants() t ON t.code_insee = p.code_insee
    WHERE t.niveau <> 'commune'
    GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(numerateur AS DOUBLE) / denominateur AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(denominateur AS BIGINT) AS denominateur
FROM parts
ORDER BY niveau, code, dimension
