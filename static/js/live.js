// The live camera page: camera -> JPEG frames over a WebSocket -> faces drawn over the video,
// a rolling chart, the current stress and alerts. The protocol is described in
// detection/live/consumers.py. One frame is in flight at a time; the next one is sent after the
// answer, spaced by the measured round trip, so a slow server simply gets fewer frames.
import { timelineChart } from "./charts.js";
import { EMOTIONS, emotionColour } from "./emotions.js";
import { formatTime, percent } from "./format.js";

{

  const config = JSON.parse(document.getElementById("live-config").textContent);
  const $ = (id) => document.getElementById(id);
  const els = {
    message: $("live-message"),
    camera: $("live-camera"),
    start: $("live-start"),
    stop: $("live-stop"),
    snapshot: $("live-snapshot"),
    video: $("live-video"),
    overlay: $("live-overlay"),
    placeholder: $("live-placeholder"),
    status: $("live-status"),
    stress: $("live-stress"),
    stressBar: $("live-stress-bar"),
    stressOverlay: $("live-stress-overlay"),
    faces: $("live-faces"),
    alerts: $("live-alerts"),
    chart: $("live-chart"),
  };

  const CAPTURE_WIDTH = 640;
  const JPEG_QUALITY = 0.7;
  const TARGET_FPS = Math.min(10, config.maxFps);
  const CHART_POINTS = 60;

  let stream = null;
  let socket = null;
  let running = false;
  let inFlight = false;
  let sentAt = 0;
  let roundTrip = null; // Typical round trip, ms.
  let recentTrips = [];
  let timer = null;
  let answeredAt = [];
  const capture = document.createElement("canvas");

  // --- Messages and status -------------------------------------------------------------------

  function showMessage(text, kind = "warning") {
    els.message.className = `alert alert-${kind}`;
    els.message.textContent = text;
  }

  function hideMessage() {
    els.message.className = "alert d-none";
    els.message.textContent = "";
  }

  function setStatus(text) {
    els.status.textContent = text;
  }

  function setButtons() {
    els.start.disabled = running;
    els.stop.disabled = !running;
    els.snapshot.disabled = !running;
  }

  // --- Camera --------------------------------------------------------------------------------

  async function listCameras() {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === "videoinput");
    const current = els.camera.value;
    els.camera.replaceChildren();
    devices.forEach((device, index) => {
      const option = new Option(device.label || `Camera ${index + 1}`, device.deviceId);
      els.camera.add(option);
    });
    if (!devices.length) els.camera.add(new Option("No camera found", ""));
    if (current) els.camera.value = current;
    els.camera.disabled = devices.length < 2;
  }

  function cameraErrorText(error) {
    switch (error.name) {
      case "NotAllowedError":
      case "SecurityError":
        return "Camera permission was refused. Allow camera access for this site in your browser (the icon in the address bar), then press Start again.";
      case "NotFoundError":
      case "OverconstrainedError":
        return "No camera was found. Connect a camera, then press Start again.";
      case "NotReadableError":
        return "The camera is in use by another application, or the system blocked it.";
      default:
        return `The camera could not be started (${error.name || error}).`;
    }
  }

  async function openCamera() {
    const deviceId = els.camera.value;
    const video = { width: { ideal: 640 }, height: { ideal: 480 } };
    if (deviceId) video.deviceId = { exact: deviceId };
    const next = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    closeCamera();
    stream = next;
    els.video.srcObject = stream;
    await els.video.play();
    els.placeholder.hidden = true;
  }

  function closeCamera() {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    els.video.srcObject = null;
  }

  // --- Connection ----------------------------------------------------------------------------

  async function start() {
    hideMessage();
    if (!navigator.mediaDevices?.getUserMedia) {
      showMessage("This browser cannot use a camera on this page: it needs a recent browser and a secure (https://) address.");
      return;
    }
    els.start.disabled = true;
    setStatus("Starting the camera…");
    try {
      await openCamera();
    } catch (error) {
      showMessage(cameraErrorText(error));
      setStatus("Not started.");
      els.start.disabled = false;
      return;
    }
    await listCameras();
    connect();
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${config.wsPath}`);
    socket.binaryType = "arraybuffer";
    setStatus("Connecting…");
    socket.addEventListener("open", () => {
      running = true;
      inFlight = false;
      roundTrip = null;
      recentTrips = [];
      answeredAt = [];
      setButtons();
      setStatus("Connected; analysing…");
      sendFrameSoon(0);
    });
    socket.addEventListener("message", (event) => handle(JSON.parse(event.data)));
    socket.addEventListener("close", (event) => {
      if (running) {
        const reason = event.code === 4401 ? "You are signed out; sign in again." : "The connection to the server was lost.";
        showMessage(`${reason} Press Start to continue; what was analysed so far is saved.`);
      }
      finish();
    });
  }

  function stop() {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "stop" }));
      setStatus("Stopping…");
    }
    running = false;
    clearTimeout(timer);
    setButtons();
  }

  function finish() {
    running = false;
    clearTimeout(timer);
    closeCamera();
    els.placeholder.hidden = false;
    clearOverlay();
    clearReadouts("Stopped.");
    setButtons();
  }

  // Nothing is being analysed any more: the readouts must not show the last frame as current.
  function clearReadouts(facesText) {
    showStress(null, "");
    els.faces.replaceChildren(Object.assign(document.createElement("li"), { className: "list-group-item text-body-secondary", textContent: facesText }));
  }

  const LEVEL_CLASSES = { low: "bg-success", moderate: "bg-warning", high: "bg-danger" };

  function showStress(stress, level) {
    const text = stress === null ? "–" : percent(stress);
    els.stress.textContent = text;
    els.stressOverlay.textContent = stress === null ? "Stress –" : `${level.charAt(0).toUpperCase()}${level.slice(1)} stress · ${text}`;
    els.stressOverlay.dataset.level = level;
    const bar = els.stressBar.firstElementChild;
    bar.style.width = stress === null ? "0%" : percent(stress);
    bar.className = `progress-bar ${LEVEL_CLASSES[level] ?? ""}`;
    els.stressBar.setAttribute("aria-valuenow", stress === null ? 0 : Math.round(stress * 100));
  }

  // Faces are numbered left to right, as on the result page.
  const inReadingOrder = (faces) => [...faces].sort((a, b) => (a.box.x + a.box.w / 2) - (b.box.x + b.box.w / 2));
  const isUncertain = (face) => face.confidence < config.uncertainBelow;

  // --- Frames --------------------------------------------------------------------------------

  function sendFrameSoon(delay) {
    clearTimeout(timer);
    timer = setTimeout(sendFrame, delay);
  }

  function sendFrame() {
    if (!running || inFlight) return;
    const video = els.video;
    if (socket.readyState !== WebSocket.OPEN || !video.videoWidth) {
      sendFrameSoon(100);
      return;
    }
    const scale = Math.min(1, CAPTURE_WIDTH / video.videoWidth);
    capture.width = Math.round(video.videoWidth * scale);
    capture.height = Math.round(video.videoHeight * scale);
    capture.getContext("2d").drawImage(video, 0, 0, capture.width, capture.height);
    inFlight = true;
    capture.toBlob((blob) => {
      if (!blob || !running || socket.readyState !== WebSocket.OPEN) {
        inFlight = false;
        return;
      }
      sentAt = performance.now();
      socket.send(blob);
    }, "image/jpeg", JPEG_QUALITY);
  }

  // The answer to the frame in flight: measure, then send the next one no sooner than the
  // target rate allows and no faster than the server keeps up with.
  function answered({ backOff = false } = {}) {
    if (!inFlight) return;
    inFlight = false;
    const now = performance.now();
    const rtt = now - sentAt;
    // The median of the last few round trips: follows the server within a few frames, and
    // one slow frame (the model loading, a hiccup) does not stall the stream.
    recentTrips = [...recentTrips.slice(-4), rtt];
    roundTrip = [...recentTrips].sort((a, b) => a - b)[Math.floor((recentTrips.length - 1) / 2)];
    answeredAt.push(now);
    answeredAt = answeredAt.filter((t) => now - t < 2000);
    const interval = Math.max(1000 / TARGET_FPS, roundTrip * 1.2) * (backOff ? 2 : 1);
    if (running) sendFrameSoon(Math.max(0, interval - rtt));
  }

  function handle(message) {
    switch (message.type) {
      case "session":
        break;
      case "result":
        answered();
        showResult(message);
        break;
      case "error":
        answered({ backOff: message.code === "busy" || message.code === "rate_limited" });
        if (message.code !== "busy") setStatus(`Frame refused: ${message.message}`);
        break;
      case "alert":
        showAlert(message);
        break;
      case "snapshot":
        showMessage("", "success");
        els.message.append("Snapshot saved. ");
        els.message.append(Object.assign(document.createElement("a"), { href: message.url, textContent: "See its analysis" }));
        break;
      case "stopped":
        if (message.url) {
          setStatus("Stopped. ");
          els.status.append(Object.assign(document.createElement("a"), { href: message.url, textContent: "See this session" }));
        } else {
          setStatus("Stopped before any frame was analysed; nothing was saved.");
        }
        break;
    }
  }

  // --- Showing results -----------------------------------------------------------------------

  function clearOverlay() {
    els.overlay.getContext("2d").clearRect(0, 0, els.overlay.width, els.overlay.height);
  }

  function drawFaces(result) {
    const canvas = els.overlay;
    canvas.width = result.width;
    canvas.height = result.height;
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = Math.max(2, canvas.width / 200);
    const fontSize = Math.max(14, Math.round(canvas.width / 32));
    context.font = `600 ${fontSize}px system-ui, sans-serif`;
    context.textBaseline = "bottom";
    inReadingOrder(result.faces).forEach((face, index) => {
      const { x, y, w, h } = face.box;
      const color = emotionColour(face.dominant);
      const radius = (Math.max(w, h) / 2) * 1.15;
      context.strokeStyle = color;
      context.beginPath();
      context.arc(x + w / 2, y + h / 2, radius, 0, 2 * Math.PI);
      context.stroke();
      const label = `${index + 1} ${isUncertain(face) ? "uncertain" : face.dominant} ${percent(face.confidence)}`;
      const textWidth = context.measureText(label).width;
      const labelX = Math.max(0, x + w / 2 - textWidth / 2 - 4);
      const labelY = Math.max(fontSize + 6, y + h / 2 - radius - 4);
      context.fillStyle = color;
      context.fillRect(labelX, labelY - fontSize - 6, textWidth + 8, fontSize + 6);
      context.fillStyle = "#fff";
      context.fillText(label, labelX + 4, labelY - 2);
    });
  }

  function showResult(result) {
    drawFaces(result);
    const fps = answeredAt.length / 2;
    setStatus(`${result.faces.length} face${result.faces.length === 1 ? "" : "s"} · ${fps.toFixed(1)} frames/s · round trip ${Math.round(roundTrip)} ms`);

    showStress(result.faces.length ? result.stress : null, result.faces.length ? result.stress_level : "");

    if (!result.faces.length) {
      clearReadouts("No face in view.");
    } else {
      els.faces.replaceChildren();
    }
    inReadingOrder(result.faces).forEach((face, index) => {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex justify-content-between align-items-center live-face";
      item.dataset.emotion = face.dominant;
      const name = document.createElement("span");
      const number = Object.assign(document.createElement("span"), { className: `face-number-badge emotion-swatch-${face.dominant}`, textContent: index + 1 });
      const emotion = isUncertain(face) ? `uncertain (${face.dominant}?)` : face.dominant;
      name.append(number, Object.assign(document.createElement("strong"), { textContent: emotion }), ` ${percent(face.confidence)}`);
      const stressText = Object.assign(document.createElement("span"), { className: "small text-body-secondary", textContent: `stress ${percent(face.stress)}` });
      item.append(name, stressText);
      els.faces.append(item);
    });

    pushChart(result);
  }

  function showAlert(alert) {
    let item = els.alerts.querySelector(`[data-alert-id="${alert.id}"]`);
    const isNew = !item;
    if (isNew) {
      item = document.createElement("li");
      item.className = "list-group-item small list-group-item-warning";
      item.dataset.alertId = alert.id;
      els.alerts.prepend(item);
    }
    const time = formatTime(new Date(alert.created_at));
    item.replaceChildren(
      Object.assign(document.createElement("span"), { className: "fw-semibold", textContent: time }),
      ` ${alert.message} `,
      Object.assign(document.createElement("span"), { className: "badge text-bg-light border alert-status", textContent: alert.status_display }),
    );
    if (alert.error) item.append(Object.assign(document.createElement("div"), { className: "text-danger", textContent: alert.error }));
  }

  // --- Chart ---------------------------------------------------------------------------------

  // Per frame, the mean probability of each emotion over the frame's faces, and the stress.
  const chart = timelineChart(els.chart, {
    labels: [],
    series: Object.fromEntries(EMOTIONS.map((emotion) => [emotion, []])),
    stress: [],
  });

  function pushChart(result) {
    const { labels, datasets } = chart.data;
    labels.push(formatTime(new Date()));
    EMOTIONS.forEach((label, index) => {
      // Mean probability of the emotion over the faces of this frame (a gap with no face).
      const values = result.faces.map((face) => face.probabilities[label]);
      datasets[index].data.push(values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
    });
    datasets[datasets.length - 1].data.push(result.faces.length ? result.stress : null);
    if (labels.length > CHART_POINTS) {
      labels.shift();
      datasets.forEach((dataset) => dataset.data.shift());
    }
    chart.update("none");
  }

  // --- Wiring --------------------------------------------------------------------------------

  els.start.addEventListener("click", start);
  els.stop.addEventListener("click", stop);
  els.snapshot.addEventListener("click", () => socket?.send(JSON.stringify({ type: "snapshot" })));
  els.camera.addEventListener("change", async () => {
    if (!running) return;
    try {
      await openCamera();
    } catch (error) {
      showMessage(cameraErrorText(error));
    }
  });
  window.addEventListener("pagehide", () => socket?.close());
  listCameras().catch(() => {});
}
