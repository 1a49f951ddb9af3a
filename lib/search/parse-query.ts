import { AppError } from "@/lib/errors";
import { ZTag } from "@/lib/snippets/schema";
import { USERNAME_MAX, USERNAME_PATTERN } from "@/lib/users/schema";

/*
 * Qualifiers in the search text, as GitHub Gist's search reads them: `user:alice` (or
 * `author:alice`) keeps one author's snippets, `tag:calculus/limits` adds a tag filter. A
 * qualifier is a whole whitespace-separated token whose name (case-insensitive) is one of
 * these followed by a colon; anything else (`np.linalg:eig`, `x:y`) stays text. Tags and
 * usernames hold no spaces, so no quoting is needed.
 */

const QUALIFIER = /^(user|author|tag):(.*)$/i;

export type TQualifier = { name: "user" | "tag"; value: string; token: string };

type TToken = { text: string } | { qualifier: TQualifier };

function tokensOf(q: string): TToken[] {
  return q
    .split(/\s+/)
    .filter((t) => t !== "")
    .map((token) => {
      const m = QUALIFIER.exec(token);
      if (!m) return { text: token };
      const name = m[1]!.toLowerCase() === "tag" ? "tag" : "user";
      return { qualifier: { name, value: m[2]!, token } };
    });
}

/** The text of `q` without its qualifiers (for the words, and for suggestions while one is typed). */
export function stripQualifiers(q: string): string {
  return tokensOf(q)
    .flatMap((t) => ("text" in t ? [t.text] : []))
    .join(" ");
}

/** `q` without the qualifiers `drop` picks (given lower-cased values): the search a removed filter chip links to. */
export function withoutQualifiers(q: string, drop: (qualifier: TQualifier) => boolean): string {
  return tokensOf(q)
    .filter((t) => !("qualifier" in t) || !drop({ ...t.qualifier, value: t.qualifier.value.toLowerCase() }))
    .map((t) => ("text" in t ? t.text : t.qualifier.token))
    .join(" ");
}

export type TParsedQuery = {
  /** The search text without its qualifiers: what becomes the words. */
  text: string;
  /** `user:` / `author:`, lower-cased (usernames are), or null. */
  owner: string | null;
  /** `tag:` values, normalised as tags are, without repeats. */
  tags: string[];
};

/**
 * Splits the qualifiers off `q`. An empty value (`user:` while still typing) is ignored; a
 * value that cannot be a username or a tag, or two different users (a snippet has one
 * author), is an INVALID AppError naming the qualifier as typed.
 */
export function parseSearchQuery(q: string): TParsedQuery {
  const text: string[] = [];
  let owner: string | null = null;
  const tags = new Set<string>();
  for (const t of tokensOf(q)) {
    if ("text" in t) {
      text.push(t.text);
      continue;
    }
    const { name, value, token } = t.qualifier;
    if (value === "") continue;
    if (name === "user") {
      const username = value.toLowerCase();
      if (username.length > USERNAME_MAX || !USERNAME_PATTERN.test(username)) {
        throw new AppError("INVALID", `${token} is not a username: a username uses letters, digits and single dashes between them (like user:ada-lovelace).`);
      }
      if (owner !== null && owner !== username) throw new AppError("INVALID", `Only one user can be searched at a time (${token} after user:${owner}).`);
      owner = username;
    } else {
      const tag = ZTag.safeParse(value);
      if (!tag.success) throw new AppError("INVALID", `${token} is not a tag: ${tag.error.issues[0]?.message ?? "see /tags for the tags in use."}`);
      tags.add(tag.data);
    }
  }
  return { text: text.join(" "), owner, tags: [...tags] };
}
