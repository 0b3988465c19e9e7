-- Places of digital inclusion by type, per commune, EPCI, département and
-- région, and per 10,000 inhabitants. A place declared under several types
-- (typologie "FABLAB|ASSO") counts once in each of them and once in
-- "Ensemble". Places without a commune of the region count at the regional
-- level only, so the regional "Ensemble" row equals the number of places in
-- the input release.
WITH lieux AS (
    SELECT l.id, c.code_insee, c.nom AS nom_commune, c.siren_epci, c.nom_epci,
           c.code_departement, c.nom_departement,
           string_split(coalesce(nullif(trim(l.typologie), ''), '?'), '|') AS types
    FROM lieux_mediation_numerique_pdl l
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = l.code_insee
),
par_type AS (
    SELECT id, code_insee, nom_commune, siren_epci, nom_epci, code_departement, nom_departement,
           CASE trim(t)
               WHEN 'EPN' THEN 'Espace public numérique'
               WHEN 'FABLAB' THEN 'Fablab'
               WHEN 'TIERS_LIEUX' THEN 'Tiers-lieu'
               WHEN 'BIB' THEN 'Bibliothèque, médiathèque'
               WHEN 'ASSO' THEN 'Association'
               WHEN 'CCAS' THEN 'Centre communal d''action sociale'
               WHEN 'CIAS' THEN 'Centre intercommunal d''action sociale'
               WHEN 'MUNI' THEN 'Mairie'
               WHEN 'MQ' THEN 'Maison de quartier'
               WHEN 'MJC' THEN 'Maison des jeunes et de la culture'
               WHEN 'MDS' THEN 'Maison départementale des solidarités'
               WHEN 'CS' THEN 'Centre social'
               WHEN 'PIMMS' THEN 'Point information médiation multi-services'
               WHEN 'RESSOURCERIE' THEN 'Ressourcerie'
               WHEN '?' THEN 'Type non renseigné'
               ELSE trim(t)
           END AS dimension
    FROM (SELECT *, unnest(types) AS t FROM lieux)
    UNION ALL
    SELECT id, code_insee, nom_commune, siren_epci, nom_epci, code_departement, nom_departement,
           'Ensemble'
    FROM lieux
),
comptes AS (
    SELECT 'commune' AS niveau, code_insee AS code, dimension, count(DISTINCT id) AS lieux
    FROM par_type WHERE code_insee IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'epci', siren_epci, dimension, count(DISTINCT id)
    FROM par_type WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, dimension, count(DISTINCT id)
    FROM par_type WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', dimension, count(DISTINCT id)
    FROM par_type GROUP BY ALL
),
-- Every EPCI, département and the région, and the communes that have at
-- least one place; each with every type, so that a missing type reads 0.
territoires AS (
    SELECT 'commune' AS niveau, code_insee AS code, nom AS libelle, population
    FROM communes_pays_de_la_loire
    WHERE code_insee IN (SELECT code_insee FROM lieux)
    UNION ALL
    SELECT 'epci', siren_epci, nom_epci, sum(population)
    FROM communes_pays_de_la_loire WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, sum(population)
    FROM communes_pays_de_la_loire GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', sum(population) FROM communes_pays_de_la_loire
),
dimensions AS (SELECT DISTINCT dimension FROM par_type)
SELECT t.niveau, t.code, t.libelle, d.dimension,
       CAST(coalesce(c.lieux, 0) AS DOUBLE) AS valeur,
       CAST(t.population AS BIGINT) AS population,
       CAST(coalesce(c.lieux, 0) * 10000.0 / nullif(t.population, 0) AS DOUBLE) AS lieux_pour_10000_habitants
FROM territoires t
CROSS JOIN dimensions d
LEFT JOIN comptes c ON c.niveau = t.niveau AND c.code = t.code AND c.dimension = d.dimension
ORDER BY t.niveau, t.code, d.dimension
