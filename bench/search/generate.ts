/**
 * A library of made-up but realistic snippets for the search benchmark: Python with numpy,
 * scipy, sympy and matplotlib around ~30 teaching topics, Markdown blurbs in plain prose,
 * hierarchical tags, a few thousand authors. Deterministic (seeded), so runs compare.
 *
 * Besides the topics' own words, every snippet draws prose words and identifiers from a long
 * vocabulary of made-up English-like words with Zipf's law (a few words everywhere, most of
 * them in a handful of snippets), as real notes and code do: the index then holds a vocabulary
 * of a realistic size, which is what typo correction searches and what makes it hard.
 */
import type { TSearchDoc } from "@/lib/search/types";

type TTopic = { tag: string; titles: string[]; words: string[]; calls: string[] };

const TOPICS: TTopic[] = [
  {
    tag: "calculus/derivatives",
    titles: ["Numerical derivative of {f}", "Tangent lines to {f}", "Finite differences for {f}"],
    words: ["derivative", "slope", "tangent", "difference", "quotient"],
    calls: ["np.gradient", "sp.diff", "derivative"],
  },
  {
    tag: "calculus/integrals",
    titles: ["Riemann sums of {f}", "Trapezoid rule on {f}", "Area under {f}"],
    words: ["integral", "area", "riemann", "trapezoid", "simpson"],
    calls: ["quad", "np.trapz", "simpson", "sp.integrate"],
  },
  {
    tag: "calculus/limits",
    titles: ["Limits of {f}", "Squeeze theorem with {f}", "Epsilon delta for {f}"],
    words: ["limit", "epsilon", "delta", "converge", "squeeze"],
    calls: ["sp.limit", "np.abs"],
  },
  {
    tag: "calculus/series",
    titles: ["Taylor polynomials of {f}", "Power series of {f}", "Maclaurin expansion of {f}"],
    words: ["taylor", "series", "polynomial", "remainder", "radius"],
    calls: ["sp.series", "factorial", "np.polyval"],
  },
  {
    tag: "linear-algebra/eigenvalues",
    titles: ["Eigenvalues of a {m} matrix", "Power iteration on a {m} matrix", "Diagonalising a {m} matrix"],
    words: ["eigenvalue", "eigenvector", "spectrum", "diagonal", "characteristic"],
    calls: ["np.linalg.eig", "np.linalg.eigvals", "power_iteration"],
  },
  {
    tag: "linear-algebra/systems",
    titles: ["Solving a {m} linear system", "Gaussian elimination step by step", "LU decomposition of a {m} matrix"],
    words: ["elimination", "pivot", "solve", "decomposition", "triangular"],
    calls: ["np.linalg.solve", "scipy.linalg.lu", "back_substitute"],
  },
  {
    tag: "linear-algebra/transformations",
    titles: ["Rotations in the plane", "Shear and scale of the unit square", "Linear maps of a {m} grid"],
    words: ["rotation", "shear", "transformation", "determinant", "basis"],
    calls: ["np.dot", "np.linalg.det", "plt.quiver"],
  },
  {
    tag: "differential-equations/ode",
    titles: ["Euler's method for {ode}", "Runge-Kutta on {ode}", "Phase portrait of {ode}"],
    words: ["euler", "runge", "kutta", "initial", "trajectory", "phase"],
    calls: ["solve_ivp", "odeint", "rk4_step"],
  },
  {
    tag: "differential-equations/pde",
    titles: ["Heat equation on a rod", "Wave equation with fixed ends", "Laplace equation on a square"],
    words: ["heat", "wave", "diffusion", "boundary", "laplacian"],
    calls: ["np.roll", "explicit_step", "plt.imshow"],
  },
  {
    tag: "probability/distributions",
    titles: ["Sampling the {d} distribution", "Histogram of {d} samples", "Density of the {d} distribution"],
    words: ["distribution", "density", "sample", "variance", "histogram"],
    calls: ["rng.normal", "stats.norm.pdf", "plt.hist"],
  },
  {
    tag: "probability/monte-carlo",
    titles: ["Monte Carlo estimate of pi", "Random walks in {dim} dimensions", "Buffon's needle"],
    words: ["monte", "carlo", "random", "estimate", "simulation"],
    calls: ["rng.random", "np.cumsum", "np.mean"],
  },
  {
    tag: "statistics/regression",
    titles: ["Least squares fit of {n} points", "Linear regression with residuals", "Polynomial fit of degree {k}"],
    words: ["regression", "least", "squares", "residual", "fit"],
    calls: ["np.polyfit", "np.linalg.lstsq", "stats.linregress"],
  },
  {
    tag: "statistics/hypothesis-tests",
    titles: ["A t-test on two samples", "Chi-squared goodness of fit", "Bootstrap confidence interval"],
    words: ["hypothesis", "pvalue", "bootstrap", "confidence", "significance"],
    calls: ["stats.ttest_ind", "stats.chisquare", "rng.choice"],
  },
  {
    tag: "number-theory/primes",
    titles: ["Sieve of Eratosthenes up to {n}", "Prime gaps below {n}", "Counting primes below {n}"],
    words: ["prime", "sieve", "divisor", "factor", "eratosthenes"],
    calls: ["sieve", "sp.isprime", "sp.factorint"],
  },
  {
    tag: "number-theory/modular",
    titles: ["Modular exponentiation", "The extended Euclidean algorithm", "Chinese remainder theorem"],
    words: ["modular", "congruence", "gcd", "euclid", "inverse"],
    calls: ["pow", "egcd", "sp.mod_inverse"],
  },
  {
    tag: "geometry/fractals",
    titles: ["The Mandelbrot set", "Sierpinski triangle by chaos game", "Koch snowflake of depth {k}"],
    words: ["fractal", "mandelbrot", "julia", "iteration", "selfsimilar"],
    calls: ["np.meshgrid", "plt.imshow", "escape_time"],
  },
  {
    tag: "geometry/curves",
    titles: ["Parametric curves: {c}", "Polar plot of {c}", "Arc length of {c}"],
    words: ["parametric", "polar", "curve", "cardioid", "lissajous"],
    calls: ["np.cos", "np.sin", "plt.polar"],
  },
  {
    tag: "signal-processing/fourier",
    titles: ["Fourier series of a {w} wave", "FFT of a noisy signal", "Spectrum of a {w} wave"],
    words: ["fourier", "frequency", "spectrum", "harmonic", "transform"],
    calls: ["np.fft.fft", "np.fft.fftfreq", "plt.stem"],
  },
  {
    tag: "numerical-methods/root-finding",
    titles: ["Newton's method on {f}", "Bisection for roots of {f}", "Secant method on {f}"],
    words: ["newton", "bisection", "secant", "root", "iteration", "convergence"],
    calls: ["newton", "brentq", "bisect"],
  },
  {
    tag: "numerical-methods/interpolation",
    titles: ["Lagrange interpolation of {n} nodes", "Cubic splines through {n} points", "Runge's phenomenon"],
    words: ["interpolation", "spline", "lagrange", "chebyshev", "nodes"],
    calls: ["CubicSpline", "lagrange", "np.interp"],
  },
  {
    tag: "optimization/gradient-descent",
    titles: ["Gradient descent on {f}", "Momentum and step sizes", "Minimising the Rosenbrock function"],
    words: ["gradient", "descent", "minimum", "learning", "momentum"],
    calls: ["minimize", "grad", "np.linalg.norm"],
  },
  {
    tag: "physics/mechanics",
    titles: ["Projectile motion with drag", "A damped pendulum", "Orbits under gravity"],
    words: ["projectile", "pendulum", "orbit", "gravity", "velocity", "energy"],
    calls: ["solve_ivp", "np.hypot", "plt.plot"],
  },
  {
    tag: "physics/waves",
    titles: ["Standing waves on a string", "Interference of two sources", "Beats between {k} tones"],
    words: ["interference", "standing", "amplitude", "wavelength", "beats"],
    calls: ["np.sin", "plt.contourf", "np.linspace"],
  },
  {
    tag: "graph-theory/shortest-paths",
    titles: ["Dijkstra on a {n}-node graph", "Breadth-first search", "Minimum spanning tree"],
    words: ["dijkstra", "graph", "vertex", "edge", "spanning", "shortest"],
    calls: ["heapq.heappush", "nx.shortest_path", "bfs"],
  },
  {
    tag: "combinatorics/counting",
    titles: ["Pascal's triangle to row {n}", "Permutations and derangements", "Catalan numbers"],
    words: ["binomial", "pascal", "permutation", "catalan", "combination"],
    calls: ["comb", "factorial", "itertools.permutations"],
  },
  {
    tag: "complex-analysis/mappings",
    titles: ["Conformal map z -> {c}", "Domain colouring of {f}", "Roots of unity"],
    words: ["complex", "conformal", "argument", "modulus", "unity"],
    calls: ["np.angle", "np.abs", "np.exp"],
  },
  {
    tag: "dynamical-systems/chaos",
    titles: ["The logistic map bifurcation diagram", "Lorenz attractor", "Cobweb plot of {f}"],
    words: ["chaos", "bifurcation", "attractor", "logistic", "lorenz"],
    calls: ["odeint", "np.zeros", "plt.scatter"],
  },
  {
    tag: "machine-learning/clustering",
    titles: ["k-means on {n} points", "Nearest neighbours classifier", "Principal component analysis"],
    words: ["cluster", "centroid", "kmeans", "neighbours", "principal"],
    calls: ["KMeans", "np.argmin", "np.linalg.svd"],
  },
];

