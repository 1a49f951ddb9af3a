-- Search index, sixth step: a `user:` qualifier (lib/search/parse-query.ts) keeps one author's
-- snippets. The ranked search takes the owner as a new parameter, so the function is dropped
-- and created again with the same body, the owner filter in each tier, and the settings of
-- 20261122050000 and 20261122071000 (a NULL owner folds away in the plan made for each call,
-- as an empty tag list does).
DROP FUNCTION cellar_search_ranked(tsquery, text[], int, int, int);

-- One author's snippets, newest first: the list a `user:` qualifier alone asks for, read in
-- order. In the ranked search (bitmap scans only) it is ANDed with the text indexes, or read
-- alone and the few rows checked: measured with bench/search on 20,000 snippets, "plot
-- user:<someone with 19 snippets>" went from 20 ms (every snippet matching "plot" fetched, then
-- filtered by owner) to under 1 ms; for an author of 5,000 snippets a page takes 3-8 ms.
CREATE INDEX "SearchDoc_owner_updatedAt_idx" ON "SearchDoc" ("owner", "updatedAt" DESC);

-- The page (`p_lim` rows from `p_off`) of snippets matching `p_q`, in three tiers: title matches,
-- then matches in tags, author, file names or blurb (both ranked by the weighted head vector),
-- then matches only in the code, newest first. Each tier reads at most `p_candidates` matches;
-- the code tier is read only when the first two leave the page short. `p_tags`: every one must
-- hold (a tag path or an ancestor of one). `p_owner`: only that user's snippets (NULL: anyone's).
CREATE FUNCTION cellar_search_ranked(p_q tsquery, p_tags text[], p_owner text, p_lim int, p_off int, p_candidates int)
RETURNS TABLE (id text, tier int, rank real, "updatedAt" timestamp(3))
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET plan_cache_mode = force_custom_plan
AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH t12 AS MATERIALIZED (
    SELECT DISTINCT ON (u.id) u.* FROM (
      SELECT c.id, 1 AS tier, ts_rank(c.head, p_q) AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d.head, d."updatedAt" FROM "SearchDoc" d
        WHERE d."titleVec" @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) AND (p_owner IS NULL OR d.owner = p_owner)
        LIMIT p_candidates
      ) c
      UNION ALL
      SELECT c.id, 2 AS tier, ts_rank(c.head, p_q) AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d.head, d."updatedAt" FROM "SearchDoc" d
        WHERE d.head @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) AND (p_owner IS NULL OR d.owner = p_owner)
        LIMIT p_candidates
      ) c
    ) u ORDER BY u.id, u.tier
  )
  SELECT v.id, v.tier, v.rank, v."updatedAt" FROM (
    SELECT DISTINCT ON (w.id) w.* FROM (
      SELECT * FROM t12
      UNION ALL
      SELECT c.id, 3 AS tier, 0::real AS rank, c."updatedAt" FROM (
        SELECT d."snippetId" AS id, d."updatedAt" FROM "SearchDoc" d
        WHERE d.content @@ p_q AND (cardinality(p_tags) = 0 OR d."tagPaths" @> p_tags) AND (p_owner IS NULL OR d.owner = p_owner)
          AND (SELECT count(*) FROM t12) < p_lim + p_off
        LIMIT p_candidates
      ) c
    ) w ORDER BY w.id, w.tier
  ) v
  ORDER BY v.tier, v.rank DESC, v."updatedAt" DESC, v.id
  LIMIT p_lim OFFSET p_off;
END
$fn$;
