-- Tourism offers of e-SPRIT by category, per commune, EPCI, département and
-- région, and per 1,000 inhabitants: the offers under Licence Ouverte and
-- the motorhome areas published apart under ODbL (same schema), read
-- together. The commune comes from the offer's INSEE code; when it is
-- missing, the offer still counts in its département (from the offer's
-- département name) and in the région. The regional "Ensemble" row equals
-- the number of offers of both input releases.
WITH offres AS (
    SELECT o.id, c.code_insee, c.siren_epci,
           coalesce(c.code_departement, d.code_departement) AS code_departement,
           coalesce(nullif(trim(o.categorie), ''), 'Catégorie non renseignée') AS categorie
    FROM (SELECT * FROM esprit_offres_touristiques
          UNION ALL BY NAME
          SELECT * FROM esprit_aires_camping_car) o
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = o.code_insee
    LEFT JOIN (SELECT DISTINCT code_departement, nom_departement FROM communes_pays_de_la_loire) d
           ON d.nom_departement = o.departement
),
par_categorie AS (
    SELECT id, code_insee, siren_epci, code_departement, categorie AS dimension FROM offres
    UNION ALL
    SELECT id, code_insee, siren_epci, code_departement, 'Ensemble' FROM offres
),
comptes AS (
    SELECT 'commune' AS niveau, code_insee AS code, dimension, count(DISTINCT id) AS offres
    FROM par_categorie WHERE code_insee IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'epci', siren_epci, dimension, count(DISTINCT id)
    FROM par_categorie WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, dimension, count(DISTINCT id)
    FROM par_categorie WHERE code_departement IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', dimension, count(DISTINCT id) FROM par_categorie GROUP BY ALL
),
-- Every EPCI, département and the région, and the communes with at least one
-- offer; each with every category, so that a missing category reads 0.
territoires AS (
    SELECT 'commune' AS niveau, code_insee AS code, nom AS libelle, population
    FROM communes_pays_de_la_loire
    WHERE code_insee IN (SELECT code_insee FROM offres)
    UNION ALL
    SELECT 'epci', siren_epci, nom_epci, sum(population)
    FROM communes_pays_de_la_loire WHERE siren_epci IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT 'departement', code_departement, nom_departement, sum(population)
    FROM communes_pays_de_la_loire GROUP BY ALL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', sum(population) FROM communes_pays_de_la_loire
),
dimensions AS (SELECT DISTINCT dimension FROM par_categorie)
SELECT t.niveau, t.code, t.libelle, d.dimension,
       CAST(coalesce(c.offres, 0) AS DOUBLE) AS valeur,
       CAST(t.population AS BIGINT) AS population,
       CAST(coalesce(c.offres, 0) * 1000.0 / nullif(t.population, 0) AS DOUBLE) AS offres_pour_1000_habitants
FROM territoires t
CROSS JOIN dimensions d
LEFT JOIN comptes c ON c.niveau = t.niveau AND c.code = t.code AND c.dimension = d.dimension
ORDER BY t.niveau, t.code, d.dimension
