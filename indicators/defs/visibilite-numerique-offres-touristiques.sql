-- Digital visibility of e-SPRIT tourism offers (the offers under Licence
-- Ouverte and the motorhome areas published apart under ODbL, read
-- together: offres_touristiques() of the prelude): the share of offers that
-- give a web site, an e-mail address, an online booking page and at least
-- one social network link, per département and région
-- (territoires_offres()). The denominator is every offer of the territory
-- (the regional one: every offer of both releases); an empty value or an
-- empty list counts as absent.
WITH offres AS (
    SELECT id,
           nullif(trim(site_web), '') IS NOT NULL AS site_web,
           nullif(trim(courriel), '') IS NOT NULL AS courriel,
           nullif(trim(reservation_en_ligne), '') IS NOT NULL AS reservation,
           coalesce(len(reseaux_sociaux), 0) > 0 AS reseaux
    FROM offres_touristiques()
),
comptes AS (
    SELECT t.niveau, t.code, t.libelle, count(*) AS offres,
           count(*) FILTER (WHERE o.site_web) AS site_web,
           count(*) FILTER (WHERE o.courriel) AS courriel,
           count(*) FILTER (WHERE o.reservation) AS reservation,
           count(*) FILTER (WHERE o.reseaux) AS reseaux
    FROM offres o
    JOIN territoires_offres() t ON t.id = o.id
    WHERE t.niveau IN ('departement', 'region')
    GROUP BY ALL
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
