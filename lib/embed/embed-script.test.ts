/**
 * public/embed.js's pure parts, run from the file the site serves (in a VM context with a page
 * reduced to what they read): SageMathCell's options mapped to ours, and the message a frame
 * gets, which the frame accepts only if it passes ZEmbedInit.
 */
import { readFileSync } from "node:fs";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { ZEmbedInit, ZEmbedOutputInit, ZEmbedRun, ZOutputHostMessage } from "./embed-messages";

type TEmbedApi = {
  fromSagecellOptions: (o: unknown) => Record<string, unknown>;
  resolveOptions: (o: Record<string, unknown>, el: unknown) => Record<string, unknown>;
  site: string;
};

function loadEmbed(): { cellar: TEmbedApi; sagecell: { templates: Record<string, Record<string, unknown>>; makeSagecell: unknown } } {
  const source = readFileSync(new URL("../../public/embed.js", import.meta.url), "utf8");
  const window: Record<string, unknown> = { addEventListener: () => undefined };
  const document = { currentScript: { src: "https://cellar.example/embed_sagecell.js" } };
  vm.runInNewContext(source, { window, document, location: { href: "https://course.example/", origin: "https://course.example" }, URL });
  return window as unknown as ReturnType<typeof loadEmbed>;
}

/** An element holding a code block, as `codeIn` reads it. */
function blockOf(type: string, text: string) {
  return { matches: () => false, querySelector: () => ({ getAttribute: () => type, textContent: text }), textContent: text };
}

describe("embed.js", () => {
  const { cellar, sagecell } = loadEmbed();

  it("knows the site from its own script URL, whichever name it was loaded by", () => {
    expect(cellar.site).toBe("https://cellar.example");
    expect(typeof sagecell.makeSagecell).toBe("function");
  });

  it("maps SageMathCell's options to ours: Evaluate, Sage by default, sessionFiles → files, unknown hides dropped", () => {
    const ours = cellar.fromSagecellOptions({
      inputLocation: "div.compute",
      linked: true,
      hide: ["sessionFiles", "editorToggle", "permalink"],
      autoeval: true,
    });
    expect(ours).toMatchObject({ inputLocation: "div.compute", linked: true, autoeval: true, evalButtonText: "Evaluate", defaultKernel: "sage" });
    const init = cellar.resolveOptions(ours, blockOf("text/x-sage", "\n    f(x) = x^2\n      f(3)\n"));
    expect(init).toMatchObject({ kernel: "sage", code: "f(x) = x^2\n  f(3)", hide: ["files", "permalink"], group: "linked", autoeval: true });
    expect(ZEmbedInit.safeParse(init).success).toBe(true);
  });

  it("runs a text/x-python block in Python on a SageMathCell page, and takes languages/defaultLanguage", () => {
    const python = cellar.resolveOptions(cellar.fromSagecellOptions({}), blockOf("text/x-python", "print(1)"));
    expect(python.kernel).toBe("python");
    const plain = { matches: () => false, querySelector: () => null, textContent: "1+1" };
    expect(cellar.resolveOptions(cellar.fromSagecellOptions({ languages: ["python"] }), plain).kernel).toBe("python");
    expect(cellar.resolveOptions(cellar.fromSagecellOptions({ defaultLanguage: "sage" }), plain).kernel).toBe("sage");
    expect(cellar.resolveOptions(cellar.fromSagecellOptions({}), plain)).toMatchObject({ kernel: "sage", code: "1+1" });
  });

  it("applies a template first, then the page's own options (hides add up)", () => {
    const ours = cellar.fromSagecellOptions({ template: sagecell.templates.restricted, hide: ["files"], evalButtonText: "Go" });
    expect(ours).toMatchObject({ editor: "codemirror-readonly", autoeval: true, evalButtonText: "Go", hide: ["permalink", "files"] });
    expect(cellar.fromSagecellOptions({ template: sagecell.templates.minimal }).hide).toEqual(["editor", "evalButton", "permalink", "files"]);
  });

  it("gives a linkKey its own group, takes code and kernel given as options, and falls back on bad values", () => {
    const init = cellar.resolveOptions(
      { code: "x = 1", kernel: "sage", linkKey: "k", linked: true, editor: "vim", evalButtonText: "  ", replaceOutput: false, hide: ["nope"] },
      null,
    );
    expect(init).toMatchObject({ code: "x = 1", kernel: "sage", group: "key:k", editor: "codemirror", evalButtonText: "Run", replaceOutput: false, hide: [] });
    expect(ZEmbedInit.safeParse(init).success).toBe(true);
    expect(cellar.resolveOptions({ kernel: "bash" }, null).kernel).toBe("python");
  });

  it("passes SageMathCell's outputLocation on; a cell's frame shows its own output until makeCell finds that element", () => {
    const ours = cellar.fromSagecellOptions({ inputLocation: "#in", outputLocation: "#out" });
    expect(ours.outputLocation).toBe("#out");
    expect(cellar.resolveOptions(ours, null).outputElsewhere).toBe(false);
  });
});

describe("ZEmbedInit (what the frame accepts from a host page)", () => {
  const good = {
    cellar: "init",
    code: "1",
    kernel: "python",
    autoeval: false,
    evalButtonText: "Run",
    editor: "codemirror",
    hide: [],
    group: null,
    session: null,
    replaceOutput: true,
    outputElsewhere: false,
  };
  it("refuses what does not fit: other kernels, session ids that are not ours, oversized code, unknown hides", () => {
    expect(ZEmbedInit.safeParse(good).success).toBe(true);
    expect(ZEmbedInit.safeParse({ ...good, kernel: "bash" }).success).toBe(false);
    expect(ZEmbedInit.safeParse({ ...good, session: "../../etc" }).success).toBe(false);
    expect(ZEmbedInit.safeParse({ ...good, code: "x".repeat(100_001) }).success).toBe(false);
    expect(ZEmbedInit.safeParse({ ...good, hide: ["everything"] }).success).toBe(false);
  });
});

describe("an output frame's messages (what /embed/output accepts from a host page)", () => {
  const run = { cellar: "run", session: "abcdEFGH1234_-", msgId: "0b6f2d9e-5b1c-4a4e-9d8e-2f7c1a9b3c4d" };
  it("takes a run to follow: a session id of ours and a cell's message id, or null for the whole session", () => {
    expect(ZEmbedRun.safeParse(run).success).toBe(true);
    expect(ZEmbedRun.safeParse({ ...run, msgId: null }).success).toBe(true);
    expect(ZOutputHostMessage.safeParse({ cellar: "output", replaceOutput: true, hideFiles: false, run: null }).success).toBe(true);
    expect(ZEmbedOutputInit.safeParse({ cellar: "output", replaceOutput: false, hideFiles: true, run }).success).toBe(true);
  });
  it("refuses session or message ids that could name another path, and anything else", () => {
    expect(ZEmbedRun.safeParse({ ...run, session: "../../api/v1/snippets" }).success).toBe(false);
    expect(ZEmbedRun.safeParse({ ...run, msgId: "a/b" }).success).toBe(false);
    expect(ZEmbedRun.safeParse({ ...run, msgId: "x".repeat(101) }).success).toBe(false);
    expect(ZOutputHostMessage.safeParse({ cellar: "init", code: "1" }).success).toBe(false);
    expect(ZOutputHostMessage.safeParse({ cellar: "output", replaceOutput: true, hideFiles: false }).success).toBe(false);
  });
});
