import type { Metadata } from "next";
import Link from "@/components/link";
import { Pagination } from "@/components/pagination";
import { MatchExcerpt } from "@/components/search/match-excerpt";
import { isAppError } from "@/lib/errors";
import { formatRelativeDate } from "@/lib/render/format";
import { withoutQualifiers } from "@/lib/search/parse-query";
import { searchSnippets } from "@/lib/search/search-snippets";
import type { TSearchPage } from "@/lib/search/types";
import "@/components/search/search.css";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/** Tags from `?tag=a&tag=b` or `?tag=a,b`. */
function tagsOf(v: string | string[] | undefined): string[] {
  return [
    ...new Set(
      (Array.isArray(v) ? v : v ? [v] : [])
        .flatMap((t) => t.split(","))
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const q = first((await searchParams).q).trim();
  return { title: q ? `Search: ${q.slice(0, 60)}` : "Search", robots: { index: false } };
}

/**
 * Search results for ?q= (and tag filters, an order, a page), each with the line that matched.
 * Qualifiers typed in q (`user:alice`, `tag:calculus`) stay in the box as typed and show as
 * filter chips beside the `tag` parameters; removing one drops it from q or the parameters.
 */
export default async function SearchPage({ searchParams }: Props) {
  const params = await searchParams;
  const q = first(params.q).slice(0, 200);
  const tags = tagsOf(params.tag);
  const sort = first(params.sort) === "recent" ? "recent" : "relevance";
  const page = Math.max(1, Number.parseInt(first(params.page) || "1", 10) || 1);

  let result: TSearchPage | null = null;
  let problem: string | null = null;
  try {
    result = await searchSnippets({ q, tags, sort, page });
  } catch (e) {
    if (!isAppError(e) || e.code !== "INVALID") throw e;
    problem = e.message;
  }

  const hrefWith = (change: { q?: string; tags?: string[]; sort?: string; page?: number }) => {
    const p = new URLSearchParams();
    const text = change.q ?? q;
    if (text) p.set("q", text);
    for (const t of change.tags ?? tags) p.append("tag", t);
    const s = change.sort ?? sort;
    if (s !== "relevance") p.set("sort", s);
    const n = change.page ?? 1;
    if (n > 1) p.set("page", String(n));
    return `/search?${p}`;
  };
  const now = new Date();
  const searched = q.trim() !== "" || tags.length > 0;
  // Active filters: the `tag` parameters and q's qualifiers (known once q parsed), each tag once.
  const owner = result?.qualifiers.owner ?? null;
  const filterTags = [...new Map([...tags, ...(result?.qualifiers.tags ?? [])].map((t) => [t.toLowerCase(), t])).values()];
  const withoutTag = (t: string) =>
    hrefWith({
      q: withoutQualifiers(q, (x) => x.name === "tag" && x.value === t.toLowerCase()),
      tags: tags.filter((x) => x.toLowerCase() !== t.toLowerCase()),
    });

  return (
    <div className="search-page">
      <header className="page-header">
        <h1>Search</h1>
      </header>
      <form action="/search" method="get" role="search" className="search-page__form">
        <label htmlFor="search-q" className="visually-hidden">
          Search snippets
        </label>
        <input
          id="search-q"
          className="input"
          type="search"
          name="q"
          defaultValue={q}
          placeholder="Words from a title, a blurb, code, a tag or an author"
          maxLength={200}
        />
        {tags.map((t) => (
          <input key={t} type="hidden" name="tag" value={t} />
        ))}
        <label htmlFor="search-sort" className="visually-hidden">
          Order
        </label>
        <select id="search-sort" name="sort" defaultValue={sort} className="input" style={{ flex: "0 0 auto", width: "auto" }}>
          <option value="relevance">Best match</option>
          <option value="recent">Recently updated</option>
        </select>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </form>

      {owner || filterTags.length > 0 ? (
        <div className="search-page__filters" aria-label="Filters">
          {owner ? (
            <span className="search-filter">
              by {owner}
              <Link
                href={hrefWith({ q: withoutQualifiers(q, (x) => x.name === "user") })}
                aria-label={`Remove the filter by ${owner}`}
                title="Remove this filter"
              >
                ×
              </Link>
            </span>
          ) : null}
          {filterTags.length > 0 ? <span className="muted">Only tagged</span> : null}
          {filterTags.map((t) => (
            <span key={t} className="search-filter">
              {t}
              <Link href={withoutTag(t)} aria-label={`Remove the filter ${t}`} title="Remove this filter">
                ×
              </Link>
            </span>
          ))}
        </div>
      ) : null}

      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : !searched ? (
        <p className="search-empty">
          Type a few words: a function name, a topic, a tag or an author. Typos are forgiven. <code>user:name</code> and <code>tag:path</code> narrow the
          results.
        </p>
      ) : result && result.items.length === 0 ? (
        <p className="search-empty">
          {page > 1 ? "No more results." : "Nothing matches."}{" "}
          {owner || filterTags.length > 0 ? "Try removing a filter, or other words." : "Try other or fewer words."}
        </p>
      ) : result ? (
        <>
          {result.corrections.length > 0 ? (
            <p className="search-corrections muted">
              Read with typos forgiven:{" "}
              {result.corrections.map((c, i) => (
                <span key={c.word}>
                  {i > 0 ? "; " : null}“{c.word}” as{" "}
                  {c.to.map((w, k) => (
                    <span key={w}>
                      {k > 0 ? " or " : null}
                      <strong>{w}</strong>
                    </span>
                  ))}
                </span>
              ))}
              .
            </p>
          ) : null}
          <ol className="search-results" aria-label="Results">
            {result.items.map((item) => (
              <li key={item.id} className="search-result">
                <h2 className="search-result__title">
                  <Link href={item.url}>{item.title}</Link>
                </h2>
                <div className="search-result__meta">
                  <span>
                    by <Link href={`/${item.owner}`}>{item.ownerName}</Link>
                  </span>
                  <time dateTime={item.updatedAt.toISOString()}>updated {formatRelativeDate(item.updatedAt, now)}</time>
                  {item.tags.length > 0 ? (
                    <ul className="search-result__tags" aria-label="Tags">
                      {item.tags.map((t) => (
                        <li key={t}>
                          <Link href={hrefWith({ tags: [...new Set([...tags, t])] })} title={`Only snippets tagged ${t}`}>
                            {t}
                          </Link>
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
                {item.match ? <MatchExcerpt match={item.match} url={item.url} /> : null}
              </li>
            ))}
          </ol>
          <Pagination page={result.page} hasNext={result.hasNext} hrefFor={(n) => hrefWith({ page: n })} />
        </>
      ) : null}
    </div>
  );
}
