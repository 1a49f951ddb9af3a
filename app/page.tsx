import Link from "next/link";
import { SnippetCards } from "@/components/snippet-cards";
import { Pagination } from "@/components/pagination";
import { listSnippets } from "@/lib/snippets/list-snippets";

type Props = { searchParams: Promise<{ page?: string; sort?: string }> };

/** Recent and popular public snippets. */
export default async function HomePage({ searchParams }: Props) {
  const q = await searchParams;
  const page = Math.max(1, Number.parseInt(q.page ?? "1", 10) || 1);
  const sort = q.sort === "popular" ? "popular" : "recent";
  const [list, popular] = await Promise.all([
    listSnippets({ sort, page }),
    page === 1 && sort === "recent" ? listSnippets({ sort: "popular", perPage: 5 }) : Promise.resolve(null),
  ]);
  return (
    <div className="home">
      {page === 1 ? (
        <section className="hero">
          <h1>Runnable mathematics, shared.</h1>
          <p>
            Cellar is a library of small programs by mathematicians and teachers: plots, simulations, interacts. Read them, fork them, make them
            yours.
          </p>
          <p>
            <Link className="button button-primary" href="/new">
              Share a snippet
            </Link>
          </p>
        </section>
      ) : null}
      <div className="home-columns">
        <section aria-labelledby="list-title">
          <div className="section-head">
            <h2 id="list-title">{sort === "popular" ? "Most forked" : "Recently updated"}</h2>
            <nav className="sort" aria-label="Sort">
              <Link href="/" aria-current={sort === "recent" ? "page" : undefined}>
                Recent
              </Link>
              <Link href="/?sort=popular" aria-current={sort === "popular" ? "page" : undefined}>
                Popular
              </Link>
            </nav>
          </div>
          {list.items.length === 0 ? (
            <p className="muted">
              No snippets yet. <Link href="/new">Publish the first one.</Link>
            </p>
          ) : (
            <SnippetCards snippets={list.items} />
          )}
          <Pagination page={page} hasNext={list.hasNext} hrefFor={(n) => (sort === "popular" ? `/?sort=popular&page=${n}` : `/?page=${n}`)} />
        </section>
        {popular && popular.items.length > 0 ? (
          <aside aria-labelledby="popular-title" className="popular">
            <h2 id="popular-title">Popular</h2>
            <ol className="popular-list">
              {popular.items.map((s) => (
                <li key={s.id}>
                  <Link href={s.url}>{s.title}</Link>
                  <span className="muted">
                    {" "}
                    by {s.owner} · {s.forkCount} fork{s.forkCount === 1 ? "" : "s"}
                  </span>
                </li>
              ))}
            </ol>
          </aside>
        ) : null}
      </div>
    </div>
  );
}