const FUNCS = ["sin(x)", "x**2", "exp(-x**2)", "log(1 + x)", "cos(3x)", "1/(1 + x**2)", "x**3 - 2x", "sqrt(x)", "tan(x)", "x*sin(1/x)"];
const MATRICES = ["2x2", "3x3", "symmetric", "random", "Hilbert", "rotation", "tridiagonal"];
const ODES = ["y' = -y", "the logistic equation", "a predator-prey model", "y'' + y = 0", "the Van der Pol oscillator"];
const DISTS = ["normal", "binomial", "Poisson", "exponential", "uniform", "beta", "gamma"];
const CURVES = ["a cardioid", "a rose", "a Lissajous figure", "an epicycloid", "a spiral"];
const WAVES = ["square", "sawtooth", "triangle", "pulse"];
const PROSE = [
  "This shows how {w} works with a small example you can change.",
  "Move the slider to see the {w} change as the parameter grows.",
  "We compare the exact answer with the {w} computed numerically.",
  "A classic exercise from a first course: the {w} in one picture.",
  "Try other values and watch the {w} converge, or fail to.",
  "Students often confuse the {w} with the {v}; the plot makes the difference clear.",
  "Based on lecture notes; the {w} is computed in a few lines of numpy.",
  "The figure marks each {w} so the steps are easy to follow.",
];
const FIRST = [
  "ada",
  "alan",
  "emmy",
  "carl",
  "sofia",
  "leonhard",
  "maryam",
  "kurt",
  "grace",
  "henri",
  "srinivasa",
  "hypatia",
  "john",
  "terence",
  "maria",
  "pierre",
];
const LAST = [
  "noether",
  "gauss",
  "euler",
  "turing",
  "hopper",
  "poincare",
  "ramanujan",
  "mirzakhani",
  "kovalevskaya",
  "lovelace",
  "tao",
  "agnesi",
  "fermat",
  "riemann",
];

