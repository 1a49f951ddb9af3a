/*
 * Cellar embeds: runnable cells in any page (docs/api.md, "Embeds").
 *
 *   <script src="https://cellar.example/embed.js"></script>
 *   <div class="compute"><script type="text/x-python">print(6 * 7)</script></div>
 *   <script>cellar.makeCell({ inputLocation: "div.compute" });</script>
 *
 * Also served as /embed_sagecell.js, with `sagecell.makeSagecell` taking SageMathCell's option
 * names, so a page written for SageMathCell works by changing the script's URL.
 *
 * Each cell is a frame of <site>/embed/cell, another origin than the host page: neither can read
 * the other. The code and options go to the frame by postMessage once it says it is ready; the
 * frame reports its height, and linked cells' session id, which this script passes to the other
 * frames of the same group. With `outputLocation`, a second frame (<site>/embed/output) goes
 * there and shows the cell's output: the cell's frame reports each run (session and cell id),
 * which this script passes to that cell's output frame only. Messages are taken only from our
 * frames, from the site's origin.
 * Plain ES2017, no dependencies.
 */
(function () {
  "use strict";
  if (window.cellar && window.cellar.makeCell) return; // loaded twice

  var me = document.currentScript;
  var SITE = me && me.src ? new URL(me.src, location.href).origin : location.origin;
  var KERNELS = ["python", "sage"];
  var EDITORS = ["codemirror", "codemirror-readonly", "textarea", "textarea-readonly"];
  var HIDEABLE = ["editor", "evalButton", "permalink", "output", "files"];
  /** SageMathCell's names for what it hides, where ours differ. */
  var SAGECELL_HIDE = { sessionFiles: "files" };
  var SESSION = /^[A-Za-z0-9_-]{8,64}$/;
  var MSG_ID = /^[A-Za-z0-9_-]{1,100}$/;
  var MAX_CODE = 100000;

  /**
   * The cells made so far: { frame, init, group, callback, ready, info, output, lastRun }, where
   * `output` is { frame, ready } for a cell with an output frame (else null) and `lastRun` the
   * run its frame last reported.
   */
  var cells = [];
  /** Each link group's live session. */
  var sessions = {};

  function isString(x) {
    return typeof x === "string";
  }

  /** Drops blank lines around the code and the indentation every line shares (code inside indented HTML). */
  function tidy(code) {
    var lines = String(code).replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && !lines[0].trim()) lines.shift();
    while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
    var indent = null;
    lines.forEach(function (line) {
      if (!line.trim()) return;
      var n = /^[ \t]*/.exec(line)[0].length;
      indent = indent === null ? n : Math.min(indent, n);
    });
    return lines
      .map(function (line) {
        return line.slice(indent || 0);
      })
      .join("\n");
  }

  /** The code an input element holds: a <script type="text/x-sage|x-python"> inside it, or its text. */
  function codeIn(el) {
    var block =
      el.matches && el.matches("script") ? el : el.querySelector("script[type='text/x-sage'], script[type='text/x-python'], script[type='text/code']");
    if (block) {
      var type = (block.getAttribute("type") || "").toLowerCase();
      return { code: tidy(block.textContent), kernel: type === "text/x-python" ? "python" : type === "text/x-sage" ? "sage" : null };
    }
    return { code: tidy(el.textContent), kernel: null };
  }

  function elementsOf(location) {
    if (!location) return [];
    if (isString(location)) return Array.prototype.slice.call(document.querySelectorAll(location));
    if (location.nodeType === 1) return [location];
    if (typeof location.length === "number") return Array.prototype.slice.call(location); // a NodeList or jQuery object
    return [];
  }

  /**
   * Our options, checked and completed, for the cell at `el` (pure but for reading the page's
   * code). Unknown values fall back to the defaults; the frame checks everything again.
   */
  function resolve(options, el) {
    var found = el ? codeIn(el) : { code: "", kernel: null };
    var code = found.code;
    if (isString(options.code)) code = options.code;
    else if (options.codeLocation) {
      var at = elementsOf(options.codeLocation)[0];
      if (at) code = codeIn(at).code;
    }
    var kernel = KERNELS.indexOf(options.kernel) >= 0 ? options.kernel : found.kernel || options.defaultKernel || "python";
    var hide = [];
    (Array.isArray(options.hide) ? options.hide : []).forEach(function (h) {
      var ours = SAGECELL_HIDE[h] || h;
      if (HIDEABLE.indexOf(ours) >= 0 && hide.indexOf(ours) < 0) hide.push(ours);
    });
    var group = null;
    if (isString(options.linkKey) && options.linkKey) group = "key:" + options.linkKey.slice(0, 190);
    else if (options.linked === true) group = "linked";
    return {
      cellar: "init",
      code: String(code).slice(0, MAX_CODE),
      kernel: kernel,
      autoeval: options.autoeval === true,
      evalButtonText: isString(options.evalButtonText) && options.evalButtonText.trim() ? options.evalButtonText.trim().slice(0, 60) : "Run",
      editor: EDITORS.indexOf(options.editor) >= 0 ? options.editor : "codemirror",
      hide: hide,
      group: group,
      session: null,
      replaceOutput: options.replaceOutput !== false,
      outputElsewhere: false,
    };
  }

  /** SageMathCell's options (makeSagecell) as ours: its template first, then the page's own options. */
  function fromSagecell(options) {
    var o = options || {};
    var template = o.template && typeof o.template === "object" ? o.template : {};
    var merged = {};
    [template, o].forEach(function (src) {
      Object.keys(src).forEach(function (k) {
        if (k === "hide" && Array.isArray(src.hide)) merged.hide = (merged.hide || []).concat(src.hide);
        else merged[k] = src[k];
      });
    });
    var languages = Array.isArray(merged.languages) ? merged.languages : [];
    var language = merged.defaultLanguage || languages[0];
    var out = {
      inputLocation: merged.inputLocation,
      outputLocation: merged.outputLocation,
      code: merged.code,
      codeLocation: merged.codeLocation,
      autoeval: merged.autoeval,
      evalButtonText: isString(merged.evalButtonText) ? merged.evalButtonText : "Evaluate",
      editor: merged.editor,
      hide: merged.hide,
      linked: merged.linked,
      linkKey: merged.linkKey,
      replaceOutput: merged.replaceOutput,
      callback: merged.callback,
      // A page's text/x-python block still runs in Python; otherwise SageMathCell's default, Sage.
      defaultKernel: KERNELS.indexOf(language) >= 0 ? language : "sage",
    };
    return out;
  }

  function post(cell, message) {
    postTo(cell.frame, message);
  }

  function postTo(frame, message) {
    if (frame.contentWindow) frame.contentWindow.postMessage(message, SITE);
  }

  function sizeFrame(frame, height, min) {
    frame.style.height = Math.round(Math.max(min, Math.min(height + 2, 20000))) + "px";
  }

  /** A message from a cell's output frame: it is ready for its runs, has a new height, or asks for the cell to run again. */
  function fromOutput(cell, d) {
    var out = cell.output;
    if (d.cellar === "ready") {
      out.ready = true;
      postTo(out.frame, {
        cellar: "output",
        replaceOutput: cell.init.replaceOutput,
        hideFiles: cell.init.hide.indexOf("files") >= 0,
        run: cell.lastRun,
      });
    } else if (d.cellar === "height" && typeof d.height === "number" && isFinite(d.height)) {
      // No output yet: no room taken.
      if (d.height < 1) out.frame.style.height = "0px";
      else sizeFrame(out.frame, d.height, 0);
    } else if (d.cellar === "rerun" && cell.ready) {
      post(cell, { cellar: "rerun" });
    }
  }

  window.addEventListener("message", function (e) {
    if (e.origin !== SITE) return;
    var cell = null;
    var output = null;
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].frame.contentWindow === e.source) cell = cells[i];
      else if (cells[i].output && cells[i].output.frame.contentWindow === e.source) output = cells[i];
    }
    var d = e.data;
    if (!d || typeof d !== "object") return;
    if (output) return fromOutput(output, d);
    if (!cell) return;
    if (d.cellar === "ready") {
      var init = Object.assign({}, cell.init, { session: (cell.group && sessions[cell.group]) || null });
      post(cell, init);
      if (!cell.ready && typeof cell.callback === "function") {
        try {
          cell.callback(cell.info);
        } catch (err) {
          setTimeout(function () {
            throw err;
          });
        }
      }
      cell.ready = true;
    } else if (d.cellar === "height" && typeof d.height === "number" && isFinite(d.height)) {
      sizeFrame(cell.frame, d.height, 40);
    } else if (d.cellar === "session" && isString(d.session) && SESSION.test(d.session) && cell.group) {
      sessions[cell.group] = d.session;
      cells.forEach(function (other) {
        if (other !== cell && other.group === cell.group && other.ready) post(other, { cellar: "session", session: d.session });
      });
    } else if (
      d.cellar === "run" &&
      cell.output &&
      isString(d.session) &&
      SESSION.test(d.session) &&
      (d.msgId === null || (isString(d.msgId) && MSG_ID.test(d.msgId)))
    ) {
      // To this cell's output frame only: a linked cell's output frame shows its own cells.
      cell.lastRun = { cellar: "run", session: d.session, msgId: d.msgId };
      if (cell.output.ready) postTo(cell.output.frame, cell.lastRun);
    }
  });

  /** Makes one cell in place of each element `inputLocation` names. Returns what it made (one, or a list for several). */
  function makeCell(options) {
    var o = options || {};
    var outputs = elementsOf(o.outputLocation);
    var made = elementsOf(o.inputLocation).map(function (el, n) {
      var init = resolve(o, el);
      if (el.tagName === "SCRIPT") {
        // The code block itself was named: the cell takes its place.
        var box = document.createElement("div");
        el.parentNode.insertBefore(box, el);
        el.parentNode.removeChild(el);
        el = box;
      }
      var frame = document.createElement("iframe");
      frame.src = SITE + "/embed/cell";
      frame.title = "Runnable code cell";
      frame.className = "cellar-cell";
      frame.setAttribute("allow", "clipboard-write");
      frame.style.cssText = "display:block;width:100%;height:" + (init.hide.indexOf("editor") >= 0 ? 60 : 160) + "px;border:0;";
      while (el.firstChild) el.removeChild(el.firstChild);
      el.appendChild(frame);
      var info = { inputLocation: el, frame: frame, kernel: init.kernel };
      // The n-th cell's output goes to the n-th element outputLocation names, or the first.
      var at = init.hide.indexOf("output") >= 0 ? null : outputs[n] || outputs[0] || null;
      var output = null;
      if (at) {
        var outFrame = document.createElement("iframe");
        outFrame.src = SITE + "/embed/output";
        outFrame.title = "Output of a runnable code cell";
        outFrame.className = "cellar-output";
        outFrame.style.cssText = "display:block;width:100%;height:0;border:0;";
        at.appendChild(outFrame);
        init.outputElsewhere = true;
        output = { frame: outFrame, ready: false };
        info.outputLocation = at;
        info.outputFrame = outFrame;
      }
      cells.push({ frame: frame, init: init, group: init.group, callback: o.callback, ready: false, info: info, output: output, lastRun: null });
      return info;
    });
    return made.length === 1 ? made[0] : made;
  }

  /** SageMathCell's templates, as near as our options go. */
  var templates = {
    /** Only the output (an interact, a plot): no editor, no buttons, run at once. */
    minimal: { hide: ["editor", "evalButton", "permalink", "files"], autoeval: true },
    /** The code shown read-only, run at once. */
    restricted: { editor: "codemirror-readonly", hide: ["permalink"], autoeval: true },
  };

  window.cellar = {
    makeCell: makeCell,
    /** Pure: our options from SageMathCell's (exposed for tests and for pages that want to look). */
    fromSagecellOptions: fromSagecell,
    /** Pure: the message a frame gets, from our options (code read from `element` when given). */
    resolveOptions: resolve,
    site: SITE,
  };
  window.sagecell = window.sagecell || {};
  window.sagecell.makeSagecell = function (options) {
    return makeCell(fromSagecell(options));
  };
  window.sagecell.templates = templates;
})();
