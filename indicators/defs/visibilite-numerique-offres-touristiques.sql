-- Digital visibility of e-SPRIT tourism offers (the offers under Licence
-- Ouverte and the motorhome areas published apart under ODbL, read
-- together): the share of offers that give a web site, an e-mail address,
-- an online booking page and at least one social network link, per
-- département and région. The denominator is every offer of the territory
-- (the regional one: every offer of both releases); an empty value or an
-- empty list counts as absent.
WITH offres AS (
    SELECT o.id,
           coalesce(c.code_departement, d.code_departement) AS code_departement,
           coalesce(c.nom_departement, d.nom_departement) AS nom_departement,
           nullif(trim(o.site_web), '') IS NOT NULL AS site_web,
           nullif(trim(o.courriel), '') IS NOT NULL AS courriel,
           nullif(trim(o.reservation_en_ligne), '') IS NOT NULL AS reservation,
           coalesce(json_array_length(nullif(trim(o.reseaux_sociaux), '')), 0) > 0 AS reseaux
    FROM (SELECT * FROM esprit_offres_touristiques
          UNION ALL BY NAME
          SELECT * FROM esprit_aires_camping_car) o
    LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = o.code_insee
    LEFT JOIN (SELECT DISTINCT code_departement, nom_departement FROM communes_pays_de_la_loire) d
           ON d.nom_departement = o.departement
),
territoires AS (
    SELECT 'departement' AS niveau, code_departement AS code, nom_departement AS libelle, *
    FROM offres WHERE code_departement IS NOT NULL
    UNION ALL
    SELECT 'region', '52', 'Pays de la Loire', * FROM offres
),
comptes AS (
    SELECT niveau, code, libelle, count(*) AS offres,
           count(*) FILTER (WHERE site_web) AS site_web,
           count(*) FILTER (WHERE courriel) AS courriel,
           count(*) FILTER (WHERE reservation) AS reservation,
           count(*) FILTER (WHERE reseaux) AS reseaux
    FROM territoires GROUP BY ALL
),
parts AS (
    SELECT niveau, code, libelle, 'Site web' AS dimension, site_web AS numerateur, offres FROM comptes
    UNION ALL SELECT niveau, code, libelle, 'Courriel', courriel, offres FROM comptes
    UNION ALL SELECT niveau, code, libelle, 'Réservation en ligne', reservation, offres FROM comptes
    UNION ALL SELECT niveau, code, libelle, 'Réseaux sociaux', reseaux, offres FROM comptes
)
SELECT niveau, code, libelle, dimension,
       CAST(numerateur AS DOUBLE) / offres AS valeur,
       CAST(numerateur AS BIGINT) AS numerateur,
       CAST(offres AS BIGINT) AS denominateur
FROM parts
ORDER BY niveau, code, dimension