/** Made-up words: syllables (onset, vowel, coda) and an optional suffix, 4 to 14 letters. */
const ONSETS = [
  "b",
  "c",
  "d",
  "f",
  "g",
  "h",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "w",
  "z",
  "br",
  "cr",
  "dr",
  "fl",
  "gr",
  "pl",
  "pr",
  "st",
  "tr",
  "ch",
  "sh",
  "th",
  "sp",
  "sc",
  "qu",
];
const VOWELS = ["a", "e", "i", "o", "u", "ea", "io", "ou", "ai", "y"];
const CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "nt", "st", "rm", "ct", "x", "ng", "ph"];
const SUFFIXES = ["", "", "", "", "ing", "ed", "er", "ion", "al", "ity", "ment", "ive", "ous", "ly", "ness", "ic", "ise"];
/** Size of the made-up vocabulary; a Zipf draw over it reaches most of it across 100,000 snippets. */
const VOCABULARY_SIZE = 150_000;
/** Zipf exponent of the draws (≈1 for natural language). */
const ZIPF_S = 1.0;

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an element of a list with the draws of `r`. */
function picker(r: () => number): <T>(xs: readonly T[]) => T {
  return (xs) => xs[Math.floor(r() * xs.length)]!;
}

/** A sentence of PROSE about a word of `topic` (and one of `other`, in some). */
function prose(pick: ReturnType<typeof picker>, topic: TTopic, other: TTopic): string {
  return pick(PROSE).replace("{w}", pick(topic.words)).replace("{v}", pick(other.words));
}

