// One xterm.js terminal bridged to a portal WebSocket: binary frames are output, our input and resizes go up
// as small JSON messages; a dropped connection reconnects to the same server-side shell (its output replays).
"use strict";
function openTerminal(el, url, opts) {
  const term = new Terminal({cursorBlink: !opts.readonly, fontSize: 14, scrollback: 5000, disableStdin: !!opts.readonly,
                             screenReaderMode: !!opts.screenReader, convertEol: false,
                             theme: {background: "#101418", foreground: "#e6e6e6"}});
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(el);
  let ws = null, ended = false, tries = 0, waitingForEnter = false;
  const send = (m) => { if (ws && ws.readyState === 1) ws.send(JSON.stringify(m)); };
  function connect() {
    try { fit.fit(); } catch (e) { /* hidden tab: fitted when shown */ }
    const sep = url.includes("?") ? "&" : "?";
    ws = new WebSocket(`${url}${sep}cols=${term.cols}&rows=${term.rows}`);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { tries = 0; term.reset(); opts.onState && opts.onState("connected"); };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== "string") { term.write(new Uint8Array(ev.data)); return; }
      const m = JSON.parse(ev.data);
      if (m.t === "closed") {
        ended = true;
        const again = !opts.readonly && m.reason === "the shell ended";  // exit, or a service restart
        term.write(`\r\n\x1b[33m[${m.reason}${again ? ": press Enter for a new shell" : ""}]\x1b[0m\r\n`);
        opts.onState && opts.onState("closed", m.reason);
        if (again) waitingForEnter = true;
      }
    };
    ws.onclose = () => {
      if (ended) return;
      opts.onState && opts.onState("reconnecting");
      tries += 1;
      if (tries > 30) { term.write("\r\n[connection lost: reload the page]\r\n"); return; }
      setTimeout(connect, Math.min(5000, 500 * tries));
    };
  }
  if (!opts.readonly) term.onData((d) => {
    if (waitingForEnter) { if (d === "\r") { waitingForEnter = false; ended = false; tries = 0; connect(); } return; }
    send({t: "i", d});
  });
  term.onResize(({cols, rows}) => send({t: "r", c: cols, r: rows}));
  window.addEventListener("resize", () => { if (el.offsetParent) fit.fit(); });
  connect();
  return {term, fit, close: () => { ended = true; ws && ws.close(); term.dispose(); },
          reopen: () => { ended = false; tries = 0; connect(); },
          get ended() { return ended; }};
}
