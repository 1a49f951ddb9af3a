import Link from "@/components/link";
import { getCredits, type TCredit } from "@/lib/snippets/get-credits";
import "./activity.css";

function Person({ c }: { c: TCredit }) {
  const title = `${c.revisions} revision${c.revisions === 1 ? "" : "s"}`;
  return c.username ? (
    <Link href={`/${c.username}`} title={title}>
      {c.username}
    </Link>
  ) : (
    <span title={title}>{c.name}</span>
  );
}

function People({ label, people }: { label: string; people: TCredit[] }) {
  if (people.length === 0) return null;
  return (
    <span className="credits__line">
      <span className="credits__label">{label}</span>{" "}
      {people.map((c, i) => (
        <span key={c.username ?? `name:${c.name}`}>
          {i > 0 ? ", " : ""}
          <Person c={c} />
        </span>
      ))}
    </span>
  );
}

/**
 * Who made a snippet, read from its history: the primary author (first revision), contributors
 * (everyone else with a revision, upstream ones before a fork included) and committers (who made
 * this snippet's own revisions, since it was forked).
 */
export async function CreditLines({ owner, slug }: { owner: string; slug: string }) {
  const credits = await getCredits({ owner, slug });
  return (
    <span className="credits__lines">
      {credits.primaryAuthor ? <People label="Primary author" people={[credits.primaryAuthor]} /> : null}
      <People label="Contributors" people={credits.contributors} />
      <People label="Committers" people={credits.committers} />
    </span>
  );
}
