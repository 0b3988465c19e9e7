-- The SQL prelude of every indicator: DuckDB macros shared by the queries,
-- created in each computation's database after the input views and before
-- the query. It is part of every indicator's definition digest (changing it
-- recomputes them all) and is shown beside the query on the provenance
-- pages. Macros that read a table read it when a query calls them: an
-- indicator calling a macro lists the tables the macro reads among its
-- inputs (the reference table communes-pays-de-la-loire for the territory
-- macros).
-- Statements end with ";" at the end of a line.

-- libelle_type_lieu(code): the French label of a type of place of digital
-- inclusion (typologie of the national schema: EPN, FABLAB, …); '?' means
-- "not given"; an unknown code is returned trimmed, as it is.
CREATE MACRO libelle_type_lieu(t) AS
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
    END;

-- types_lieu(typologie): the list of type codes of a place ("FABLAB|ASSO"
-- gives ['FABLAB', 'ASSO']; empty or NULL gives ['?']).
CREATE MACRO types_lieu(typologie) AS
    string_split(coalesce(nullif(trim(typologie), ''), '?'), '|');

-- libelle_regroupement(code): the French label of a type of higher
-- education institution of the students' headcounts (regroupement; TOTAL is
-- "Ensemble").
CREATE MACRO libelle_regroupement(r) AS
    CASE r
        WHEN 'TOTAL' THEN 'Ensemble'
        WHEN 'UNIV' THEN 'Universités'
        WHEN 'STS' THEN 'Sections de techniciens supérieurs'
        WHEN 'CPGE' THEN 'Classes préparatoires aux grandes écoles'
        WHEN 'ING' THEN 'Formations d''ingénieurs'
        WHEN 'EC_COM' THEN 'Écoles de commerce, gestion et comptabilité'
        WHEN 'IUT' THEN 'Instituts universitaires de technologie'
        ELSE r
    END;

-- territoires_englobants(): the territory roll-up commune → EPCI →
-- département → région of the reference table communes_pays_de_la_loire:
-- for every commune, one row for the commune itself, its EPCI (when it has
-- one), its département and the région, as (code_insee, niveau, code,
-- libelle). One more row, whose code_insee is NULL, belongs to the région
-- only: joined with "t.code_insee IS NOT DISTINCT FROM c.code_insee" after a
-- LEFT JOIN on the reference table, a row whose commune is unknown counts
-- at the regional level only; joined with "=", it does not count at all.
CREATE MACRO territoires_englobants() AS TABLE
    SELECT code_insee, 'commune' AS niveau, code_insee AS code, nom AS libelle
    FROM communes_pays_de_la_loire
    UNION ALL
    SELECT code_insee, 'epci', siren_epci, nom_epci
    FROM communes_pays_de_la_loire WHERE siren_epci IS NOT NULL
    UNION ALL
    SELECT code_insee, 'departement', code_departement, nom_departement
    FROM communes_pays_de_la_loire
    UNION ALL
    SELECT code_insee, 'region', '52', 'Pays de la Loire'
    FROM communes_pays_de_la_loire
    UNION ALL
    SELECT NULL, 'region', '52', 'Pays de la Loire';

-- territoires(): every commune, EPCI, département and the région of the
-- reference table with its population (the sum of its communes'
-- population municipale), as (niveau, code, libelle, population).
CREATE MACRO territoires() AS TABLE
    SELECT t.niveau, t.code, t.libelle, sum(c.population) AS population
    FROM territoires_englobants() t
    JOIN communes_pays_de_la_loire c ON c.code_insee = t.code_insee
    GROUP BY t.niveau, t.code, t.libelle;

-- etablissements_hal(): the institutions of the HAL indicators, as
-- (struct_id, etablissement): the HAL structures the harvest asks for
-- (pipelines/hal-publications.yaml). Université de Nantes (until 2021) and
-- Nantes Université (since 2022) are one institution.
CREATE MACRO etablissements_hal() AS TABLE
    SELECT * FROM (VALUES
        (1100589, 'Nantes Université'),
        (93263, 'Nantes Université'),
        (24140, 'Université d''Angers'),
        (301088, 'Le Mans Université'),
        (1041, 'École Centrale de Nantes'),
        (481355, 'IMT Atlantique'),
        (301215, 'Oniris')
    ) AS e(struct_id, etablissement);

-- structures_hal(structures): the HAL structure ids of a deposit (the
-- structures column, a LIST of BIGINT) as a list, empty when missing.
CREATE MACRO structures_hal(structures) AS
    coalesce(structures, []);

-- offres_touristiques(): every e-SPRIT tourism offer, from both published
-- tables of the schema offre-touristique: esprit_offres_touristiques
-- (Licence Ouverte) and esprit_aires_camping_car (motorhome areas, ODbL,
-- published apart). An indicator calling it reads both datasets, and so is
-- published under ODbL.
CREATE MACRO offres_touristiques() AS TABLE
    SELECT * FROM esprit_offres_touristiques
    UNION ALL BY NAME
    SELECT * FROM esprit_aires_camping_car;

-- territoires_offres(): the territories each offer of offres_touristiques()
-- counts in, as (id, niveau, code, libelle): an offer whose INSEE code is a
-- commune of the reference table counts in that commune, its EPCI, its
-- département and the région (territoires_englobants()); any other offer
-- counts in the département named by its "departement" field, when that is
-- a département of the reference table, and in the région.
CREATE MACRO territoires_offres() AS TABLE
    WITH o AS (
        SELECT o.id, o.departement, c.code_insee
        FROM offres_touristiques() o
        LEFT JOIN communes_pays_de_la_loire c ON c.code_insee = o.code_insee
    )
    SELECT o.id, t.niveau, t.code, t.libelle
    FROM o JOIN territoires_englobants() t ON t.code_insee IS NOT DISTINCT FROM o.code_insee
    UNION ALL
    SELECT o.id, 'departement', d.code_departement, d.nom_departement
    FROM o
    JOIN (SELECT DISTINCT code_departement, nom_departement FROM communes_pays_de_la_loire) d
      ON d.nom_departement = o.departement
    WHERE o.code_insee IS NULL;
