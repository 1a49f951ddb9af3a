-- Search index, third step: the ranked search and the title suggestions as functions, so that
-- their plan settings travel with them. Postgres' cost model does not count reading a TOASTed
-- vector, so for a common word it would filter rows one by one (fetching each row's `content`
-- from TOAST) instead of asking the GIN indexes; a function's SET clause turns those scans off
-- for its own queries only, without a transaction and two SET statements around each search.

-- The page (`p_lim` rows from `p_off`) of snippets matching `p_q`, in three tiers: title matches,
-- then matches in tags, author, file names or blurb (both ranked by the weighted head vector),
-- then matches only in the code, newest first. Each tier reads at most `p_candidates` matches;
-- the code tier is read only when the first two leave the page short. `p_tags`: every one must
-- hold (a tag path or an ancestor of one).
CREATE FUNCTION cellar_search_ranked(p_q tsquery, p_tags text[], p_lim int, p_off int, p_candidates int)
RETURNS TABLE (id text, tier int, rank real, "updatedAt" timestamp(3))
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH t12 AS MATERIALIZED (
    SELECT DISTINCT ON (u.id) u.* FROM (
      SELECT c.id, 1 AS tier, ts_rank(c.head, p_q) AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d.head, d."updatedAt" FROM "SearchDoc" d
        WHERE d."titleVec" @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) LIMIT p_candidates
      ) c
      UNION ALL
      SELECT c.id, 2 AS tier, ts_rank(c.head, p_q) AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d.head, d."updatedAt" FROM "SearchDoc" d
        WHERE d.head @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) LIMIT p_candidates
      ) c
    ) u ORDER BY u.id, u.tier
  )
  SELECT v.id, v.tier, v.rank, v."updatedAt" FROM (
    SELECT DISTINCT ON (w.id) w.* FROM (
      SELECT * FROM t12
      UNION ALL
      SELECT c.id, 3 AS tier, 0::real AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d."updatedAt" FROM "SearchDoc" d
        WHERE d.content @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) AND (SELECT count(*) FROM t12) < p_lim + p_off LIMIT p_candidates
      ) c
    ) w ORDER BY w.id, w.tier
  ) v
  ORDER BY v.tier, v.rank DESC, v."updatedAt" DESC, v.id
  LIMIT p_lim OFFSET p_off;
END
$fn$;

-- Up to `p_lim` titles matching `p_q`, ranked among the first `p_candidates` title matches.
CREATE FUNCTION cellar_suggest_titles(p_q tsquery, p_lim int, p_candidates int)
RETURNS TABLE (owner text, slug text, title text)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT c.owner, c.slug, c.title FROM (
    SELECT d.owner, d.slug, d.title, d."titleVec", d."updatedAt" FROM "SearchDoc" d WHERE d."titleVec" @@ p_q LIMIT p_candidates
  ) c
  ORDER BY ts_rank(c."titleVec", p_q) DESC, c."updatedAt" DESC
  LIMIT p_lim;
END
$fn$;