/** The made-up vocabulary, most frequent first (rank = index). */
export const VOCABULARY: string[] = (() => {
  const r = rng(7);
  const pick = picker(r);
  const words = new Set<string>();
  while (words.size < VOCABULARY_SIZE) {
    const syllables = 1 + Math.floor(r() * 3);
    let w = "";
    for (let k = 0; k < syllables; k++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    w += pick(SUFFIXES);
    if (w.length >= 4 && w.length <= 14) words.add(w);
  }
  return [...words];
})();

/** Cumulative Zipf weights of VOCABULARY's ranks, for drawing by binary search. */
const ZIPF_CDF: Float64Array = (() => {
  const cdf = new Float64Array(VOCABULARY.length);
  let total = 0;
  for (let i = 0; i < cdf.length; i++) cdf[i] = total += 1 / Math.pow(i + 1, ZIPF_S);
  for (let i = 0; i < cdf.length; i++) cdf[i]! /= total;
  return cdf;
})();

/** A word of the vocabulary drawn with Zipf's law. */
function zipfWord(r: () => number): string {
  const x = r();
  let lo = 0;
  let hi = ZIPF_CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ZIPF_CDF[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo]!;
}

function zipfWords(r: () => number, min: number, max: number): string {
  return Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => zipfWord(r)).join(" ");
}

/** An identifier made of two drawn words, as snake_case or camelCase (one word to the index). */
function identifier(r: () => number): string {
  const a = zipfWord(r);
  const b = zipfWord(r);
  return r() < 0.5 ? `${a}_${b}` : `${a}${b[0]!.toUpperCase()}${b.slice(1)}`;
}

export type TBenchAuthor = { username: string; displayName: string };

export function makeAuthors(count: number, seed = 1): TBenchAuthor[] {
  const r = rng(seed);
  const pick = picker(r);
  return Array.from({ length: count }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return { username: `${first}-${last}-${i}`, displayName: `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}` };
  });
}

