-- Tourism offers of e-SPRIT by category, per commune, EPCI, département and
-- région, and per 1,000 inhabitants: the offers under Licence Ouverte and
-- the motorhome areas published apart under ODbL, read together
-- (offres_touristiques() of the prelude). An offer counts in its commune,
-- EPCI, département and the région; without a known commune, in the
-- département its "departement" field names and the région
-- (territoires_offres()). The regional "Ensemble" row equals the number of
-- offers of both input releases.
WITH offres AS (
    SELECT id, coalesce(nullif(trim(categorie), ''), 'Catégorie non renseignée') AS categorie
    FROM offres_touristiques()
),
par_categorie AS (
    SELECT id, categorie AS dimension FROM offres
    UNION ALL
    SELECT id, 'Ensemble' FROM offres
),
comptes AS (
    SELECT t.niveau, t.code, p.dimension, count(DISTINCT p.id) AS offres
    FROM par_categorie p
    JOIN territoires_offres() t ON t.id = p.id
    GROUP BY ALL
),
-- Every EPCI, département and the région, and the communes with at least
-- one offer; each with every category, so that a missing category reads 0.
lignes AS (
    SELECT * FROM territoires()
    WHERE niveau <> 'commune' OR code IN (SELECT code FROM comptes WHERE niveau = 'commune')
),
dimensions AS (SELECT DISTINCT dimension FROM par_categorie)
SELECT t.niveau, t.code, t.libelle, d.dimension,
       CAST(coalesce(c.offres, 0) AS DOUBLE) AS valeur,
       CAST(t.population AS BIGINT) AS population,
       CAST(coalesce(c.offres, 0) * 1000.0 / nullif(t.population, 0) AS DOUBLE) AS offres_pour_1000_habitants
FROM lignes t
CROSS JOIN dimensions d
LEFT JOIN comptes c ON c.niveau = t.niveau AND c.code = t.code AND c.dimension = d.dimension
ORDER BY t.niveau, t.code, d.dimension
