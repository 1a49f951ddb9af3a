import Link from "@/components/link";
import { redirect } from "next/navigation";
import { Pagination } from "@/components/pagination";
import { RatingStars } from "@/components/rating-stars";
import { SnippetCards } from "@/components/snippet-cards";
import { TagChips } from "@/components/tags/tag-chips";
import { listSnippets, type TListedSnippet, type TSnippetSort } from "@/lib/snippets/list-snippets";
import { cachedTagCounts } from "@/lib/tags/cached-tag-counts";
import { tagHref } from "@/lib/tags/tag-path";
import "./home.css";

type Props = { searchParams: Promise<{ page?: string; sort?: string; tag?: string }> };

/** The main list's orders, by their URL names. */
const SORTS = [
  { key: "recent", label: "Recent", title: "Recently updated", sort: "recent" },
  { key: "top", label: "Top rated", title: "Top rated", sort: "rating" },
  { key: "runs", label: "Most run", title: "Most run", sort: "runs" },
  { key: "views", label: "Most viewed", title: "Most viewed", sort: "views" },
  { key: "popular", label: "Most forked", title: "Most forked", sort: "popular" },
] as const satisfies readonly { key: string; label: string; title: string; sort: TSnippetSort }[];

const POPULAR_TAGS = 12;

/** The most used tags, at any level. */
async function popularTags() {
  return [...(await cachedTagCounts())]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, POPULAR_TAGS);
}

/** Featured interacts (with thumbnails), the list of public snippets in a chosen order, top rated and popular tags. */
export default async function HomePage({ searchParams }: Props) {
  const q = await searchParams;
  // Older links filtered the home page by tag; a tag has its own page now.
  if (q.tag) redirect(tagHref(q.tag));
  const page = Math.max(1, Number.parseInt(q.page ?? "1", 10) || 1);
  const order = SORTS.find((s) => s.key === q.sort) ?? SORTS[0];
  const first = page === 1;
  const [list, featured, topRated, tags] = await Promise.all([
    listSnippets({ sort: order.sort, page }),
    first ? listSnippets({ hasInteracts: true, sort: "featured", perPage: 6 }) : null,
    // Ordered by the Bayesian average; each shows its plain average (RatingStars).
    first && order.key !== "top" ? listSnippets({ sort: "rating", ratedOnly: true, perPage: 5 }) : null,
    first ? popularTags() : [],
  ]);
  const hrefFor = (n: number) => {
    const params = new URLSearchParams();
    if (order.key !== "recent") params.set("sort", order.key);
    if (n > 1) params.set("page", String(n));
    return params.size > 0 ? `/?${params}` : "/";
  };

  return (
    <div className="home">
      {first ? (
        <section className="hero">
          <h1>Runnable mathematics, shared.</h1>
          <p>Cellar is a library of small programs by mathematicians and teachers: plots, simulations, interacts. Read them, fork them, make them yours.</p>
          <p>
            <Link className="button button-primary" href="/new">
              Share a snippet
            </Link>{" "}
            <Link className="button" href="/tags">
              Browse tags
            </Link>
          </p>
        </section>
      ) : null}

      {featured && featured.items.length > 0 ? (
        <section aria-labelledby="featured-title" className="featured">
          <div className="section-head">
            <h2 id="featured-title">Featured interacts</h2>
          </div>
          <ul className="featured__grid">
            {featured.items.map((s) => (
              <li key={s.id}>
                <FeaturedCard snippet={s} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <div className="home-columns">
        <section aria-labelledby="list-title">
          <div className="section-head">
            <h2 id="list-title">{order.title}</h2>
            <nav className="sort" aria-label="Sort">
              {SORTS.map((s) => (
                <Link key={s.key} href={s.key === "recent" ? "/" : `/?sort=${s.key}`} aria-current={s.key === order.key ? "page" : undefined}>
                  {s.label}
                </Link>
              ))}
            </nav>
          </div>
          {list.items.length === 0 ? (
            <p className="muted">
              {first ? (
                <>
                  No snippets yet. <Link href="/new">Publish the first one.</Link>
                </>
              ) : (
                "No snippets on this page."
              )}
            </p>
          ) : (
            <SnippetCards snippets={list.items} />
          )}
          <Pagination page={page} hasNext={list.hasNext} hrefFor={hrefFor} />
        </section>
        {first ? (
          <aside className="home-aside">
            {topRated && topRated.items.length > 0 ? (
              <section aria-labelledby="top-rated-title">
                <h2 id="top-rated-title">Top rated</h2>
                <ol className="popular-list">
                  {topRated.items.map((s) => (
                    <li key={s.id}>
                      <Link href={s.url}>{s.title}</Link>
                      <span className="muted">
                        {" "}
                        by {s.owner} · <RatingStars {...s.rating} />
                      </span>
                    </li>
                  ))}
                </ol>
                <p className="home-aside__more">
                  <Link href="/?sort=top">All by rating</Link>
                </p>
              </section>
            ) : null}
            {tags.length > 0 ? (
              <section aria-labelledby="popular-tags-title">
                <h2 id="popular-tags-title">Popular tags</h2>
                <TagChips tags={tags} label="Popular tags" />
                <p className="home-aside__more">
                  <Link href="/tags">All tags</Link>
                </p>
              </section>
            ) : null}
          </aside>
        ) : null}
      </div>
    </div>
  );
}

/**
 * An interact with its thumbnail (the first image its owner's run showed). Without one yet, a
 * drawn placeholder keeps the grid even; no image request is made that could only fail.
 */
function FeaturedCard({ snippet: s }: { snippet: TListedSnippet }) {
  return (
    <article className="card featured-card">
      <Link href={s.url} className="featured-card__media" tabIndex={-1} aria-hidden="true">
        {s.thumbnailUrl ? (
          // eslint-disable-next-line @next/next/no-img-element -- a stored image from our own route, cached for good per revision (?rev=); next/image would only re-encode it.
          <img src={s.thumbnailUrl} alt="" loading="lazy" decoding="async" width={320} height={200} />
        ) : (
          <svg viewBox="0 0 64 40" className="featured-card__placeholder" role="presentation">
            <path d="M4 32 C 14 4, 24 4, 32 20 S 50 36, 60 8" fill="none" stroke="currentColor" strokeWidth="2.5" strokeLinecap="round" />
            <line x1="8" y1="37" x2="56" y2="37" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" opacity="0.5" />
            <circle cx="26" cy="37" r="2.6" fill="currentColor" />
          </svg>
        )}
      </Link>
      <h3 className="featured-card__title">
        <Link href={s.url}>{s.title}</Link>
      </h3>
      <p className="featured-card__facts muted">
        <span>by {s.owner}</span>
        <RatingStars {...s.rating} />
        {s.runCount > 0 ? <span>{s.runCount === 1 ? "1 run" : `${s.runCount} runs`}</span> : null}
      </p>
    </article>
  );
}
