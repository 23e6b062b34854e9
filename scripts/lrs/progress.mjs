// A progress line on stderr: redrawn in place on a terminal, a plain line every few seconds otherwise (logs, CI).
const WIDTH = 30;

export function createProgress(label) {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastPrint = 0;

  function render(fraction, text) {
    const elapsed = (Date.now() - started) / 1000;
    if (fraction === undefined) return `${label} ${text} (${elapsed.toFixed(0)} s)`;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
    const bar = `[${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`;
    return `${label} ${bar} ${(fraction * 100).toFixed(1).padStart(5)}% ${text} (${elapsed.toFixed(0)} s)`;
  }

  return {
    /** fraction in [0, 1] or undefined when the total is unknown. */
    update(fraction, text) {
      const now = Date.now();
      if (tty) {
        if (now - lastPrint < 100) return;
        process.stderr.write(`\r${render(fraction, text)}\x1b[K`);
      } else {
        if (now - lastPrint < 5000) return;
        process.stderr.write(`${render(fraction, text)}\n`);
      }
      lastPrint = now;
    },
    done(fraction, text) {
      process.stderr.write(`${tty ? "\r" : ""}${render(fraction, text)}${tty ? "\x1b[K" : ""}\n`);
    },
  };
}
