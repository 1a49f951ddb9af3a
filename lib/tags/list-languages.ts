import "server-only";
import { getDb } from "@/lib/db/client";

/** The languages public snippets are written in, most used first: the choices of the language filter. */
export async function listLanguages(): Promise<{ language: string; count: number }[]> {
  const rows = await getDb().snippet.groupBy({
    by: ["language"],
    where: { visibility: "PUBLIC" },
    _count: { _all: true },
    orderBy: { _count: { language: "desc" } },
  });
  return rows.map((r) => ({ language: r.language, count: r._count._all }));
}
