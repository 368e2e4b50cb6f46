// Online visit: WebRTC peer to peer, signalling relayed through Kyoso (polling), perfect
// negotiation (the patient is the polite peer). Nothing is loaded from the internet.
(function () {
  "use strict";
  const root = document.getElementById("visit-room");
  if (!root) return;
  const signalsUrl = root.dataset.signalsUrl;
  const polite = root.dataset.polite === "true";
  const iceServers = JSON.parse(document.getElementById("ice-servers").textContent);
  const csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
  const statusEl = document.getElementById("call-status");
  const local = document.getElementById("local-video");
  const remote = document.getElementById("remote-video");
  let since = 0;
  let makingOffer = false;
  let ignoreOffer = false;
  let pc = null;

  function setStatus(text, state) {
    statusEl.textContent = text;
    root.dataset.state = state;
  }

  async function send(kind, payload) {
    await fetch(signalsUrl, {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({kind: kind, payload: payload}),
      credentials: "same-origin",
    });
  }

  async function start() {
    setStatus(root.dataset.textConnecting, "connecting");
    const stream = await navigator.mediaDevices.getUserMedia({video: true, audio: true});
    local.srcObject = stream;
    pc = new RTCPeerConnection({iceServers: iceServers});
    stream.getTracks().forEach((t) => pc.addTrack(t, stream));
    pc.ontrack = (e) => {
      if (remote.srcObject !== e.streams[0]) remote.srcObject = e.streams[0];
    };
    pc.onicecandidate = (e) => { if (e.candidate) send("ice", e.candidate.toJSON()); };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === "connected") setStatus(root.dataset.textConnected, "connected");
      if (pc.connectionState === "failed") setStatus(root.dataset.textFailed, "failed");
    };
    pc.onnegotiationneeded = async () => {
      try {
        makingOffer = true;
        await pc.setLocalDescription();
        await send("offer", pc.localDescription.toJSON());
      } finally {
        makingOffer = false;
      }
    };
    poll();
  }

  async function handle(message) {
    if (message.kind === "offer" || message.kind === "answer") {
      const description = message.payload;
      const collision = description.type === "offer" && (makingOffer || pc.signalingState !== "stable");
      ignoreOffer = !polite && collision;
      if (ignoreOffer) return;
      await pc.setRemoteDescription(description);
      if (description.type === "offer") {
        await pc.setLocalDescription();
        await send("answer", pc.localDescription.toJSON());
      }
    } else if (message.kind === "ice") {
      try { await pc.addIceCandidate(message.payload); } catch (err) { if (!ignoreOffer) throw err; }
    } else if (message.kind === "bye") {
      setStatus(root.dataset.textEnded, "ended");
    }
  }

  async function poll() {
    try {
      const response = await fetch(signalsUrl + "?since=" + since, {credentials: "same-origin"});
      const data = await response.json();
      for (const m of data.messages) {
        since = Math.max(since, m.id);
        await handle(m);
      }
    } catch (err) {
      console.warn("signalling", err);
    }
    if (root.dataset.state !== "ended") setTimeout(poll, 700);
  }

  document.getElementById("hang-up").addEventListener("click", () => {
    send("bye", {});
    if (pc) pc.close();
    setStatus(root.dataset.textEnded, "ended");
  });
  start().catch((err) => setStatus(root.dataset.textFailed + " (" + err.name + ")", "failed"));
})();