/** Snippet `i` of the library (a document without an id: the caller gives it its row's). */
export function makeSnippet(i: number, authors: TBenchAuthor[]): Omit<TSearchDoc, "id"> {
  const r = rng(1000 + i);
  const pick = picker(r);
  const topic = pick(TOPICS);
  const other = pick(TOPICS);
  const fill = (s: string) =>
    s
      .replace("{f}", pick(FUNCS))
      .replace("{m}", pick(MATRICES))
      .replace("{ode}", pick(ODES))
      .replace("{d}", pick(DISTS))
      .replace("{c}", pick(CURVES))
      .replace("{w}", pick(WAVES))
      .replace("{n}", String(10 + Math.floor(r() * 990)))
      .replace("{k}", String(2 + Math.floor(r() * 8)))
      .replace("{dim}", String(1 + Math.floor(r() * 3)));
  const title = fill(pick(topic.titles));
  const author = authors[Math.floor(r() * authors.length)]!;
  const sentences = 1 + Math.floor(r() * 4);
  const notes = `${zipfWords(r, 6, 16)}.`;
  const blurb = [...Array.from({ length: sentences }, () => prose(pick, topic, other)), notes[0]!.toUpperCase() + notes.slice(1)].join(" ");
  const tags = [topic.tag, ...(r() < 0.3 ? [other.tag] : []), ...(r() < 0.2 ? ["teaching"] : [])];
  const files = [{ path: "main.py", text: makeCode(topic, other, r) }];
  if (r() < 0.25)
    files.push({ path: "README.md", text: `# ${title}\n\n${blurb}\n\nRun \`main.py\`; it uses ${pick(topic.calls)} and ${pick(other.calls)}.\n` });
  if (r() < 0.1) files.push({ path: `data/${pick(topic.words)}.csv`, text: Array.from({ length: 20 }, (_, k) => `${k},${(r() * 100).toFixed(3)}`).join("\n") });
  return {
    owner: author.username,
    ownerName: author.displayName,
    slug: `${title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60)}-${i}`,
    title,
    blurb,
    tags: [...new Set(tags)],
    files,
    updatedAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 3 * 365 * 86_400_000)),
  };
}

function makeCode(topic: TTopic, other: TTopic, r: () => number): string {
  const pick = picker(r);
  const lines = [
    "import numpy as np",
    "import matplotlib.pyplot as plt",
    ...(r() < 0.5 ? ["from scipy.integrate import solve_ivp, quad, odeint", "from scipy import stats"] : ["import sympy as sp"]),
    "",
    `# ${prose(pick, topic, other)}`,
    `# ${zipfWords(r, 4, 12)}`,
  ];
  const fns = 1 + Math.floor(r() * 3);
  for (let k = 0; k < fns; k++) {
    const name = r() < 0.5 ? `${pick(topic.words)}_${pick(["step", "value", "estimate", "table", "plot", "error"])}` : identifier(r);
    const local = identifier(r);
    lines.push(
      "",
      `def ${name}(x, n=${10 + Math.floor(r() * 90)}):`,
      `    """Return the ${pick(topic.words)} of x using ${pick(topic.calls)}: ${zipfWords(r, 2, 8)}."""`,
      `    ${local} = ${(r() * 10).toFixed(2)}  # ${zipfWords(r, 1, 5)}`,
      `    h = ${(r() / 10).toFixed(4)}`,
      `    values = [${local} * ${pick(topic.calls)}(x + k * h) for k in range(n)]`,
      `    ${pick(["total", "acc", "result"])} = np.sum(values) * h`,
      `    if abs(${pick(["total", "acc", "result"])}) < 1e-${3 + Math.floor(r() * 9)}:`,
      `        print("${pick(topic.words)} is small")`,
      `    return np.array(values)`,
    );
  }
  lines.push(
    "",
    `x = np.linspace(${-Math.floor(r() * 5)}, ${1 + Math.floor(r() * 10)}, ${50 + Math.floor(r() * 950)})`,
    `y = ${pick(topic.calls)}(x)`,
    `fig, ax = plt.subplots(figsize=(${4 + Math.floor(r() * 4)}, 4))`,
    `ax.plot(x, y, label="${pick(topic.words)}")`,
    `ax.set_title("${pick(topic.words)} and ${pick(other.words)}")`,
    "ax.legend()",
    "plt.show()",
  );
  return lines.join("\n") + "\n";
}

