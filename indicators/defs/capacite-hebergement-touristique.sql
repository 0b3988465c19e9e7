-- Declared accommodation capacity (number of people) of e-SPRIT accommodation
-- offers (the motorhome areas, published apart under ODbL, included:
-- offres_touristiques() of the prelude), by type of accommodation, per EPCI,
-- département and région (territoires_offres()). An offer without a
-- declared capacity counts in "offres" but adds nothing to the capacity;
-- "offres_avec_capacite" says how many offers the sum covers. The rooms,
-- pitches and dwellings some sources give instead are summed in their own
-- columns (empty when no offer of the cell gives them).
WITH hebergements AS (
    SELECT id, capacite, nombre_chambres, nombre_emplacements, nombre_logements,
           coalesce(nullif(trim(type), ''), 'Type non renseigné') AS type
    FROM offres_touristiques()
    WHERE categorie = 'hébergement'
),
par_type AS (
    SELECT *, type AS dimension FROM hebergements
    UNION ALL
    SELECT *, 'Ensemble' FROM hebergements
),
capacites AS (
    SELECT t.niveau, t.code, t.libelle, h.dimension,
           sum(h.capacite) AS capacite, count(*) AS offres, count(h.capacite) AS offres_avec_capacite,
           sum(h.nombre_chambres) AS chambres, sum(h.nombre_emplacements) AS emplacements,
           sum(h.nombre_logements) AS logements
    FROM par_type h
    JOIN territoires_offres() t ON t.id = h.id
    WHERE t.niveau IN ('epci', 'departement', 'region')
    GROUP BY ALL
)
SELECT niveau, code, libelle, dimension,
       CAST(coalesce(capacite, 0) AS DOUBLE) AS valeur,
       CAST(offres AS BIGINT) AS offres,
       CAST(offres_avec_capacite AS BIGINT) AS offres_avec_capacite,
       CAST(chambres AS BIGINT) AS chambres,
       CAST(emplacements AS BIGINT) AS emplacements,
       CAST(logements AS BIGINT) AS logements
FROM capacites
ORDER BY niveau, code, dimension
