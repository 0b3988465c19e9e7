-- One row per place of digital inclusion, a place seen in both the
-- national-schema export (lieux_mediation_numerique_pdl, "export") and
-- PiNG's map (ping_lieux_mediation, "PiNG") counted once. A PiNG place is
-- paired with at most one export place, by the first rule that pairs them:
--   1. "pivot": the same pivot (SIRET or RNA), when that pivot names a
--      single place in each source (a SIRET shared by several places, such
--      as a commune's libraries, identifies none of them);
--   2. "nom et commune": the same normalised name (lower case, no accents,
--      punctuation as spaces, spaces collapsed) and the same INSEE code;
--   3. "distance": the same INSEE code and at most 50 m apart (haversine
--      distance, Earth radius 6,371 km), the nearest pair on both sides.
-- Each rule pairs only places left unpaired by the rules before it, and
-- only one to one. Unpaired places are kept as they are.
--
-- date_maj of a paired place is the later of its two dates; source and
-- date_publication come with it (the export's on a tie): the organisation
-- that collected that listing and the day the release carrying it was
-- published (the timestamp that starts the release id, UTC, read from the
-- path of the file each view reads), so that a freshness indicator depends
-- on the input data only, never on the day it is computed.
WITH publication AS (
    SELECT view_name,
           coalesce(CAST(try_strptime(regexp_extract(sql, '/([0-9]{8}T[0-9]{6}Z)[^/]*/data\.parquet', 1),
                                      '%Y%m%dT%H%M%SZ') AS DATE),
                    error('lieux-mediation-numerique-consolides : date de publication introuvable dans le chemin de ' || view_name)
           ) AS jour
    FROM duckdb_views()
    WHERE view_name IN ('lieux_mediation_numerique_pdl', 'ping_lieux_mediation') AND NOT internal
),
export AS (
    SELECT 'lieux-mediation-numerique-pdl' AS src, id, "pivot", nom, commune, code_insee,
           latitude, longitude, typologie, services, date_maj, source,
           (SELECT jour FROM publication WHERE view_name = 'lieux_mediation_numerique_pdl') AS publie
    FROM lieux_mediation_numerique_pdl
),
ping AS (
    SELECT 'ping-lieux-mediation' AS src, id, "pivot", nom, commune, code_insee,
           latitude, longitude, typologie, services, date_maj, source,
           (SELECT jour FROM publication WHERE view_name = 'ping_lieux_mediation') AS publie
    FROM ping_lieux_mediation
),
norm AS (
    SELECT *, trim(regexp_replace(regexp_replace(lower(strip_accents(nom)), '[^a-z0-9]+', ' ', 'g'), ' +', ' ', 'g')) AS cle
    FROM (SELECT * FROM export UNION ALL SELECT * FROM ping)
),
e AS (SELECT * FROM norm WHERE src = 'lieux-mediation-numerique-pdl'),
p AS (SELECT * FROM norm WHERE src = 'ping-lieux-mediation'),
-- Pivots naming exactly one place in each source.
pivots_uniques AS (
    SELECT "pivot" FROM e GROUP BY "pivot" HAVING count(*) = 1
    INTERSECT
    SELECT "pivot" FROM p GROUP BY "pivot" HAVING count(*) = 1
),
r1 AS (
    SELECT e.id AS e_id, p.id AS p_id, 'pivot' AS regle
    FROM e JOIN p ON e."pivot" = p."pivot"
    WHERE e."pivot" IN (SELECT "pivot" FROM pivots_uniques)
),
r2_candidats AS (
    SELECT e.id AS e_id, p.id AS p_id
    FROM e JOIN p ON e.cle = p.cle AND e.code_insee = p.code_insee
    WHERE e.id NOT IN (SELECT e_id FROM r1) AND p.id NOT IN (SELECT p_id FROM r1)
),
r2 AS (
    SELECT e_id, p_id, 'nom et commune' AS regle FROM (
        SELECT *, row_number() OVER (PARTITION BY e_id ORDER BY p_id) AS re,
                  row_number() OVER (PARTITION BY p_id ORDER BY e_id) AS rp
        FROM r2_candidats)
    WHERE re = 1 AND rp = 1
),
r3_candidats AS (
    SELECT e.id AS e_id, p.id AS p_id,
           2 * 6371000 * asin(sqrt(
               pow(sin(radians(p.latitude - e.latitude) / 2), 2) +
               cos(radians(e.latitude)) * cos(radians(p.latitude)) *
               pow(sin(radians(p.longitude - e.longitude) / 2), 2))) AS metres
    FROM e JOIN p ON e.code_insee = p.code_insee
    WHERE e.latitude IS NOT NULL AND p.latitude IS NOT NULL
      AND e.id NOT IN (SELECT e_id FROM r1 UNION ALL SELECT e_id FROM r2)
      AND p.id NOT IN (SELECT p_id FROM r1 UNION ALL SELECT p_id FROM r2)
),
r3 AS (
    SELECT e_id, p_id, 'distance' AS regle FROM (
        SELECT *, row_number() OVER (PARTITION BY e_id ORDER BY metres, p_id) AS re,
                  row_number() OVER (PARTITION BY p_id ORDER BY metres, e_id) AS rp
        FROM r3_candidats WHERE metres <= 50)
    WHERE re = 1 AND rp = 1
),
paires AS (SELECT * FROM r1 UNION ALL SELECT * FROM r2 UNION ALL SELECT * FROM r3),
lieux AS (
    -- Export places, with their PiNG twin when they have one: the export's
    -- values first, PiNG's where the export has none.
    SELECT e.id AS dimension, coalesce(e.code_insee, p.code_insee) AS code_insee,
           coalesce(e.commune, p.commune) AS commune, e.nom, coalesce(e."pivot", p."pivot") AS "pivot",
           coalesce(e.typologie, p.typologie) AS typologie, coalesce(e.services, p.services) AS services,
           coalesce(e.latitude, p.latitude) AS latitude, coalesce(e.longitude, p.longitude) AS longitude,
           -- PiNG's date, source and publication only when its date is later.
           CASE WHEN p.date_maj > e.date_maj THEN p.date_maj ELSE e.date_maj END AS date_maj,
           CASE WHEN p.date_maj > e.date_maj THEN p.source ELSE e.source END AS source,
           CASE WHEN p.date_maj > e.date_maj THEN p.publie ELSE e.publie END AS date_publication,
           coalesce(pr.regle, 'une seule source') AS regle,
           CASE WHEN p.id IS NULL THEN e.src || ':' || e.id
                ELSE e.src || ':' || e.id || '|' || p.src || ':' || p.id END AS sources,
           CASE WHEN p.id IS NULL THEN 1 ELSE 2 END AS nombre_sources
    FROM e
    LEFT JOIN paires pr ON pr.e_id = e.id
    LEFT JOIN p ON p.id = pr.p_id
    UNION ALL
    SELECT p.id, p.code_insee, p.commune, p.nom, p."pivot", p.typologie, p.services,
           p.latitude, p.longitude, p.date_maj, p.source, p.publie,
           'une seule source', p.src || ':' || p.id, 1
    FROM p
    WHERE p.id NOT IN (SELECT p_id FROM paires)
)
SELECT 'commune' AS niveau, coalesce(l.code_insee, 'inconnu') AS code,
       coalesce(c.nom, l.commune) AS libelle, l.dimension,
       CAST(1 AS DOUBLE) AS valeur,
       l.nom, l."pivot", l.typologie, l.services,
       CAST(l.latitude AS DOUBLE) AS latitude, CAST(l.longitude AS DOUBLE) AS longitude,
       l.date_maj, l.source, l.date_publication,
       l.regle, l.sources, CAST(l.nombre_sources AS BIGINT) AS nombre_sources
FROM lieux l
LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code_insee
ORDER BY niveau, code, dimension