/** Queries a reader might type, each with the kind of help it needs. */
export const QUERIES: { q: string; tags?: string[]; sort?: "recent" }[] = [
  { q: "eigenvalues" },
  { q: "fourier series" },
  { q: "newton method" },
  { q: "monte carlo pi" },
  { q: "heat equation" },
  { q: "runge kutta" },
  { q: "taylor polynomial" },
  { q: "linspace" },
  { q: "solve_ivp" },
  { q: "mandelbrot" },
  { q: "plot" },
  { q: "np.linalg.eig" },
  { q: "histogram normal" },
  { q: "bisection root" },
  { q: "gauss" },
  { q: "eigenvalus" },
  { q: "fourrier" },
  { q: "bifurcaton diagram" },
  { q: "interpolaton spline" },
  { q: "dijsktra" },
  { q: "deriv" },
  { q: "integ" },
  { q: "trapez" },
  { q: "regress" },
  { q: "pendu" },
  { q: "convergence", tags: ["numerical-methods"] },
  { q: "matrix", tags: ["linear-algebra"] },
  { q: "sample", tags: ["probability/distributions"] },
  { q: "plot", sort: "recent" },
  { q: "", tags: ["calculus"] },
  { q: "lorenz attractor chaos" },
  { q: "kmeans centroid" },
];

/** What a reader types letter by letter into the search box. */
export const TYPED = [
  "ei",
  "eig",
  "eigen",
  "four",
  "fouri",
  "new",
  "newt",
  "mon",
  "monte",
  "heat",
  "run",
  "tay",
  "mand",
  "pri",
  "prim",
  "lin",
  "line",
  "reg",
  "pend",
  "lore",
  "chaos",
  "dij",
  "fract",
  "gauss",
  "kme",
  "spl",
  "calc",
  "inte",
  "deri",
  "prob",
];

/** Rank of each made-up word (0 = most frequent). */
const VOCABULARY_RANK = new Map(VOCABULARY.map((w, i) => [w, i]));

export type TTypo = { typo: string; word: string; snippet: number };

/**
 * `count` single-edit typos of words a reader would look a snippet up by: for a random snippet
 * of the first `snippets`, its rarest made-up word of 5 letters or more (the one that finds it),
 * with one letter dropped, doubled, swapped with the next or replaced. The first letter is kept,
 * as people rarely mistype it.
 */
export function makeTypos(count: number, snippets: number, authors: TBenchAuthor[], seed = 99): TTypo[] {
  const r = rng(seed);
  const out: TTypo[] = [];
  while (out.length < count) {
    const snippet = Math.floor(r() * snippets);
    const doc = makeSnippet(snippet, authors);
    const text = [doc.title, doc.blurb, ...doc.files.map((f) => f.text)].join(" ").toLowerCase();
    let word: string | undefined;
    for (const w of text.split(/[^a-z]+/)) {
      const rank = VOCABULARY_RANK.get(w);
      if (rank !== undefined && w.length >= 5 && (word === undefined || rank > VOCABULARY_RANK.get(word)!)) word = w;
    }
    if (!word) continue;
    const at = 1 + Math.floor(r() * (word.length - 1));
    const letter = "abcdefghijklmnopqrstuvwxyz"[Math.floor(r() * 26)]!;
    const edits = [
      word.slice(0, at) + word.slice(at + 1),
      word.slice(0, at) + word[at] + word.slice(at),
      at < word.length - 1 ? word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2) : word.slice(0, at - 1) + word[at] + word[at - 1],
      word.slice(0, at) + letter + word.slice(at + 1),
    ];
    const typo = edits[Math.floor(r() * edits.length)]!;
    if (typo !== word && !VOCABULARY_RANK.has(typo)) out.push({ typo, word, snippet });
  }
  return out;
}
