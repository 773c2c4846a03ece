// Injected at the end of a report page by browser_test.sh: checks the
// rendered DOM and writes one line per check into <pre id="faultline-check">,
// "ok NAME" or "not ok NAME: why", plus the sizes the screenshots need.
(function () {
  const expected = (document.currentScript.dataset.charts || "").split(" ").filter(Boolean);
  const literals = JSON.parse(document.currentScript.dataset.literals || "[]");
  const lines = [];
  const check = (name, pass, why) => lines.push(pass ? "ok " + name : "not ok " + name + ": " + why);
  const viewport = 1280;

  check("nothing from the page ran", window.pwned === undefined, "window.pwned = " + window.pwned);
  check("the only script is this check", document.scripts.length === 1,
        document.scripts.length + " script elements");
  check("no element came from the input", document.querySelectorAll(
        "img, iframe, em, u, a, b").length === 0, "markup from the input was parsed");
  check("nothing wider than 1280 px", document.documentElement.scrollWidth <= viewport,
        "scroll width " + document.documentElement.scrollWidth);
  for (const literal of literals) {
    check("shows as text: " + literal, document.body.textContent.includes(literal),
          "not found in the page's text");
  }

  const figures = [...document.querySelectorAll("figure.chart")];
  check("charts present", figures.length === expected.length,
        "found " + figures.map((f) => f.dataset.chart).join(",") + "; expected " + expected.join(","));
  for (const id of expected) {
    const figure = document.querySelector('figure[data-chart="' + id + '"]');
    if (!figure) {
      check("chart " + id, false, "missing");
      continue;
    }
    const svgs = [...figure.querySelectorAll("svg")];
    const box = figure.getBoundingClientRect();
    check("chart " + id + " has a drawing", svgs.length > 0, "no svg");
    check("chart " + id + " fits 1280 px", box.width > 600 && box.right <= viewport,
          "width " + box.width + ", right " + box.right);
    const marks = [...figure.querySelectorAll(".data")];
    const drawn = marks.filter((m) => {
      const b = m.getBBox();
      return b.width > 0 || b.height > 0;
    });
    check("chart " + id + " carries data", drawn.length > 0,
          marks.length + " data marks, none with a size");
    const tick = figure.querySelector("svg .tick, svg .row-label");
    const tickHeight = tick ? tick.getBoundingClientRect().height : 0;
    check("chart " + id + " labels readable", tickHeight >= 9,
          "label height " + tickHeight + " px");
    check("chart " + id + " has a title and caption",
          figure.querySelector("figcaption h3") && figure.querySelector("figcaption p"),
          "no caption");
    lines.push("figure " + id + " " + Math.ceil(box.height));
  }
  lines.push("height " + Math.ceil(document.documentElement.scrollHeight));
  const out = document.createElement("pre");
  out.id = "faultline-check";
  out.textContent = "\n" + lines.join("\n") + "\n";
  document.body.appendChild(out);
})();
