// `npm start`: build, serve the built app and open the sample data in a browser — only where a
// browser can be opened. Vite's own --open spawns xdg-open blindly and prints a stack trace
// (spawn xdg-open ENOENT) on a machine without a desktop, which reads like a crash.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { build, preview } from 'vite';

const port = Number(process.env.PORT ?? 5173);
await build({ logLevel: 'warn' });
const server = await preview({ preview: { port, open: false } });
const url = new URL('/?sample', server.resolvedUrls?.local[0] ?? `http://localhost:${port}/`).href;
const opener = browserOpener();
if (!opener) console.log(`Assay is running at ${url} — open it in a browser (Ctrl+C stops it)`);
else {
  console.log(`Assay is running at ${url} — opening it in your browser (Ctrl+C stops it)`);
  const child = spawn(opener.command, [...opener.args, url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.log(`Could not open a browser: open ${url} yourself`));
  child.unref();
}

/** The platform's way to open a URL, or null where none can work (no display, no xdg-open, BROWSER=none). */
function browserOpener() {
  if (process.env.BROWSER === 'none') return null;
  if (process.platform === 'darwin') return { command: 'open', args: [] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  const onPath = (p) => (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, p)));
  return onPath('xdg-open') ? { command: 'xdg-open', args: [] } : null;
}
