// The Florence-2 playground: choose an image, pick a task, run it against this service, see the answer drawn.
// Plain browser JavaScript, no dependency, nothing fetched but this service's own API.
"use strict";
(() => {
  const KEY_STORAGE = "florence2.apiKey";
  const $ = (id) => document.getElementById(id);
  const canvas = $("canvas");
  const context = canvas.getContext("2d");
  const state = { file: null, bitmap: null, tasks: [], answer: null, answeredTask: null, region: null, drag: null };
  // Segments' filled masks, once decoded from the answer's rle or mask_png (drawn instead of filling the polygons).
  const maskLayers = new WeakMap();
  const FILL_ALPHA = 0x60;
  const MASK_FORMAT_NAMES = { polygon: "polygons only (default)", rle: "COCO RLE", png: "PNG" };

  // One colour per label, exactly as the service draws annotated images (Florence2.Drawing.LabelColors): the hue is
  // the FNV-1a hash of the label's UTF-8 bytes modulo 360, saturation 0.85, value 0.95.
  function labelColour(label) {
    let hash = 0x811c9dc5;
    for (const byte of new TextEncoder().encode(label)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return fromHsv(hash % 360, 0.85, 0.95);
  }

  function fromHsv(hue, saturation, value) {
    const c = value * saturation;
    const x = c * (1 - Math.abs(((hue / 60) % 2) - 1));
    const m = value - c;
    const [r, g, b] = [[c, x, 0], [x, c, 0], [0, c, x], [0, x, c], [x, 0, c], [c, 0, x]][Math.min(5, Math.floor(hue / 60))];
    return [r, g, b].map((unit) => Math.round((unit + m) * 255));
  }

  const css = ([r, g, b], alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;
  const darkTextOn = ([r, g, b]) => 0.2126 * r + 0.7152 * g + 0.0722 * b > 150;

  function setStatus(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", kind === "error");
    if (kind) document.body.dataset.state = kind;
  }

  // The key lives in this tab's session storage only (never localStorage, never in the curl command).
  function apiKey() {
    const key = $("api-key").value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    return key;
  }

  function apiHeaders() {
    const key = apiKey();
    return key ? { "X-Api-Key": key } : {};
  }

  async function problemText(response) {
    try {
      const problem = await response.json();
      return { text: `${response.status} ${problem.title ?? response.statusText}: ${problem.detail ?? ""}`.trim(), body: problem };
    } catch {
      return { text: `${response.status} ${response.statusText}`, body: null };
    }
  }

  // ---- tasks ----
  // One load at a time: a key typed and Run pressed at once must not race two loads (the later one would report
  // "Ready." over the answer).
  function loadTasks() {
    state.loading ??= fetchTasks().finally(() => (state.loading = null));
    return state.loading;
  }

  async function fetchTasks() {
    let response;
    try {
      response = await fetch("v1/tasks", { headers: apiHeaders() });
    } catch (error) {
      setStatus(`The service did not answer: ${error.message}`, "error");
      return;
    }
    if (response.status === 401) {
      $("key-row").hidden = false;
      const { text } = await problemText(response);
      setStatus(`${text} Enter the API key.`, "error");
      $("api-key").focus();
      return;
    }
    if (!response.ok) {
      setStatus((await problemText(response)).text, "error");
      return;
    }
    state.tasks = (await response.json()).tasks;
    const select = $("task");
    const previous = select.value || "od";
    select.replaceChildren();
    for (const family of [...new Set(state.tasks.map((task) => task.family))]) {
      const group = document.createElement("optgroup");
      group.label = family;
      for (const task of state.tasks.filter((t) => t.family === family)) {
        const option = new Option(task.name, task.name);
        option.title = task.description;
        group.append(option);
      }
      select.append(group);
    }
    select.value = state.tasks.some((t) => t.name === previous) ? previous : state.tasks[0].name;
    onTaskChange();
    setStatus(state.file ? "Ready." : "Choose an image to start.", "ready");
  }

  const currentTask = () => state.tasks.find((task) => task.name === $("task").value);

  function onTaskChange() {
    const task = currentTask();
    $("task-description").textContent = task ? task.description : "";
    $("text-row").hidden = task?.input !== "text";
    $("region-row").hidden = task?.input !== "region";
    const formats = task?.mask_formats ?? [];
    const masks = $("mask-format");
    const chosen = masks.value || "polygon";
    masks.replaceChildren(...formats.map((format) => new Option(MASK_FORMAT_NAMES[format] ?? format, format)));
    masks.value = formats.includes(chosen) ? chosen : (formats[0] ?? "");
    $("mask-row").hidden = formats.length === 0;
    redraw();
  }

  // ---- the image ----
  async function setImage(file) {
    if (!file) return;
    if (!/^image\//.test(file.type)) {
      setStatus(`'${file.name}' is not an image (${file.type || "unknown type"}).`, "error");
      return;
    }
    try {
      const bitmap = await createImageBitmap(file);
      Object.assign(state, { file, bitmap, answer: null, answeredTask: null, region: null });
      $("save-image").disabled = false;
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      $("region").value = "";
      showAnswer(null);
      redraw();
      setStatus(`${file.name || "Pasted image"}: ${bitmap.width}×${bitmap.height}. Ready.`, "ready");
    } catch {
      setStatus(`'${file.name}' could not be read as an image.`, "error");
    }
  }

  // ---- the region, dragged on the image ----
  function toImage(event) {
    const box = canvas.getBoundingClientRect();
    const x = ((event.clientX - box.left) * canvas.width) / box.width;
    const y = ((event.clientY - box.top) * canvas.height) / box.height;
    return [Math.min(canvas.width, Math.max(0, x)), Math.min(canvas.height, Math.max(0, y))];
  }

  function regionFrom([ax, ay], [bx, by]) {
    return [Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by)].map(Math.round);
  }

  canvas.addEventListener("pointerdown", (event) => {
    if (!state.bitmap || currentTask()?.input !== "region") return;
    canvas.setPointerCapture(event.pointerId);
    state.drag = toImage(event);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!state.drag) return;
    state.region = regionFrom(state.drag, toImage(event));
    redraw();
  });
  canvas.addEventListener("pointerup", (event) => {
    if (!state.drag) return;
    const region = regionFrom(state.drag, toImage(event));
    state.drag = null;
    if (region[2] - region[0] < 1 || region[3] - region[1] < 1) return;
    state.region = region;
    $("region").value = region.join(",");
    redraw();
  });
  $("region").addEventListener("input", () => {
    const numbers = $("region").value.split(",").map(Number);
    state.region = numbers.length === 4 && numbers.every(Number.isFinite) ? numbers : null;
    redraw();
  });

  // ---- drawing ----
  function redraw() {
    if (!state.bitmap) {
      context.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    context.drawImage(state.bitmap, 0, 0);
    const side = Math.min(canvas.width, canvas.height);
    const scale = { line: Math.max(2, side / 250), font: Math.max(12, side / 36) };
    scale.padding = Math.max(2, scale.font / 5);
    const result = state.answer?.result;
    if (result) drawResult(result, scale);
    if (state.region && currentTask()?.input === "region") {
      context.save();
      context.setLineDash([scale.line * 4, scale.line * 3]);
      context.lineWidth = scale.line;
      context.strokeStyle = "#ffffff";
      const [x1, y1, x2, y2] = state.region;
      context.strokeRect(x1, y1, x2 - x1, y2 - y1);
      context.strokeStyle = "#111111";
      context.lineDashOffset = scale.line * 3.5;
      context.strokeRect(x1, y1, x2 - x1, y2 - y1);
      context.restore();
    }
  }

  const threshold = () => Number($("threshold").value);
  const shown = (item) => typeof item.score !== "number" || item.score >= threshold();

  function tagText(label, item) {
    return typeof item.score === "number" ? `${label} ${item.score.toFixed(2)}`.trim() : label;
  }

  function polygonPath(points) {
    const path = new Path2D();
    points.forEach((p, i) => (i === 0 ? path.moveTo(p.x, p.y) : path.lineTo(p.x, p.y)));
    path.closePath();
    return path;
  }

  // An instance's polygons, each filled even-odd, are painted opaque on a scratch layer that is then laid over the
  // image translucent once: their union is tinted once, as its mask counts it, however the polygons overlap.
  let scratchLayer = null;
  function fillUnion(polygons, colour) {
    if (polygons.length === 0) return;
    if (!scratchLayer || scratchLayer.width !== canvas.width || scratchLayer.height !== canvas.height)
      scratchLayer = new OffscreenCanvas(canvas.width, canvas.height);
    // Only the polygons' bounds (a pixel beyond, for the antialiased edge) are cleared and laid over: an answer with
    // many instances on a large image redraws on every slider move.
    const points = polygons.flat();
    const left = Math.max(0, Math.floor(Math.min(...points.map((p) => p.x))) - 1);
    const top = Math.max(0, Math.floor(Math.min(...points.map((p) => p.y))) - 1);
    const right = Math.min(canvas.width, Math.ceil(Math.max(...points.map((p) => p.x))) + 1);
    const bottom = Math.min(canvas.height, Math.ceil(Math.max(...points.map((p) => p.y))) + 1);
    if (right <= left || bottom <= top) return;
    const scratch = scratchLayer.getContext("2d");
    scratch.clearRect(left, top, right - left, bottom - top);
    scratch.fillStyle = css(colour);
    for (const polygon of polygons) scratch.fill(polygonPath(polygon), "evenodd");
    context.save();
    context.globalAlpha = FILL_ALPHA / 255;
    const [w, h] = [right - left, bottom - top];
    context.drawImage(scratchLayer, left, top, w, h, left, top, w, h);
    context.restore();
  }

  function drawResult(result, scale) {
    const tags = [];
    context.lineWidth = scale.line;
    context.lineJoin = "miter";
    for (const segment of (result.segments ?? []).filter(shown)) {
      const colour = labelColour(segment.label ?? "");
      const polygons = (segment.polygons ?? []).filter((polygon) => polygon.length >= 2);
      const layer = maskLayers.get(segment);
      if (layer) context.drawImage(layer, 0, 0);
      else fillUnion(polygons, colour);
      let anchor = null;
      for (const polygon of polygons) {
        context.strokeStyle = css(colour);
        context.stroke(polygonPath(polygon));
        anchor ??= polygon.reduce((best, p) => (p.x + p.y < best.x + best.y ? p : best));
      }
      if (anchor) tags.push({ text: tagText(segment.label ?? "", segment), colour, x: anchor.x, y: anchor.y });
    }
    for (const detection of (result.detections ?? []).filter(shown)) {
      const colour = labelColour(detection.label ?? "");
      const { x1, y1, x2, y2 } = detection.box;
      context.strokeStyle = css(colour);
      context.strokeRect(x1, y1, x2 - x1, y2 - y1);
      tags.push({ text: tagText(detection.label ?? "", detection), colour, x: x1, y: y1 });
    }
    for (const line of (result.lines ?? []).filter(shown)) {
      const colour = labelColour(line.text ?? "");
      if ((line.quad ?? []).length < 2) continue;
      context.strokeStyle = css(colour);
      context.stroke(polygonPath(line.quad));
      tags.push({ text: tagText(line.text ?? "", line), colour, x: line.quad[0].x, y: line.quad[0].y });
    }
    context.font = `bold ${scale.font}px "DejaVu Sans", system-ui, sans-serif`;
    context.textBaseline = "top";
    for (const tag of tags.filter((t) => t.text.length > 0)) {
      const width = context.measureText(tag.text).width + 2 * scale.padding;
      const height = scale.font * 1.2 + 2 * scale.padding;
      let top = tag.y - height >= 0 ? tag.y - height : tag.y;
      top = Math.min(Math.max(0, top), Math.max(0, canvas.height - height));
      const left = Math.min(Math.max(0, tag.x), Math.max(0, canvas.width - width));
      context.fillStyle = css(tag.colour, 0.9);
      context.fillRect(left, top, width, height);
      context.fillStyle = darkTextOn(tag.colour) ? "#000000" : "#ffffff";
      context.fillText(tag.text, left + scale.padding, top + scale.padding + scale.font * 0.1);
    }
  }

  // ---- masks: the service's own rasterisation, so overlapping polygons are filled once (their union) ----
  // COCO's compressed counts string (pycocotools rleFrString): 5 bits a character from '0', 0x20 continues,
  // 0x10 in the last character is the sign; from the fourth count on, each is a delta from the count two before.
  function rleCounts(text) {
    const counts = [];
    let position = 0;
    while (position < text.length) {
      let value = 0, shift = 0, more = true;
      while (more) {
        const chunk = text.charCodeAt(position++) - 48;
        value |= (chunk & 0x1f) << shift;
        shift += 5;
        more = (chunk & 0x20) !== 0;
        if (!more && (chunk & 0x10) !== 0) value |= -1 << shift;
      }
      if (counts.length > 2) value += counts[counts.length - 2];
      counts.push(value);
    }
    return counts;
  }

  // Runs alternate outside/inside, starting outside, down the columns (column-major, as COCO stores them).
  function maskFromRle(rle) {
    const [height, width] = rle.size;
    const inside = new Uint8Array(width * height);
    let index = 0, set = false;
    for (const run of rleCounts(rle.counts)) {
      if (set) for (let i = index; i < index + run; i++) inside[(i % height) * width + Math.floor(i / height)] = 1;
      index += run;
      set = !set;
    }
    return { width, height, inside };
  }

  async function maskFromPng(base64) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }),
      { colorSpaceConversion: "none", premultiplyAlpha: "none" });
    const scratch = new OffscreenCanvas(bitmap.width, bitmap.height).getContext("2d");
    scratch.drawImage(bitmap, 0, 0);
    const pixels = scratch.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const inside = new Uint8Array(bitmap.width * bitmap.height);
    for (let i = 0; i < inside.length; i++) inside[i] = pixels[i * 4] >= 128 ? 1 : 0;
    return { width: bitmap.width, height: bitmap.height, inside };
  }

  function tinted(mask, [r, g, b]) {
    const layer = new OffscreenCanvas(mask.width, mask.height);
    const layerContext = layer.getContext("2d");
    const image = layerContext.createImageData(mask.width, mask.height);
    for (let i = 0; i < mask.inside.length; i++) {
      if (!mask.inside[i]) continue;
      image.data[i * 4] = r;
      image.data[i * 4 + 1] = g;
      image.data[i * 4 + 2] = b;
      image.data[i * 4 + 3] = FILL_ALPHA;
    }
    layerContext.putImageData(image, 0, 0);
    return layer;
  }

  async function prepareMasks(result) {
    for (const segment of result?.segments ?? []) {
      const mask = segment.rle ? maskFromRle(segment.rle) : segment.mask_png ? await maskFromPng(segment.mask_png) : null;
      if (mask) maskLayers.set(segment, tinted(mask, labelColour(segment.label ?? "")));
    }
  }

  // ---- the answer ----
  function showAnswer(answer, rawBody) {
    state.answer = answer?.result ? answer : null;
    const text = answer?.result?.text;
    $("answer-text").hidden = typeof text !== "string";
    $("answer-text").textContent = text ?? "";
    const legend = $("legend");
    legend.replaceChildren();
    const result = answer?.result ?? {};
    const items = [
      ...(result.detections ?? []).map((d) => d.label ?? ""),
      ...(result.segments ?? []).map((s) => s.label ?? ""),
      ...(result.lines ?? []).map((l) => l.text ?? ""),
    ];
    for (const [label, count] of items.reduce((counts, l) => counts.set(l, (counts.get(l) ?? 0) + 1), new Map())) {
      const colour = labelColour(label);
      const entry = document.createElement("li");
      entry.textContent = `${label || "(no label)"} × ${count}`;
      entry.style.background = css(colour);
      entry.style.color = darkTextOn(colour) ? "#000" : "#fff";
      legend.append(entry);
    }
    const timings = $("timings");
    timings.replaceChildren();
    const t = answer?.timings;
    if (t) {
      const rows = [["queue", `${t.queue_ms} ms`], ["inference", `${t.inference_ms} ms`], ["total", `${t.total_ms} ms`],
        ["batch size", t.batch_size], ["tokens", t.generated_tokens],
        ["model", answer.model ? `${answer.model.id} (${answer.model.dtype}, ${answer.model.provider})` : ""]];
      for (const [name, value] of rows) {
        const term = document.createElement("dt");
        term.textContent = name;
        const detail = document.createElement("dd");
        detail.textContent = String(value);
        timings.append(term, detail);
      }
    }
    $("json").textContent = rawBody === undefined ? "" : JSON.stringify(rawBody, null, 2);
  }

  // ---- running a task ----
  const quote = (value) => `'${String(value).replace(/'/g, "'\\''")}'`;

  function curlFor(url, fields, fileName) {
    const parts = [`curl -sS -X POST ${quote(url)}`];
    if (apiKey()) parts.push(`-H "X-Api-Key: $FLORENCE2_API_KEY"`);
    parts.push(`-F ${quote(`image=@${fileName}`)}`);
    // --form-string: a value starting with @ or < is sent as text, never read from a file.
    for (const [name, value] of fields) parts.push(`--form-string ${quote(`${name}=${value}`)}`);
    return parts.join(" \\\n  ");
  }

  async function run(event) {
    event.preventDefault();
    if (!currentTask()) await loadTasks();
    const task = currentTask();
    if (!task) return;
    if (!state.file) {
      setStatus("Choose an image first.", "error");
      $("file").focus();
      return;
    }
    const fields = [];
    if (task.input === "text" && $("text").value.trim()) fields.push(["text", $("text").value]);
    if (task.input === "region" && $("region").value.trim()) fields.push(["region", $("region").value.trim()]);
    // Empty numbers are left out: the service then takes the model's beams and its own token limit.
    if ($("beams").value) fields.push(["num_beams", $("beams").value]);
    if ($("max-tokens").value) fields.push(["max_new_tokens", $("max-tokens").value]);
    const maskFormat = $("mask-format").value;
    if (!$("mask-row").hidden && maskFormat && maskFormat !== "polygon") fields.push(["mask_format", maskFormat]);
    const body = new FormData();
    const fileName = state.file.name || "image.png";
    body.append("image", state.file, fileName);
    for (const [name, value] of fields) body.append(name, value);
    const path = `v1/tasks/${encodeURIComponent(task.name)}`;
    $("curl").textContent = curlFor(new URL(path, document.baseURI).href, fields, fileName);
    $("run").disabled = true;
    setStatus(`Running ${task.name}…`, "running");
    try {
      const response = await fetch(path, { method: "POST", body, headers: apiHeaders() });
      if (!response.ok) {
        const { text, body: problem } = await problemText(response);
        if (response.status === 401) $("key-row").hidden = false;
        showAnswer(null, problem);
        redraw();
        setStatus(text, "error");
        return;
      }
      const answer = await response.json();
      state.answeredTask = task.name;
      let unreadMasks = "";
      try {
        await prepareMasks(answer.result);
      } catch (error) {
        unreadMasks = ` The masks could not be read (${error.message}); the polygons are filled instead.`;
      }
      showAnswer(answer, answer);
      redraw();
      setStatus(`${task.name}: done in ${answer.timings.total_ms} ms.${unreadMasks}`, "done");
    } catch (error) {
      setStatus(`The request failed: ${error.message}`, "error");
    } finally {
      $("run").disabled = false;
    }
  }

  // The canvas as it is (the image at its own size, the answer drawn on it), named after the image and the task.
  function saveImage() {
    if (!state.bitmap) return;
    const stem = (state.file?.name || "image").replace(/\.[^.]*$/, "") || "image";
    const name = state.answer && state.answeredTask ? `${stem}-${state.answeredTask}.png` : `${stem}.png`;
    canvas.toBlob((blob) => {
      if (!blob) {
        setStatus("The picture could not be saved.", "error");
        return;
      }
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    }, "image/png");
  }

  async function copy(id, button) {
    const text = $(id).textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Plain-HTTP pages have no clipboard API: select the text and fall back to the older command.
      const range = document.createRange();
      range.selectNodeContents($(id));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      document.execCommand("copy");
    }
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = label), 1200);
  }

  // ---- wiring ----
  $("form").addEventListener("submit", run);
  $("task").addEventListener("change", onTaskChange);
  $("threshold").addEventListener("input", () => {
    $("threshold-value").textContent = threshold().toFixed(2);
    redraw();
  });
  $("file").addEventListener("change", () => setImage($("file").files[0]));
  $("api-key").value = sessionStorage.getItem(KEY_STORAGE) ?? "";
  if ($("api-key").value) $("key-row").hidden = false;
  $("api-key").addEventListener("change", () => {
    apiKey();
    if (state.tasks.length === 0) loadTasks();
  });
  $("copy-json").addEventListener("click", (e) => copy("json", e.currentTarget));
  $("save-image").addEventListener("click", saveImage);
  $("copy-curl").addEventListener("click", (e) => copy("curl", e.currentTarget));
  const drop = $("drop");
  drop.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      $("file").click();
    }
  });
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    setImage(event.dataTransfer.files[0]);
  });
  document.addEventListener("paste", (event) => {
    const file = [...(event.clipboardData?.files ?? [])].find((f) => f.type.startsWith("image/"));
    if (file) setImage(file);
  });
  loadTasks();
})();
